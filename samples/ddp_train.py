"""A data-parallel PyTorch training (DistributedDataParallel, gloo on the CPU) for
`reprofix verify -- torchrun --standalone --nproc_per_node=2 samples/ddp_train.py`.

Every rank seeds and prints its own loss each step. With `--noisy-rank R`, rank R draws its batches
from a generator seeded anew on every run (the n-th run in a folder adds n, counted in `noisy-runs`),
so that only its data differs between runs, and always by the same amount: the verdict must say that
rank R parts first, at step 1, and `--locate` that its data differs. (A seed from the operating
system could, once in a while, give two runs first batches whose losses agree within tolerance.)
"""
import argparse
import os

import torch
import torch.distributed as dist
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(8, 16)
        self.head = nn.Linear(16, 1)

    def forward(self, features):
        return self.head(torch.relu(self.hidden(features)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--noisy-rank", type=int, default=-1)
    parser.add_argument("--steps", type=int, default=4)
    args = parser.parse_args()
    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    rank = dist.get_rank()
    torch.manual_seed(1)
    model = nn.parallel.DistributedDataParallel(Net())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    seed = 100 + rank
    if rank == args.noisy_rank:
        counter = os.open("noisy-runs", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(counter, b".")  # one byte a run, appended atomically: the file's size counts the runs
            seed += 1000 * os.fstat(counter).st_size
        finally:
            os.close(counter)
    data = torch.Generator().manual_seed(seed)
    for step in range(1, args.steps + 1):
        features = torch.randn(16, 8, generator=data)
        target = features.sum(dim=1, keepdim=True)
        loss = nn.functional.mse_loss(model(features), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"step {step} loss {loss.item():.6f}", flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
