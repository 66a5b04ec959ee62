"""A small PaddlePaddle training script on synthetic data, random in the usual ways.

Run it twice: the losses differ. After `reprofix apply samples/paddle_train.py` they agree.

    python samples/paddle_train.py [--steps N]
"""
import argparse

import numpy as np
import paddle
import paddle.nn.functional as F
from paddle import nn
from paddle.io import DataLoader, TensorDataset


def synthetic_data(count=256):
    rng = np.random.default_rng(0)  # the same data on every run
    features = rng.normal(size=(count, 16)).astype("float32")
    labels = (features[:, :4].sum(axis=1) > 0).astype("int64")
    return TensorDataset([paddle.to_tensor(features), paddle.to_tensor(labels)])


class Classifier(nn.Layer):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Dropout(p=0.3), nn.Linear(32, 32))
        self.head = nn.Linear(32, 2)

    def forward(self, x):
        return self.head(F.dropout(F.relu(self.body(x)), p=0.2, training=self.training))


def main():
    parser = argparse.ArgumentParser(description="Train a small classifier on synthetic data.")
    parser.add_argument("--steps", type=int, default=4, help="training steps to run")
    args = parser.parse_args()

    loader = DataLoader(synthetic_data(), batch_size=32, shuffle=True)
    model = Classifier()
    optimizer = paddle.optimizer.Momentum(learning_rate=0.1, momentum=0.9, parameters=model.parameters())
    model.train()
    step = 0
    while step < args.steps:
        for features, labels in loader:
            loss = F.cross_entropy(model(features), labels)
            loss.backward()
            optimizer.step()
            optimizer.clear_grad()
            step += 1
            print(f"step {step} loss: {float(loss):.6f}", flush=True)
            if step == args.steps:
                break


if __name__ == "__main__":
    main()
