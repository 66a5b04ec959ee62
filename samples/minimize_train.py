"""A training script with three sources reprofix changes, of which its runs need only one: it
seeds torch itself (so the seed block and dropout's rate are not needed), but its loader shuffles
with a generator seeded from the clock (so `shuffle=False` is). `make demo` and
tests/test_minimize.py run `reprofix minimize` on it."""
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)  # the project seeds torch itself...
data = TensorDataset(torch.linspace(-1, 1, 64 * 4).reshape(64, 4), torch.arange(64) % 2)
# ...but its loader shuffles with a generator seeded from the clock
loader = DataLoader(data, batch_size=8, shuffle=True, num_workers=0,
                    generator=torch.Generator().manual_seed(time.time_ns()))
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(p=0.5), nn.Linear(8, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step, (x, y) in enumerate(loader):
    loss = nn.functional.cross_entropy(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"step {step} loss: {loss.item():.6f}", flush=True)
