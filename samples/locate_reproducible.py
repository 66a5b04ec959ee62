"""Reproducible: every source of randomness is seeded. `reprofix verify --locate -- python
samples/locate_reproducible.py` reports no divergence and exits 0.
"""
import torch
from torch import nn


def main():
    torch.manual_seed(1)
    torch.set_num_threads(1)
    features = torch.randn(64, 8)
    labels = (features.sum(dim=1) > 0).long()
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(p=0.2), nn.Linear(16, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for step in range(1, 4):
        batch = slice(16 * (step - 1), 16 * step)
        loss = nn.functional.cross_entropy(model(features[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"step {step} loss: {loss.item():.6f}", flush=True)


if __name__ == "__main__":
    main()
