"""A PyTorch training that shuffles, augments in two worker processes (drawing from torch, NumPy and
`random`) and uses dropout: `reprofix apply --keep-randomness` makes two runs agree while all of it
stays (tests/test_keep_randomness.py)."""
import random

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


class Noisy(Dataset):
    """An augmentation that draws from torch, numpy and random in the workers."""

    def __len__(self):
        return 64

    def __getitem__(self, index):
        x = torch.linspace(-1, 1, 4) * (index + 1) / 64
        x = x + 0.1 * torch.rand(4) + 0.1 * float(np.random.rand()) + 0.1 * random.random()
        return x, index % 2


if __name__ == "__main__":
    loader = DataLoader(Noisy(), batch_size=8, shuffle=True, num_workers=2)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(p=0.5), nn.Linear(8, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for step, (x, y) in enumerate(loader):
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"step {step} loss: {loss.item():.6f}", flush=True)
