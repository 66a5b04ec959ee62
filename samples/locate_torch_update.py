"""Irreproducible after `reprofix apply`, and no rule can fix it: the optimizer perturbs every
update with noise from a generator seeded by the operating system (`os.urandom`). The forward and
backward passes of step 1 agree; the parameters after the first update do not.

`reprofix verify --locate -- python samples/locate_torch_update.py` names it: step 1, update,
`hidden.weight`, by the optimizer NoisySGD.
"""
import os

import torch
from locate_torch_train import batches, synthetic_data, train
from torch import nn


class NoisySGD(torch.optim.Optimizer):
    """SGD that adds a little noise to each update (as some "exploration" tricks do)."""

    def __init__(self, params, lr=0.1, noise=0.01):
        super().__init__(params, {"lr": lr, "noise": noise})
        self.generator = torch.Generator().manual_seed(int.from_bytes(os.urandom(4), "little"))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    noise = torch.randn(p.shape, generator=self.generator) * group["noise"]
                    p.add_(-group["lr"] * p.grad + noise)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(8, 16)
        self.head = nn.Linear(16, 2)

    def forward(self, x):
        return self.head(torch.relu(self.hidden(x)))


def main():
    features, labels = synthetic_data()
    model = Net()
    train(model, NoisySGD(model.parameters(), lr=0.1, noise=0.05), batches(features, labels))


if __name__ == "__main__":
    main()
