"""Irreproducible after `reprofix apply`, and no rule can fix it: a layer adds noise drawn from a NumPy
`Generator` created without a seed (`paddle.seed` and `numpy.random.seed` do not reach it).

`reprofix verify --locate -- python samples/locate_paddle_forward.py` names it: step 1, forward,
`body.shake` (Shake).
"""
import numpy as np
import paddle
from paddle import nn


class Shake(nn.Layer):
    """Adds a little noise from its own NumPy generator."""

    def __init__(self):
        super().__init__()
        self.rng = np.random.default_rng()

    def forward(self, x):
        return x + paddle.to_tensor(self.rng.normal(0.0, 0.1, size=x.shape).astype("float32"))


class Net(nn.Layer):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(("dense", nn.Linear(8, 16)), ("relu", nn.ReLU()), ("shake", Shake()))
        self.head = nn.Linear(16, 2)

    def forward(self, x):
        return self.head(self.body(x))


def main():
    paddle.seed(1)
    paddle.set_device("cpu")
    data = np.random.default_rng(0)
    features = data.normal(size=(64, 8)).astype("float32")
    labels = (features.sum(axis=1) > 0).astype("int64")
    model = Net()
    optimizer = paddle.optimizer.SGD(learning_rate=0.1, parameters=model.parameters())
    for step in range(1, 4):
        batch = slice(16 * (step - 1), 16 * step)
        loss = nn.functional.cross_entropy(model(paddle.to_tensor(features[batch])), paddle.to_tensor(labels[batch]))
        loss.backward()
        optimizer.step()
        optimizer.clear_grad()
        print(f"step {step} loss: {float(loss):.6f}", flush=True)


if __name__ == "__main__":
    main()
