"""PaddlePaddle (dynamic graph). Paddle's layer hooks are per layer, so Layer.__call__ is wrapped (it
still runs the original); gradients of layer outputs come from Tensor.register_hook (a hook that
returns None, leaving the gradient as it is); the optimizer's step() is wrapped: the parameters'
gradients before it (backward), the parameters after it (update). Code turned into a static graph
(paddle.jit.to_static) is not traced inside."""

from __future__ import annotations

from .layers import CallProbe
from .recorder import class_source, guarded, numpy_digest

WRAPPERS = {"DataParallel": "_layers"}


def install(paddle, recorder) -> None:
    probe = PaddleProbe(paddle, recorder)
    probe.install(paddle.nn.Layer)
    probe.wrap_optimizers(paddle.optimizer.Optimizer)


class PaddleProbe(CallProbe):
    wrappers = WRAPPERS

    def __init__(self, paddle, recorder):
        super().__init__(recorder, paddle, paddle.Tensor)
        self.stepping = False

    def named_layers(self, layer):
        return layer.named_sublayers(include_self=True)

    def named_parameters(self, layer):
        return layer.named_parameters()

    def digest(self, tensor):
        return numpy_digest(tensor.numpy(), str(tensor.dtype).replace("paddle.", ""))

    def watch_gradient(self, tensor, record) -> None:
        if not tensor.stop_gradient:
            tensor.register_hook(lambda gradient: record(gradient))

    # -- the optimizer ---------------------------------------------------------------------------
    def wrap_optimizers(self, base) -> None:
        """Wrap step() of the optimizer classes that define one, now and when defined later."""
        probe = self
        todo = [base]
        while todo:
            cls = todo.pop()
            todo += cls.__subclasses__()
            self.wrap_step(cls)
        original_init_subclass = base.__dict__.get("__init_subclass__")

        def __init_subclass__(cls, **kwargs):
            if original_init_subclass is not None:
                original_init_subclass.__func__(cls, **kwargs)
            else:
                super(base, cls).__init_subclass__(**kwargs)
            probe.wrap_step(cls)

        base.__init_subclass__ = classmethod(__init_subclass__)
        self.recorder.on_finish.append(lambda: (setattr(base, "__init_subclass__", original_init_subclass)
                                                if original_init_subclass else delattr(base, "__init_subclass__")))

    def wrap_step(self, cls) -> None:
        original = cls.__dict__.get("step")
        if original is None or getattr(original, "reprofix_probe", False):
            return
        probe = self

        def step(optimizer, *args, **kwargs):
            if probe.stepping or not probe.recorder.recording():
                return original(optimizer, *args, **kwargs)
            probe.stepping = True
            try:
                guarded(probe.record_gradients, optimizer)
                result = original(optimizer, *args, **kwargs)
                guarded(probe.record_update, optimizer)
            finally:
                probe.stepping = False
            probe.recorder.end_step()
            return result

        step.reprofix_probe = True
        cls.step = step
        self.recorder.on_finish.append(lambda: setattr(cls, "step", original))

    def parameters_of(self, optimizer):
        for group in optimizer._param_groups:
            yield from (group["params"] if isinstance(group, dict) else [group])

    def parameter_name(self, parameter) -> str:
        for root in reversed(list(self.roots.values())):
            if id(parameter) in root.parameters:
                return root.parameters[id(parameter)]
        return parameter.name

    def record_gradients(self, optimizer) -> None:
        for parameter in self.parameters_of(optimizer):
            if parameter.grad is not None:
                name = self.parameter_name(parameter)
                owner, type_, source = self.parameter_owner(name)
                self.recorder.event("backward", owner, type_, source, f"gradient of {name.rpartition('.')[2]}",
                                    self.digest(parameter.grad), id(parameter))

    def record_update(self, optimizer) -> None:
        type_, source = type(optimizer).__name__, class_source(type(optimizer))
        for parameter in self.parameters_of(optimizer):
            self.recorder.event("update", self.parameter_name(parameter), type_, source, "value",
                                self.digest(parameter))
