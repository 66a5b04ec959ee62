"""PyTorch: global module forward (pre-)hooks, gradient hooks on module outputs and parameters, and
a global optimizer step hook. Nothing is wrapped or replaced: hooks return None and work on
detached copies, so the model computes exactly what it computes without them."""

from __future__ import annotations

import os
import sys

from . import keras_hooks
from .layers import Naming, Root, owner_of
from .recorder import digest, guarded

WRAPPERS = {"DataParallel": "module", "DistributedDataParallel": "module"}
DATA_MODULES = ("torchvision.transforms",)  # nn.Module transforms called on samples: data, not model


def install(torch, recorder) -> None:
    probe = TorchProbe(torch, recorder)
    from torch.nn.modules import module as modules

    handles = [modules.register_module_forward_pre_hook(probe.before)]
    try:
        handles.append(modules.register_module_forward_hook(probe.after, always_call=True))
    except TypeError:  # torch < 2.0
        handles.append(modules.register_module_forward_hook(probe.after))
    try:
        from torch.optim.optimizer import register_optimizer_step_post_hook
    except ImportError:
        recorder.note("this torch has no global optimizer hook: a step ends at the next forward after a backward")
    else:
        handles.append(register_optimizer_step_post_hook(probe.optimizer_step))
    recorder.on_finish.append(lambda: [h.remove() for h in handles + probe.parameter_handles])


class TorchProbe:
    def __init__(self, torch, recorder):
        self.torch = torch
        self.recorder = recorder
        self.naming = Naming(lambda value: isinstance(value, torch.Tensor), "forward",
                             (os.path.dirname(torch.__file__),))
        self.stack: list = []  # (module, root) of the calls under way
        self.roots: dict = {}  # id(module) -> Root
        self.hooked_parameters: set = set()
        self.parameter_handles: list = []

    # -- forward ---------------------------------------------------------------------------------
    def before(self, module, args):
        if not self.recorder.recording():
            return None
        frame = sys._getframe(1)  # torch's inner(): the call's keyword arguments are among its locals
        kwargs = frame.f_locals.get("kwargs") if frame.f_code.co_name == "inner" else None
        guarded(self._before, module, args, kwargs if isinstance(kwargs, dict) else {})
        return None

    def _before(self, module, args, kwargs):
        if self.stack:
            root = self.stack[-1][1]
            self.stack.append((module, root))
            name, type_, source = self.naming.describe(module, root)
            for what, tensor in self.naming.inputs(module, args, kwargs):
                self.recorder.event(self.phase(root), name, type_, source, f"input {what}", self.digest(tensor),
                                    id(tensor))
                self.watch_gradient(tensor, name, type_, source, f"gradient of input {what}")
            return
        self.recorder.top_level_call()
        if not self.recorder.recording():
            return
        root = self.roots.get(id(module))
        if root is None:
            if keras_hooks.is_keras_layer(module):  # Keras 3 on torch: Keras' names, not torch's
                named = (keras_hooks.named_layers, keras_hooks.named_parameters)
            else:
                named = (type(module).named_modules, type(module).named_parameters)
            root = self.roots[id(module)] = Root(module, *named, WRAPPERS)
            if root.data_parallel:
                self.recorder.parallel("data")
        self.stack.append((module, root))
        self.hook_parameters(module, root)
        where = self.naming.where_called()
        for what, tensor in self.naming.inputs(root.inner, args, kwargs):
            self.recorder.event("data", what, type(root.inner).__name__, where, "input", self.digest(tensor),
                                id(tensor))

    def after(self, module, args, output):
        if self.stack and self.stack[-1][0] is module:
            _, root = self.stack.pop()
            if self.recorder.recording():
                guarded(self._after, module, root, output)
        return None

    def _after(self, module, root, output):
        name, type_, source = self.naming.describe(module, root)
        phase = self.phase(root)
        for what, tensor in self.naming.flatten(output, "output"):
            self.recorder.event(phase, name, type_, source, what, self.digest(tensor), id(tensor))
            self.watch_gradient(tensor, name, type_, source, f"gradient of {what}")

    def phase(self, root):
        return "data" if root.type.__module__.startswith(DATA_MODULES) else "forward"

    # -- backward --------------------------------------------------------------------------------
    def watch_gradient(self, tensor, name, type_, source, what):
        if tensor.requires_grad and self.torch.is_grad_enabled():
            tensor.register_hook(self.gradient_hook(name, type_, source, what, id(tensor)))

    def gradient_hook(self, name, type_, source, what, tensor=0):
        def hook(gradient):
            if gradient is not None and self.recorder.recording():
                guarded(lambda: self.recorder.event("backward", name, type_, source, what, self.digest(gradient),
                                                    tensor))
            return None
        return hook

    def hook_parameters(self, module, root):
        for parameter in module.parameters():
            if id(parameter) in self.hooked_parameters or not parameter.requires_grad:
                continue
            self.hooked_parameters.add(id(parameter))
            register = getattr(parameter, "register_post_accumulate_grad_hook", None)
            if register is not None:
                self.parameter_handles.append(register(lambda p: self.parameter_gradient(p, p.grad)))
            else:  # torch < 2.1: the gradient before accumulation
                self.parameter_handles.append(parameter.register_hook(
                    lambda g, p=parameter: self.parameter_gradient(p, g)))

    def parameter_gradient(self, parameter, gradient):
        if gradient is None or not self.recorder.recording():
            return None
        # named when the gradient arrives: the model is built and called by then (Keras builds layers
        # one by one before the model's first call)
        full = self.parameter_name(parameter, "")
        owner, type_, source = owner_of(full, reversed(list(self.roots.values())), self.naming)
        what = f"gradient of {full.rpartition('.')[2]}"
        guarded(lambda: self.recorder.event("backward", owner, type_, source, what, self.digest(gradient),
                                            id(parameter)))
        return None

    def parameter_name(self, parameter, default: str) -> str:
        """The parameter's dotted name in the latest top-level module that holds it."""
        for root in reversed(list(self.roots.values())):
            if id(parameter) in root.parameters:
                return root.parameters[id(parameter)]
        return default

    # -- update ----------------------------------------------------------------------------------
    def optimizer_step(self, optimizer, args, kwargs):
        if self.recorder.recording():
            guarded(self._optimizer_step, optimizer)
            self.recorder.end_step()

    def _optimizer_step(self, optimizer):
        type_, source = type(optimizer).__name__, self.naming.source(type(optimizer))
        for g, group in enumerate(optimizer.param_groups):
            for i, parameter in enumerate(group["params"]):
                name = self.parameter_name(parameter, f"param_groups[{g}][{i}]")
                self.recorder.event("update", name, type_, source, "value", self.digest(parameter))

    # -------------------------------------------------------------------------------------------
    def digest(self, tensor):
        torch = self.torch
        if tensor.is_sparse or tensor.is_quantized or tensor.device.type == "meta":
            return None
        with torch.no_grad():
            flat = tensor.detach().to("cpu").contiguous().reshape(-1)
            raw = flat.view(torch.uint8).numpy() if flat.numel() else b""
            try:
                values = flat.numpy()
            except TypeError:  # bfloat16, float8: numpy has no such dtype
                values = flat.float().numpy()
        return digest(tuple(tensor.shape), str(tensor.dtype).replace("torch.", ""), raw, values)
