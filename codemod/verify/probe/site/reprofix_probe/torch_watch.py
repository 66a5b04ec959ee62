"""PyTorch: what changes the model outside the modules' own code and the optimizer's step, so that
`--locate` can name it rather than blame the next module.

- Forward hooks and forward pre-hooks a user registered on a module run after reprofix's global
  hooks: what they return (or pass on) is recorded too, as events of their own, named after the hook
  (`forward hook add_noise`, with its `file:line`).
- Parameters changed between the optimizer's step and the next forward (weight noise, an EMA written
  into the model, clipping by hand) and gradients changed between the backward pass and the step
  (gradient noise or clipping by hand): a sample of each is kept when it is recorded and compared when
  it is used next; one that changed is recorded again, as an `update` event "outside the optimizer",
  with the place in the user's code that wrote it (a TorchFunctionMode watches in-place writes to the
  parameters between the step and the next forward).
"""

from __future__ import annotations

import functools
import inspect
import os
import sys

from .recorder import guarded, relative

HERE = os.path.dirname(os.path.abspath(__file__))


class UserHooks:
    """For a module with forward (pre-)hooks of the user's, a hook of reprofix's registered after them,
    which records the inputs or output as the user's hooks left them."""

    def __init__(self, probe):
        self.probe = probe
        self.handles: dict = {}  # (id(module), kind) -> handle

    def prepare(self, module) -> None:
        """Called before the module runs: make sure reprofix's hooks come after the user's."""
        for kind, hooks in (("pre", getattr(module, "_forward_pre_hooks", None)),
                            ("post", getattr(module, "_forward_hooks", None))):
            if not hooks:
                continue
            handle = self.handles.get((id(module), kind))
            if handle is None:
                register = module.register_forward_pre_hook if kind == "pre" else module.register_forward_hook
                handle = register(self.after_pre_hooks if kind == "pre" else self.after_hooks)
                self.handles[(id(module), kind)] = handle
                self.probe.recorder.on_finish.append(handle.remove)
            elif next(reversed(hooks)) != handle.id:
                hooks.move_to_end(handle.id)

    def users(self, module, kind: str) -> list:
        mine = self.handles.get((id(module), kind))
        hooks = module._forward_pre_hooks if kind == "pre" else module._forward_hooks
        return [hook for key, hook in hooks.items() if mine is None or key != mine.id]

    def after_pre_hooks(self, module, args):
        guarded(self._record, module, "pre", args)
        return None

    def after_hooks(self, module, args, output):
        guarded(self._record, module, "post", output)
        return None

    def _record(self, module, kind: str, values) -> None:
        probe = self.probe
        users = self.users(module, kind)
        if not users or not probe.recorder.recording() or (kind == "pre" and not probe.stack):
            return
        root = probe.stack[-1][1] if kind == "pre" else probe.current_root
        if root is None:
            return
        name, _, _ = probe.naming.describe(module, root)
        hook = "forward pre-hook" if kind == "pre" else "forward hook"
        type_, source = f"{hook} {_name(users[0])}", _source(users[0])
        if kind == "pre":
            found = [(f"input {what} after its forward pre-hooks", tensor)
                     for what, tensor in probe.naming.inputs(module, values, {})]
        else:
            found = [(f"{what} after its forward hooks", tensor) for what, tensor in probe.naming.flatten(values, "output")]
        for what, tensor in found:
            probe.recorder.event(probe.phase(root), name, type_, source, what, probe.digest(tensor), id(tensor))


def _unwrap(hook):
    while True:
        if isinstance(hook, functools.partial):
            hook = hook.func
        elif hasattr(hook, "__func__"):
            hook = hook.__func__
        elif hasattr(hook, "__wrapped__"):
            hook = hook.__wrapped__
        else:
            return hook


def _name(hook) -> str:
    hook = _unwrap(hook)
    return getattr(hook, "__qualname__", None) or type(hook).__name__


def _source(hook) -> str:
    hook = _unwrap(hook)
    try:
        target = hook if inspect.isfunction(hook) else type(hook).__call__
        return f"{relative(inspect.getsourcefile(target) or '')}:{inspect.getsourcelines(target)[1]}"
    except (OSError, TypeError):
        return ""


class OutsideChanges:
    """Parameters and gradients changed where no module and no optimizer step is (see the module's
    doc). Samples, not digests, are compared in the process: a change that spares every sampled value
    goes unseen; one seen is recorded whole."""

    def __init__(self, probe):
        self.probe = probe
        self.values: dict = {}  # id(parameter) -> (parameter, name, its sample after the step, step)
        self.gradients: dict = {}  # id(parameter) -> (parameter, name, its gradient's sample when accumulated)
        self.writes = None  # the mode watching writes to the parameters until the next forward

    # gradients: accumulated by the backward pass, then maybe changed before the step
    def gradient_recorded(self, parameter, name: str, gradient) -> None:
        self.gradients[id(parameter)] = (parameter, name, _sample(self.probe, gradient))

    def before_step(self, optimizer) -> None:
        probe = self.probe
        for parameter, name, sample in list(self.gradients.values()):
            gradient = parameter.grad
            if gradient is None or _same(probe, sample, gradient):
                continue
            if probe.recorder.parallel_mode == "data":  # the all-reduce replaced it by the ranks' average
                kind, what = "averaged over the ranks", "gradient of {} averaged over the ranks"
            else:
                kind, what = "outside the backward pass", "gradient of {} before the optimizer step (changed after " \
                                                          "the backward pass)"
            probe.recorder.event("update", name, kind, "", what.format(name.rpartition(".")[2]), probe.digest(gradient),
                                 id(parameter))
        self.gradients.clear()

    # values: updated by the step, then maybe changed before the next forward
    def stepped(self, parameters: list) -> None:
        probe = self.probe
        step = probe.recorder.step
        self.values = {id(p): (p, name, _sample(probe, p), step) for p, name in parameters}
        if self.values and step < probe.recorder.steps:
            self.writes = _write_tracker(probe.torch, {p.data_ptr(): name for p, name in parameters})
            if self.writes is not None:
                self.writes.__enter__()

    def next_forward(self) -> None:
        """The next top-level call: the parameters that changed since the step, recorded as that step's."""
        writes, self.writes = self.writes, None
        if writes is not None:
            writes.close()
        probe = self.probe
        for parameter, name, sample, step in self.values.values():
            if _same(probe, sample, parameter):
                continue
            where = writes.found.get(name, "") if writes is not None else ""
            probe.recorder.event("update", name, "outside the optimizer", where,
                                 "value before the next forward (changed after the optimizer step)",
                                 probe.digest(parameter), id(parameter), step=step)
        self.values = {}

    def close(self) -> None:
        if self.writes is not None:
            self.writes.close()
            self.writes = None


def _sample(probe, tensor):
    flat = tensor.detach().reshape(-1)
    return probe._sample(flat).clone()


def _same(probe, sample, tensor) -> bool:
    now = _sample(probe, tensor)
    return now.shape == sample.shape and bool(probe.torch.equal(now, sample))


def _write_tracker(torch, targets: dict):
    """A TorchFunctionMode noting, for each parameter (by its storage), the first place in the user's
    code that writes into it in place; None where torch has no such modes."""
    try:
        from torch.overrides import TorchFunctionMode
    except ImportError:
        return None

    class Writes(TorchFunctionMode):
        def __init__(self):
            super().__init__()
            self.found: dict = {}  # parameter name -> file:line
            self.open = False

        def __enter__(self):
            self.open = True
            return super().__enter__()

        def close(self):
            if self.open:
                self.open = False
                try:
                    if torch.overrides._get_current_function_mode() is self:
                        self.__exit__(None, None, None)
                except Exception:  # noqa: BLE001 - never break the training
                    pass

        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            name = getattr(func, "__name__", "")
            if (name.endswith("_") and not name.endswith("__")) or name == "__set__" or "out" in kwargs:
                target = kwargs.get("out", args[0] if args else None)
                try:
                    pointer = target.data_ptr() if isinstance(target, torch.Tensor) else None
                except Exception:  # noqa: BLE001
                    pointer = None
                parameter = targets.get(pointer)
                if parameter is not None and parameter not in self.found:
                    self.found[parameter] = _caller()
            return func(*args, **kwargs)

    return Writes()


def _caller() -> str:
    """file:line of the innermost frame of the user's code (not torch's, not reprofix's)."""
    import torch

    skip = (os.path.dirname(torch.__file__), HERE)
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(skip) and not filename.startswith("<"):
            return f"{relative(filename)}:{frame.f_lineno}"
        frame = frame.f_back
    return ""
