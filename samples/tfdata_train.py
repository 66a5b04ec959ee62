"""A Keras training fed by tf.data (TensorFlow backend): a shuffle, a parallel map that augments with
`tf.random.uniform`, and dropout. `reprofix apply --keep-randomness` keeps all of it and seeds it
(tests/test_keep_randomness.py); a plain `apply` takes it out."""
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import tensorflow as tf
from keras import layers


def augment(x, y):
    return x + tf.random.uniform(tf.shape(x), -0.5, 0.5), y


if __name__ == "__main__":
    rng = np.random.default_rng(0)  # the same data on every run
    features = rng.normal(size=(128, 8)).astype("float32")
    labels = (features[:, 0] > 0).astype("int32")
    data = tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(128).map(augment, num_parallel_calls=2).batch(16)
    model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dropout(0.3), layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    report = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: print(f"step {batch + 1} loss: {logs['loss']:.6f}", flush=True))
    model.fit(data, epochs=1, steps_per_epoch=4, verbose=0, callbacks=[report])
