"""Irreproducible after `reprofix apply`, and no rule can fix it: a layer adds noise from a generator
seeded by the operating system (`os.urandom`), which no global seed reaches.

`reprofix verify --locate -- python samples/locate_torch_forward.py` names it: step 1, forward,
`encoder.jitter` (Jitter).
"""
import os

import torch
from locate_torch_train import batches, synthetic_data, train
from torch import nn


class Jitter(nn.Module):
    """Adds a little noise, as some augmentation-in-the-model layers do."""

    def __init__(self):
        super().__init__()
        self.generator = torch.Generator().manual_seed(int.from_bytes(os.urandom(4), "little"))

    def forward(self, x):
        return x + 0.1 * torch.randn(x.shape, generator=self.generator)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(8, 16)
        self.jitter = Jitter()

    def forward(self, x):
        return self.jitter(torch.relu(self.proj(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.head = nn.Linear(16, 2)

    def forward(self, x):
        return self.head(self.encoder(x))


def main():
    features, labels = synthetic_data()
    model = Net()
    train(model, torch.optim.SGD(model.parameters(), lr=0.1), batches(features, labels), loss_fn=nn.CrossEntropyLoss())


if __name__ == "__main__":
    main()
