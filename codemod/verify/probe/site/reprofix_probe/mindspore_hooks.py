"""MindSpore: cells are hooked in PyNative mode. There is no global cell hook, so Cell.__call__ is
wrapped (it still runs the original); gradients of cell outputs come from Tensor.register_hook (a
hook that returns the gradient unchanged); an nn.Optimizer cell is called with the parameters'
gradients (backward) and updates them (update). GRAPH_MODE asked for with set_context runs in
PyNative instead, and MS_JIT=0 (set by reprofix) makes @jit functions run eagerly too."""

from __future__ import annotations

from .layers import CallProbe
from .recorder import guarded, numpy_digest

WRAPPERS = {
    "TrainOneStepCell": "network",
    "TrainOneStepWithLossScaleCell": "network",
    "WithLossCell": "_backbone",
    "WithGradCell": "network",
    "WithEvalCell": "_network",
}


def install(mindspore, recorder) -> None:
    probe = MindSporeProbe(mindspore, recorder)
    probe.install(mindspore.nn.Cell)
    pynative_only(mindspore, recorder)


def pynative_only(mindspore, recorder) -> None:
    """set_context(mode=GRAPH_MODE) becomes PyNative: cell hooks run only in PyNative."""
    from mindspore import context

    original = context.set_context

    def set_context(*args, **kwargs):
        if kwargs.get("mode") == context.GRAPH_MODE:
            kwargs["mode"] = context.PYNATIVE_MODE
            recorder.note("GRAPH_MODE was asked for: it runs in PyNative mode under --locate")
        return original(*args, **kwargs)

    set_context.__wrapped__ = original
    for module in (context, mindspore):
        if getattr(module, "set_context", None) is original:
            module.set_context = set_context


class MindSporeProbe(CallProbe):
    wrappers = WRAPPERS
    forward_name = "construct"

    def __init__(self, mindspore, recorder):
        super().__init__(recorder, mindspore, mindspore.Tensor)
        self.optimizer = mindspore.nn.Optimizer

    def named_layers(self, cell):
        return cell.cells_and_names()

    def named_parameters(self, cell):
        return ((parameter.name, parameter) for parameter in cell.get_parameters())

    def digest(self, tensor):
        return numpy_digest(tensor.asnumpy(), str(tensor.dtype))

    def watch_gradient(self, tensor, record) -> None:
        def hook(gradient):
            record(gradient)
            return gradient

        try:
            tensor.register_hook(hook)
        except Exception:  # noqa: BLE001 - not every tensor takes a hook (constants, outside grad)
            pass

    def is_optimizer(self, cell) -> bool:
        return isinstance(cell, self.optimizer)

    def data_parallel(self) -> bool:
        from mindspore import context

        return str(context.get_auto_parallel_context("parallel_mode")) == "data_parallel"

    def optimizer_call(self, original, optimizer, args, kwargs):
        """optimizer(gradients): the gradients are the backward pass's result; the parameters after
        the call, the update."""
        parameters = list(optimizer._parameters)
        gradients = args[0] if args and isinstance(args[0], (tuple, list)) else ()
        for parameter, gradient in zip(parameters, gradients):
            owner, type_, source = self.parameter_owner(parameter.name)
            guarded(lambda: self.recorder.event("backward", owner, type_, source,
                                                f"gradient of {parameter.name.rpartition('.')[2]}",
                                                self.digest(gradient), id(parameter)))
        output = original(optimizer, *args, **kwargs)
        type_, source = type(optimizer).__name__, self.naming.source(type(optimizer))
        for parameter in parameters:
            guarded(lambda: self.recorder.event("update", parameter.name, type_, source, "value",
                                                self.digest(parameter)))
        self.recorder.end_step()
        return output
