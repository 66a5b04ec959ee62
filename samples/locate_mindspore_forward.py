"""Irreproducible after `reprofix apply`, and no rule can fix it: a cell adds noise drawn from a NumPy
`Generator` created without a seed (`mindspore.set_seed` seeds NumPy's global state, not new
generators).

`reprofix verify --locate -- python samples/locate_mindspore_forward.py` names it: step 1, forward,
`body.shake` (Shake). With `--graph` the script asks for GRAPH_MODE; under `--locate` it runs in
PyNative mode, where cells can be hooked.
"""
import argparse

import numpy as np

import mindspore
from mindspore import Tensor, nn, ops


class Shake(nn.Cell):
    """Adds a little noise from its own NumPy generator."""

    def __init__(self):
        super().__init__()
        self.rng = np.random.default_rng()

    def construct(self, x):
        noise = self.rng.normal(0.0, 0.01, size=x.shape).astype(np.float32)
        return x + Tensor(noise)


class Body(nn.Cell):
    def __init__(self):
        super().__init__()
        self.dense = nn.Dense(8, 16)
        self.relu = nn.ReLU()
        self.shake = Shake()

    def construct(self, x):
        return self.shake(self.relu(self.dense(x)))


class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.body = Body()
        self.head = nn.Dense(16, 2)

    def construct(self, x):
        return self.head(self.body(x))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--graph", action="store_true", help="ask for GRAPH_MODE")
    args = parser.parse_args()
    if args.graph:
        mindspore.set_context(mode=mindspore.GRAPH_MODE)
    mindspore.set_seed(1)
    data = np.random.default_rng(0)
    features = data.normal(size=(64, 8)).astype(np.float32)
    labels = (features.sum(axis=1) > 0).astype(np.int32)
    model = Net()
    loss_fn = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean")
    optimizer = nn.SGD(model.trainable_params(), learning_rate=0.1)

    def forward(x, y):
        return loss_fn(model(x), y)

    grad_fn = mindspore.value_and_grad(forward, None, optimizer.parameters)
    for step in range(1, 4):
        batch = slice(16 * (step - 1), 16 * step)
        loss, grads = grad_fn(Tensor(features[batch]), Tensor(labels[batch]))
        optimizer(grads)
        print(f"step: {step}, loss: {float(loss.asnumpy()):.6f}", flush=True)


if __name__ == "__main__":
    main()
