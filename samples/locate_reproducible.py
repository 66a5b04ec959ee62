"""Reproducible: every source of randomness is seeded. `reprofix verify --locate -- python
samples/locate_reproducible.py` reports no divergence and exits 0.
"""
import torch
from locate_torch_train import batches, synthetic_data, train
from torch import nn


def main():
    features, labels = synthetic_data()
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(p=0.2), nn.Linear(16, 2))
    train(model, torch.optim.Adam(model.parameters(), lr=0.01), batches(features, labels))


if __name__ == "__main__":
    main()
