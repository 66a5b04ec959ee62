"""Train a small network on synthetic images, laid out like a MindSpore model-zoo entry.

The randomness is not here: it lives in src/dataset.py and src/model.py, which this script imports.
`reprofix apply samples/mindspore_project/train.py` follows those imports.

    python train.py [--steps N]
"""
import argparse

import mindspore as ms
from mindspore import nn
from mindspore.train import LossMonitor, Model

from src.config import config
from src.dataset import create_dataset
from src.model import SmallNet


def main():
    parser = argparse.ArgumentParser(description="Train SmallNet on synthetic data.")
    parser.add_argument("--steps", type=int, default=4, help="training steps to run")
    args = parser.parse_args()

    ms.set_context(mode=ms.PYNATIVE_MODE)
    dataset = create_dataset(config.batch_size, training=True).take(args.steps)
    net = SmallNet(num_classes=config.num_classes, drop_rate=config.drop_rate)
    loss = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean")
    optimizer = nn.Momentum(net.trainable_params(), learning_rate=config.lr, momentum=config.momentum)
    model = Model(net, loss_fn=loss, optimizer=optimizer)
    model.train(1, dataset, callbacks=[LossMonitor(1)], dataset_sink_mode=False)


if __name__ == "__main__":
    main()
