"""Irreproducible after `reprofix apply`, and no rule can fix it: a layer adds noise drawn from a NumPy
`Generator` created without a seed (`keras.utils.set_random_seed` does not reach it).

`reprofix verify --locate -- python samples/locate_keras_forward.py` names it: step 1, forward,
`shake` (Shake). --locate traces Keras 3 on the torch backend (set here, before Keras is imported).
"""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402


class Shake(keras.layers.Layer):
    """Adds a little noise from its own NumPy generator."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rng = np.random.default_rng()

    def call(self, x):
        return x + keras.ops.convert_to_tensor(self.rng.normal(0.0, 0.1, size=tuple(x.shape)).astype("float32"))


class PrintLoss(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        print(f"step {batch + 1} loss: {logs['loss']:.6f}", flush=True)


def main():
    keras.utils.set_random_seed(1)
    data = np.random.default_rng(0)
    features = data.normal(size=(64, 8)).astype("float32")
    labels = (features.sum(axis=1) > 0).astype("int32")
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu", name="hidden"),
                              Shake(name="shake"), keras.layers.Dense(2, name="head")])
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(features, labels, batch_size=16, epochs=1, shuffle=False, verbose=0, callbacks=[PrintLoss()])


if __name__ == "__main__":
    main()
