"""Keras 3. On the torch backend Keras layers are torch modules, so the torch hooks see every layer
call and every gradient; this module gives them Keras' own names (`layer.path`, `variable.path`) and
records the update, by wrapping the Keras optimizer's apply(). On the TensorFlow and JAX backends a
training step runs as a compiled graph, so nothing is traced: the report says so."""

from __future__ import annotations

from .recorder import class_source, guarded, numpy_digest


def install(keras, recorder) -> None:
    backend = keras.backend.backend()
    if backend != "torch":
        recorder.note(f"Keras on the {backend} backend trains in a compiled graph: not traced "
                      "(KERAS_BACKEND=torch is)")
        return
    from keras.src.optimizers.base_optimizer import BaseOptimizer

    original = BaseOptimizer.apply

    def apply(optimizer, grads, trainable_variables=None):
        result = original(optimizer, grads, trainable_variables)
        if recorder.recording():
            guarded(record_update, keras, recorder, optimizer, trainable_variables or optimizer._trainable_variables)
            recorder.end_step()
        return result

    apply.__wrapped__ = original
    BaseOptimizer.apply = apply
    recorder.on_finish.append(lambda: setattr(BaseOptimizer, "apply", original))


def record_update(keras, recorder, optimizer, variables) -> None:
    type_, source = type(optimizer).__name__, class_source(type(optimizer))
    for variable in variables:
        recorder.event("update", relative_path(variable.path), type_, source, "value",
                       numpy_digest(keras.ops.convert_to_numpy(variable.value)))


def is_keras_layer(module) -> bool:
    return hasattr(module, "_flatten_layers") and hasattr(module, "path") and type(module).__module__.startswith("keras")


def relative_path(path: str) -> str:
    """A Keras path ("sequential/hidden/kernel") from inside the model: "hidden.kernel"."""
    return ".".join(path.split("/")[1:]) if "/" in path else ""


def named_layers(model):
    yield "", model
    for layer in model._flatten_layers(include_self=False, recursive=True):
        path = getattr(layer, "path", None)
        if path:
            yield relative_path(path), layer


def named_parameters(model):
    for variable in model.variables:
        value = getattr(variable, "value", None)
        if value is not None:
            yield relative_path(variable.path), value
