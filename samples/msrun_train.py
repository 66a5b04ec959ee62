"""A data-parallel MindSpore training on the CPU for
`reprofix verify -- msrun --worker_num=2 --local_worker_num=2 --master_port=PORT --log_dir=msrun_log
--join=True samples/msrun_train.py` (msrun starts `python` from PATH).

Each worker reads its shard and prints LossMonitor's line every step; the gradients are averaged over
the two workers (DATA_PARALLEL). With `--noisy-rank R`, worker R's shard is shuffled in a new
order on every run (the n-th run in a folder takes permutation n, counted in `noisy-runs`), so only
its data differs between runs, and always by the same amount: a draw from the operating system
could, once in a while, give two runs batches close enough for rank 0 to agree at step 2.
"""
import argparse
import os

import numpy as np

import mindspore as ms
import mindspore.dataset as ds
from mindspore import nn
from mindspore.communication import get_group_size, get_rank, init
from mindspore.context import ParallelMode
from mindspore.train import LossMonitor, Model


class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Dense(8, 16)
        self.relu = nn.ReLU()
        self.head = nn.Dense(16, 1)

    def construct(self, x):
        return self.head(self.relu(self.hidden(x)))


def shard(rank: int, size: int, noisy: bool):
    rows = np.random.default_rng(0).normal(size=(64, 8)).astype(np.float32)
    rows = rows[rank::size]
    if noisy:
        counter = os.open("noisy-runs", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(counter, b".")  # one byte a run, appended atomically: the file's size counts the runs
            run = os.fstat(counter).st_size
        finally:
            os.close(counter)
        rows = rows[np.random.default_rng(run).permutation(len(rows))]
    data = {"x": rows, "y": rows.sum(axis=1, keepdims=True).astype(np.float32)}
    return ds.NumpySlicesDataset(data, shuffle=False).batch(8)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--noisy-rank", type=int, default=-1)
    args = parser.parse_args()
    ms.set_context(mode=ms.PYNATIVE_MODE)
    ms.set_device("CPU")
    init()
    rank, size = get_rank(), get_group_size()
    ms.set_auto_parallel_context(parallel_mode=ParallelMode.DATA_PARALLEL, gradients_mean=True)
    ms.set_seed(1)
    net = Net()
    model = Model(net, loss_fn=nn.MSELoss(), optimizer=nn.SGD(net.trainable_params(), learning_rate=0.05))
    model.train(1, shard(rank, size, rank == args.noisy_rank), callbacks=[LossMonitor(1)], dataset_sink_mode=False)


if __name__ == "__main__":
    main()
