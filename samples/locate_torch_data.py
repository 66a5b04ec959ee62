"""Irreproducible after `reprofix apply`, and no rule can fix it: a project sampler shuffles the rows
with `random.SystemRandom`, the operating system's randomness, which no seed reaches.

`reprofix verify --locate -- python samples/locate_torch_data.py` names it: step 1, data, the
input `features` of Net.
"""
import random

import torch
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
    torch.manual_seed(1)
    torch.set_num_threads(1)
    features = torch.randn(64, 8)
    labels = (features.sum(dim=1) > 0).long()
    data = TensorDataset(features, labels)
    loader = DataLoader(data, batch_size=16, sampler=SystemShuffle(len(data)))
    model = Net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for step, (x, y) in enumerate(loader, 1):
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"step {step} loss: {loss.item():.6f}", flush=True)
        if step == 3:
            break


if __name__ == "__main__":
    main()
