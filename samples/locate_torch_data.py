"""Irreproducible after `reprofix apply`, and no rule can fix it: a project sampler shuffles the rows
with `random.SystemRandom`, the operating system's randomness, which no seed reaches.

`reprofix verify --locate -- python samples/locate_torch_data.py` names it: step 1, data, the
input `features` of Net.
"""
import random

import torch
from locate_torch_train import synthetic_data, train
from torch import nn
from torch.utils.data import DataLoader, Sampler, TensorDataset


class SystemShuffle(Sampler):
    """Visits the rows in an order drawn from the operating system's randomness."""

    def __init__(self, size):
        self.size = size

    def __iter__(self):
        order = list(range(self.size))
        random.SystemRandom().shuffle(order)
        return iter(order)

    def __len__(self):
        return self.size


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(8, 16)
        self.head = nn.Linear(16, 2)

    def forward(self, features):
        return self.head(torch.relu(self.hidden(features)))


def main():
    data = TensorDataset(*synthetic_data())
    model = Net()
    train(model, torch.optim.SGD(model.parameters(), lr=0.1),
          DataLoader(data, batch_size=16, sampler=SystemShuffle(len(data))))


if __name__ == "__main__":
    main()
