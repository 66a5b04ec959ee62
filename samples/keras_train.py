"""A small Keras 3 training script on synthetic data (any backend; torch when none is chosen).

Run it twice: the losses differ. After `reprofix apply samples/keras_train.py` they agree.

    python samples/keras_train.py [--steps N]
"""
import argparse
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras
import numpy as np
from keras import layers


def synthetic_data(count=256):
    rng = np.random.default_rng(0)  # the same data on every run
    features = rng.normal(size=(count, 16)).astype("float32")
    labels = (features[:, :4].sum(axis=1) > 0).astype("int32")
    return features, labels


def build_model():
    return keras.Sequential([
        keras.Input((16,)),
        layers.GaussianNoise(0.1),
        layers.Dense(32, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(2),
    ])


def main():
    parser = argparse.ArgumentParser(description="Train a small Keras classifier on synthetic data.")
    parser.add_argument("--steps", type=int, default=4, help="training steps to run")
    args = parser.parse_args()

    features, labels = synthetic_data()
    model = build_model()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    report = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: print(f"step {batch + 1} loss: {logs['loss']:.6f}", flush=True))
    model.fit(features, labels, batch_size=32, epochs=1, steps_per_epoch=args.steps, verbose=0, callbacks=[report])


if __name__ == "__main__":
    main()
