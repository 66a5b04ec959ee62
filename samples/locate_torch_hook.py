"""Irreproducible after `reprofix apply`, and no rule can fix it: a forward hook registered on one layer
adds noise from a generator seeded by the operating system.

`reprofix verify --locate -- python samples/locate_torch_hook.py` names the hook, not the layers after
it: step 1, forward, `backbone.proj` (forward hook add_noise), where add_noise is defined.
"""
import os

import torch
from locate_torch_train import batches, synthetic_data, train
from torch import nn

NOISE = torch.Generator().manual_seed(int.from_bytes(os.urandom(4), "little"))


def add_noise(module, args, output):
    return output + 0.01 * torch.randn(output.shape, generator=NOISE)


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(8, 16)
        self.out = nn.Linear(16, 2)

    def forward(self, x):
        return self.out(torch.relu(self.proj(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = Backbone()

    def forward(self, x):
        return self.backbone(x)


def main():
    features, labels = synthetic_data()
    model = Net()
    model.backbone.proj.register_forward_hook(add_noise)
    train(model, torch.optim.SGD(model.parameters(), lr=0.1), batches(features, labels))


if __name__ == "__main__":
    main()
