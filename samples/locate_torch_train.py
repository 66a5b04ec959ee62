"""What the PyTorch samples for `reprofix verify --locate` share: seeded synthetic data and a short
training loop that prints a loss per step. The randomness each sample is about lives in the sample."""
import torch
from torch import nn


def synthetic_data(count=64):
    """The same 64 rows of 8 features, and their labels, on every run."""
    torch.manual_seed(1)
    torch.set_num_threads(1)
    features = torch.randn(count, 8)
    return features, (features.sum(dim=1) > 0).long()


def batches(features, labels, size=16):
    for start in range(0, len(features), size):
        yield features[start:start + size], labels[start:start + size]


def train(model, optimizer, data, steps=3, loss_fn=nn.functional.cross_entropy):
    for step, (x, y) in enumerate(data, 1):
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"step {step} loss: {loss.item():.6f}", flush=True)
        if step == steps:
            break
