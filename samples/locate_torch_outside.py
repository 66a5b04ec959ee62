"""Irreproducible after `reprofix apply`, and no rule can fix it: the training changes the model where
neither a layer nor the optimizer's step is. After each step it adds noise to the weights (from a
generator seeded by the operating system); with `--gradients`, it adds the noise to the gradients
between the backward pass and the step instead.

`reprofix verify --locate -- python samples/locate_torch_outside.py` says: step 1, update, outside the
optimizer, at the line that writes the noise (not "randomness inside" the next layer at step 2).
"""
import os
import sys

import torch
from locate_torch_train import batches, synthetic_data
from torch import nn

NOISE = torch.Generator().manual_seed(int.from_bytes(os.urandom(4), "little"))


def main():
    features, labels = synthetic_data()
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for step, (x, y) in enumerate(batches(features, labels), 1):
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        if "--gradients" in sys.argv:
            for parameter in model.parameters():
                parameter.grad.add_(1e-3 * torch.randn(parameter.shape, generator=NOISE))
        optimizer.step()
        if "--gradients" not in sys.argv:
            with torch.no_grad():
                for parameter in model.parameters():
                    parameter.add_(1e-3 * torch.randn(parameter.shape, generator=NOISE))
        print(f"step {step} loss: {loss.item():.6f}", flush=True)
        if step == 3:
            break


if __name__ == "__main__":
    main()
