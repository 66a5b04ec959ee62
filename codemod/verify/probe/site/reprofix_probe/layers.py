"""What every framework's probe shares: naming modules from the model being trained, describing
them (class, source `file:line`), naming a call's tensor inputs, and, for frameworks without
global hooks (MindSpore, Paddle), recording a call by wrapping the layer base class's __call__."""

from __future__ import annotations

import inspect
import os
import sys

from .recorder import caller, class_source, guarded


FRAMEWORKS = ("torch", "mindspore", "paddle", "keras", "tensorflow", "jax")
DATA_PARALLEL = ("DistributedDataParallel", "DataParallel")  # wrappers whose model is a replica on each rank


class Root:
    """A layer called at the top level (the model being trained, a loss, ...): the dotted names of
    the layers and parameters inside it, as the framework names them, with wrappers (a
    TrainOneStepCell, DataParallel) stripped so names start at the model being trained."""

    def __init__(self, layer, named_layers, named_parameters, wrappers: dict):
        prefix, inner = "", layer
        self.data_parallel = False  # a data-parallel wrapper was stripped
        while type(inner).__name__ in wrappers and hasattr(inner, wrappers[type(inner).__name__]):
            attribute = wrappers[type(inner).__name__]
            self.data_parallel = self.data_parallel or type(inner).__name__ in DATA_PARALLEL
            prefix += attribute + "."
            inner = getattr(inner, attribute)
        strip = (lambda name: name[len(prefix):] if name.startswith(prefix) else name) if prefix else (lambda name: name)
        self.type = type(layer)
        self.inner = inner  # the model inside the wrappers: its forward names the inputs
        self.names: dict = {}  # id(layer) -> dotted name
        self.by_name: dict = {}
        for name, sub in named_layers(layer):
            self.names.setdefault(id(sub), strip(name))
            self.by_name.setdefault(strip(name), sub)
        self.parameters: dict = {}  # id(parameter) -> dotted name
        for name, parameter in named_parameters(layer):
            self.parameters.setdefault(id(parameter), strip(name))


class Naming:
    """Names, classes and sources of layers; a call's tensor inputs named after its parameters."""

    def __init__(self, is_tensor, forward_name: str, skip_dirs: tuple):
        self.is_tensor = is_tensor
        self.forward_name = forward_name  # "forward" (torch, paddle), "construct" (MindSpore)
        self.skip_dirs = skip_dirs
        self.sources: dict = {}
        self.signatures: dict = {}

    def describe(self, layer, root: Root):
        return root.names.get(id(layer), f"({type(layer).__name__})"), type(layer).__name__, self.source(type(layer))

    def source(self, cls) -> str:
        if cls not in self.sources:
            self.sources[cls] = class_source(cls)
        return self.sources[cls]

    def where_called(self) -> str:
        """Where the user's code called the model: the innermost frame outside the frameworks."""
        frameworks = tuple(os.path.dirname(module.__file__) for name in FRAMEWORKS
                           for module in [sys.modules.get(name)] if getattr(module, "__file__", None))
        return caller(self.skip_dirs + frameworks)

    def inputs(self, layer, args, kwargs):
        """(name, tensor) for the call's tensor arguments."""
        cls = type(layer)
        names = self.signatures.get(cls)
        if names is None:
            try:
                parameters = inspect.signature(getattr(layer, self.forward_name)).parameters.values()
                names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            except (TypeError, ValueError, AttributeError):
                names = []
            self.signatures[cls] = names
        found = []
        for i, value in enumerate(args):
            found += self.flatten(value, names[i] if i < len(names) else f"input {i}")
        for key, value in (kwargs or {}).items():
            found += self.flatten(value, key)
        return found

    def flatten(self, value, name, depth=0):
        """(name, tensor) pairs in a call's inputs or outputs: tensors in tuples, lists and dicts."""
        if self.is_tensor(value):
            return [(name, value)]
        if depth > 4:
            return []
        found = []
        if isinstance(value, (tuple, list)):
            for i, item in enumerate(value):
                found += self.flatten(item, f"{name}[{i}]", depth + 1)
        elif isinstance(value, dict):
            for key, item in value.items():
                found += self.flatten(item, f"{name}[{key!r}]", depth + 1)
        return found


class CallProbe:
    """Records layer calls for frameworks without global hooks: install() wraps the layer base
    class's __call__ with call(). A subclass supplies the framework's facts."""

    wrappers: dict = {}
    forward_name = "forward"

    def __init__(self, recorder, framework, tensor_type):
        self.recorder = recorder
        self.naming = Naming(lambda value: isinstance(value, tensor_type), self.forward_name,
                             (os.path.dirname(framework.__file__),))
        self.stack: list = []  # (layer, root) of the calls under way
        self.roots: dict = {}

    # framework facts
    def named_layers(self, layer):
        raise NotImplementedError

    def named_parameters(self, layer):
        raise NotImplementedError

    def digest(self, tensor):
        raise NotImplementedError

    def watch_gradient(self, tensor, record) -> None:
        """Call record(gradient) when the gradient of `tensor` is computed, if the framework can."""

    def is_optimizer(self, layer) -> bool:
        return False

    def data_parallel(self) -> bool:
        """Is the training data-parallel by the framework's own settings (no wrapper to see)?"""
        return False

    def optimizer_call(self, original, layer, args, kwargs):
        return original(layer, *args, **kwargs)

    # the wrapper
    def install(self, base) -> None:
        original = base.__call__
        probe = self

        def __call__(layer, *args, **kwargs):
            if not probe.recorder.recording():
                return original(layer, *args, **kwargs)
            if probe.is_optimizer(layer):
                return probe.optimizer_call(original, layer, args, kwargs)
            return probe.call(original, layer, args, kwargs)

        __call__.__wrapped__ = original
        base.__call__ = __call__
        self.recorder.on_finish.append(lambda: setattr(base, "__call__", original))

    def call(self, original, layer, args, kwargs):
        if self.stack:
            root = self.stack[-1][1]
            guarded(self.record_inputs, layer, root, args, kwargs, "forward")
        else:
            self.recorder.top_level_call()
            if not self.recorder.recording():
                return original(layer, *args, **kwargs)
            root = self.roots.get(id(layer))
            if root is None:
                root = self.roots[id(layer)] = Root(layer, self.named_layers, self.named_parameters, self.wrappers)
                if root.data_parallel or self.data_parallel():
                    self.recorder.parallel("data")
            guarded(self.record_inputs, root.inner, root, args, kwargs, "data")
        self.stack.append((layer, root))
        try:
            output = original(layer, *args, **kwargs)
        finally:
            self.stack.pop()
        if self.recorder.recording():
            guarded(self.record_output, layer, root, output)
        return output

    def record_inputs(self, layer, root, args, kwargs, phase):
        if phase == "data":
            where = self.naming.where_called()
            for what, tensor in self.naming.inputs(layer, args, kwargs):
                self.recorder.event("data", what, type(layer).__name__, where, "input", self.digest(tensor), id(tensor))
            return
        name, type_, source = self.naming.describe(layer, root)
        for what, tensor in self.naming.inputs(layer, args, kwargs):
            self.recorder.event("forward", name, type_, source, f"input {what}", self.digest(tensor), id(tensor))
            self.watch_gradient(tensor, self.gradient_recorder(name, type_, source, f"gradient of input {what}",
                                                               id(tensor)))

    def record_output(self, layer, root, output):
        name, type_, source = self.naming.describe(layer, root)
        for what, tensor in self.naming.flatten(output, "output"):
            self.recorder.event("forward", name, type_, source, what, self.digest(tensor), id(tensor))
            self.watch_gradient(tensor, self.gradient_recorder(name, type_, source, f"gradient of {what}", id(tensor)))

    def gradient_recorder(self, name, type_, source, what, tensor=0):
        def record(gradient):
            if self.recorder.recording():
                guarded(lambda: self.recorder.event("backward", name, type_, source, what, self.digest(gradient),
                                                    tensor))
        return record

    def parameter_owner(self, name: str):
        """(owner layer path, class, source) of a parameter's dotted name."""
        return owner_of(name, self.roots.values(), self.naming)


def owner_of(name: str, roots, naming: Naming):
    """(path, class, source) of the layer that holds the parameter with this dotted name."""
    owner = name.rpartition(".")[0]
    for root in roots:
        layer = root.by_name.get(owner)
        if layer is not None:
            return owner, type(layer).__name__, naming.source(type(layer))
    return owner, "", ""
