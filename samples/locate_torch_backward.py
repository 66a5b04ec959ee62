"""Irreproducible after `reprofix apply`, and no rule can fix it: a custom autograd function passes
its input through unchanged but adds noise to the gradient on the way back, from a NumPy generator
created without a seed. The forward pass and the first loss agree; the gradients do not.

`reprofix verify --locate -- python samples/locate_torch_backward.py` names it: step 1, backward,
`body.shake` (Shake).
"""
from collections import OrderedDict

import numpy as np
import torch
from locate_torch_train import batches, synthetic_data, train
from torch import nn


class NoisyGradient(torch.autograd.Function):
    rng = np.random.default_rng()

    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        noise = NoisyGradient.rng.normal(0.0, 0.1, size=tuple(grad.shape)).astype(np.float32)
        return grad + torch.from_numpy(noise)


class Shake(nn.Module):
    def forward(self, x):
        return NoisyGradient.apply(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(OrderedDict(proj=nn.Linear(8, 16), relu=nn.ReLU(), shake=Shake()))
        self.head = nn.Linear(16, 2)

    def forward(self, x):
        return self.head(self.body(x))


def main():
    features, labels = synthetic_data()
    model = Net()
    train(model, torch.optim.SGD(model.parameters(), lr=0.5), batches(features, labels))


if __name__ == "__main__":
    main()
