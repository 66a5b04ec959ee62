"""A small PyTorch training script on synthetic data, random in the usual ways.

Run it twice: the losses differ. `reprofix apply samples/pytorch_train.py` (or `reprofix verify --
python samples/pytorch_train.py` before and after) shows the difference.

    python samples/pytorch_train.py [--steps N]
"""
import argparse

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def synthetic_data(count=256):
    generator = torch.Generator().manual_seed(0)  # the same data on every run
    features = torch.randn(count, 16, generator=generator)
    labels = (features[:, :4].sum(dim=1) > 0).long()
    return TensorDataset(features, labels)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Dropout(p=0.3), nn.Linear(32, 32))
        self.head = nn.Linear(32, 2)

    def forward(self, x):
        x = F.dropout(torch.relu(self.body(x)), p=0.2, training=self.training)
        return self.head(x) * 8.0  # sharp logits: runs differ clearly from the first step


def main():
    parser = argparse.ArgumentParser(description="Train a small classifier on synthetic data.")
    parser.add_argument("--steps", type=int, default=4, help="training steps to run")
    args = parser.parse_args()

    torch.backends.cudnn.benchmark = True
    loader = DataLoader(synthetic_data(), batch_size=32, shuffle=True, num_workers=2)
    model = Classifier()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model.train()
    step = 0
    while step < args.steps:
        for features, labels in loader:
            loss = F.cross_entropy(model(features), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            print(f"step {step} loss: {loss.item():.6f}", flush=True)
            if step == args.steps:
                break


if __name__ == "__main__":
    main()
