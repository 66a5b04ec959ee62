"""PyTorch: global module forward (pre-)hooks, gradient hooks on module outputs and parameters, and
a global optimizer step hook. Nothing is wrapped or replaced: hooks return None and work on
detached copies, so the model computes exactly what it computes without them."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import sys
import weakref

from . import keras_hooks
from .layers import Naming, Root, owner_of
from .recorder import BLOCK, SAMPLE, digest, fingerprint, guarded
from .torch_watch import OutsideChanges, UserHooks

WRAPPERS = {"DataParallel": "module", "DistributedDataParallel": "module"}
LITTLE_ENDIAN = sys.byteorder == "little"  # samples are written as little-endian doubles
STATS_ALL = 1 << 16  # a tensor of up to this many values has statistics over all of them
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
        from torch.optim.optimizer import register_optimizer_step_post_hook, register_optimizer_step_pre_hook
    except ImportError:
        recorder.note("this torch has no global optimizer hook: a step ends at the next forward after a backward")
    else:
        handles.append(register_optimizer_step_pre_hook(probe.before_optimizer_step))
        handles.append(register_optimizer_step_post_hook(probe.optimizer_step))
    recorder.on_finish.append(lambda: [h.remove() for h in handles + probe.parameter_handles])
    recorder.on_finish.append(probe.outside.close)


class TorchProbe:
    def __init__(self, torch, recorder):
        self.torch = torch
        self.recorder = recorder
        self.naming = Naming(lambda value: isinstance(value, torch.Tensor), "forward",
                             (os.path.dirname(torch.__file__),))
        self.stack: list = []  # (module, root) of the calls under way
        self.current_root = None  # the root of the call that ended last (a user's forward hooks run then)
        self.user_hooks = UserHooks(self)
        self.outside = OutsideChanges(self)
        self.roots: dict = {}  # id(module) -> Root
        self.hooked_parameters: set = set()
        self.parameter_handles: list = []
        self.digests: dict = {}  # id(tensor) -> (weak reference, version, digest), for this step
        self.watched: dict = {}  # id(tensor) -> (weak reference, version, step, the events its gradient makes)
        self.digests_step = 0
        self.weights = None  # a fingerprint's weights, made on first use
        self.dtypes = {dtype: str(dtype).replace("torch.", "") for dtype in (
            torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.bool, torch.uint8, torch.int8,
            torch.int16, torch.int32, torch.int64)}  # what the fast digest reads; others take the generic one

    # -- forward ---------------------------------------------------------------------------------
    def before(self, module, args):
        if not self.recorder.recording():
            return None
        frame = sys._getframe(1)  # torch's inner(): the call's keyword arguments are among its locals
        kwargs = frame.f_locals.get("kwargs") if frame.f_code.co_name == "inner" else None
        guarded(self._before, module, args, kwargs if isinstance(kwargs, dict) else {})
        return None

    def _before(self, module, args, kwargs):
        self.user_hooks.prepare(module)
        if self.stack:
            root = self.stack[-1][1]
            self.stack.append((module, root))
            name, type_, source = self.naming.describe(module, root)
            for what, tensor in self.naming.inputs(module, args, kwargs):
                if self.seen(tensor):
                    continue  # an output recorded already (the module before's), unchanged: it says nothing new
                self.recorder.event(self.phase(root), name, type_, source, f"input {what}", self.digest(tensor),
                                    id(tensor))
                self.watch_gradient(tensor, name, type_, source, f"gradient of input {what}")
            return
        self.outside.next_forward()
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
            self.current_root = root
            if self.recorder.recording():
                guarded(self._after, module, root, output)
        return None

    def _after(self, module, root, output):
        name, type_, source = self.naming.describe(module, root)
        phase = self.phase(root)
        for what, tensor in self.naming.flatten(output, "output"):
            if self.seen(tensor) and self.stack:
                continue  # the output of its last inner module (or its input), unchanged: recorded already
            self.recorder.event(phase, name, type_, source, what, self.digest(tensor), id(tensor))
            self.watch_gradient(tensor, name, type_, source, f"gradient of {what}")

    def phase(self, root):
        return "data" if root.type.__module__.startswith(DATA_MODULES) else "forward"

    # -- backward --------------------------------------------------------------------------------
    def watch_gradient(self, tensor, name, type_, source, what):
        """Record the gradient of `tensor` when it is computed. A tensor that is one module's output and
        the next one's input gets one hook for both events (in the order asked for), unless it was
        changed in place in between (its gradient is then another one)."""
        if not (tensor.requires_grad and self.torch.is_grad_enabled()):
            return
        label, version = (name, type_, source, what), getattr(tensor, "_version", None)
        seen = self.watched.get(id(tensor))
        if seen is not None and seen[0]() is tensor and seen[1] == version and seen[2] == self.recorder.step:
            seen[3].append(label)
            return
        labels = [label]
        tensor.register_hook(self.gradient_hook(labels, id(tensor)))
        try:
            self.watched[id(tensor)] = (weakref.ref(tensor), version, self.recorder.step, labels)
        except TypeError:
            pass

    def gradient_hook(self, labels: list, tensor: int):
        def hook(gradient):
            if gradient is not None and self.recorder.recording():
                digest = guarded(self.digest, gradient)
                for name, type_, source, what in labels:
                    guarded(self.recorder.event, "backward", name, type_, source, what, digest, tensor)
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
        owner, type_, source = self.owner(full)
        what = f"gradient of {full.rpartition('.')[2]}"
        guarded(lambda: self.recorder.event("backward", owner, type_, source, what, self.digest(gradient),
                                            id(parameter)))
        guarded(self.outside.gradient_recorded, parameter, full, gradient)
        return None

    def owner(self, name: str) -> tuple:
        """(path, class, source) of the module holding the parameter of this dotted name."""
        return owner_of(name, reversed(list(self.roots.values())), self.naming)

    def parameter_name(self, parameter, default: str) -> str:
        """The parameter's dotted name in the latest top-level module that holds it."""
        for root in reversed(list(self.roots.values())):
            if id(parameter) in root.parameters:
                return root.parameters[id(parameter)]
        return default

    # -- update ----------------------------------------------------------------------------------
    def before_optimizer_step(self, optimizer, args, kwargs):
        if self.recorder.recording():
            guarded(self.outside.before_step, optimizer)
        return None

    def optimizer_step(self, optimizer, args, kwargs):
        if self.recorder.recording():
            guarded(self._optimizer_step, optimizer)
            self.recorder.end_step()

    def _optimizer_step(self, optimizer):
        type_, source = type(optimizer).__name__, self.naming.source(type(optimizer))
        stepped = []
        for g, group in enumerate(optimizer.param_groups):
            for i, parameter in enumerate(group["params"]):
                name = self.parameter_name(parameter, f"param_groups[{g}][{i}]")
                self.recorder.event("update", name, type_, source, "value", self.digest(parameter))
                stepped.append((parameter, name))
        self.outside.stepped(stepped)

    # -------------------------------------------------------------------------------------------
    def seen(self, tensor) -> bool:
        """Was this very tensor, in this state, recorded already in this step?"""
        found = self.digests.get(id(tensor)) if self.digests_step == self.recorder.step else None
        return found is not None and found[0]() is tensor and found[1] == getattr(tensor, "_version", None)

    def digest(self, tensor):
        """The tensor's digest; the one made before when it is the same tensor, unchanged since (a
        module's input is mostly the output of the module before, a gradient reaches two hooks)."""
        if tensor.is_sparse or tensor.is_quantized or tensor.device.type == "meta":
            return None
        version = getattr(tensor, "_version", None)
        if self.digests_step != self.recorder.step:  # a tensor of the step before is a new one now
            self.digests, self.watched, self.digests_step = {}, {}, self.recorder.step
        seen = self.digests.get(id(tensor))
        if seen is not None and seen[0]() is tensor and seen[1] == version and version is not None:
            return seen[2]
        made = self._digest(tensor)
        if version is not None:
            try:
                self.digests[id(tensor)] = (weakref.ref(tensor), version, made)
            except TypeError:
                pass
        return made

    def _digest(self, tensor):
        torch = self.torch
        with torch.no_grad():
            flat = tensor.detach()
            if flat.device.type != "cpu":
                flat = flat.to("cpu")
            flat = flat.contiguous().reshape(-1)
            dtype = self.dtypes.get(flat.dtype)
            if dtype is None:
                return self._numpy_digest(tensor, flat)
            sample = self._sample(flat)
            return (f'"shape": {list(tensor.shape)}, "dtype": "{dtype}", "count": {flat.numel()}, '
                    f'"hash": "{self._fingerprint(flat)}", "stats": {json.dumps(self._stats(flat, sample))}, '
                    f'"sample": "{self._encoded(sample)}"')  # JSON, written as it is by every event about it

    def _fingerprint(self, flat) -> str:
        """The tensor's bytes fingerprinted in torch, at memory speed on every core: each 4 KiB block
        as 1024 32-bit words, multiplied by fixed odd weights and summed (a matrix-vector product in
        wrapping integer arithmetic), then the blocks' sums and the bytes after the last whole block
        hashed (BLAKE2b). Equal bytes give equal fingerprints; a changed word changes its block's sum
        (an odd weight times a non-zero change is never 0 modulo 2 ** 32), moved words too (their
        weights differ)."""
        torch = self.torch
        raw = flat.view(torch.uint8)
        body = raw.numel() - raw.numel() % BLOCK
        if not body or flat.storage_offset() * flat.element_size() % 4:
            return fingerprint(raw.numpy())
        if self.weights is None:
            weights = torch.arange(1, BLOCK // 2, 2, dtype=torch.int64).mul_(2654435761).remainder_(1 << 31)
            self.weights = weights.bitwise_or_(1).to(torch.int32)
        sums = torch.mv(raw[:body].view(torch.int32).view(-1, BLOCK // 4), self.weights)
        hasher = hashlib.blake2b(sums.numpy().tobytes(), digest_size=16)
        hasher.update(raw[body:].numpy().tobytes())
        return hasher.hexdigest()

    def _stats(self, flat, sample) -> dict:
        """min, max and NaN/inf counts (counted only when min or max says there are any): over every value
        of a tensor of up to 65,536 values, else over its sample (a full pass over a large tensor cost as
        much as its fingerprint; the extremes of the sample bound a difference from below, as the sample
        itself does). No mean, for the same reason."""
        torch = self.torch
        if not flat.numel():
            return {}
        values = flat if flat.numel() <= STATS_ALL else sample
        if values.dtype == torch.bool:
            values = values.view(torch.uint8)
        low, high = torch.aminmax(values)
        low, high = float(low), float(high)
        stats = {"min": low, "max": high}
        if flat.is_floating_point():
            finite = math.isfinite(low) and math.isfinite(high)
            stats["nan"] = 0 if finite else int(torch.isnan(values).sum())
            stats["inf"] = 0 if finite else int(torch.isinf(values).sum())
        return stats

    def _sample(self, flat):
        """At most SAMPLE values: all of a small tensor, else an even spread (every k-th), as a view."""
        count = flat.numel()
        return flat if count <= SAMPLE else flat[::-(-count // SAMPLE)]

    def _encoded(self, sample) -> str:
        """The sample as base64 little-endian doubles (numpy converts 256 values faster than torch)."""
        torch = self.torch
        if sample.dtype in (torch.bfloat16, torch.bool):
            sample = sample.to(torch.float32)
        values = sample.numpy().astype("<f8")
        return base64.b64encode(values.tobytes()).decode("ascii")

    def _numpy_digest(self, tensor, flat):
        """Complex and other unusual dtypes: the generic digest."""
        torch = self.torch
        raw = flat.view(torch.uint8).numpy() if flat.numel() else b""
        try:
            values = flat.numpy()
        except TypeError:  # a dtype numpy does not have
            values = flat.float().numpy()
        return digest(tuple(tensor.shape), str(tensor.dtype).replace("torch.", ""), raw, values)


