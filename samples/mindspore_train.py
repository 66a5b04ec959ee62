"""A small MindSpore training script on synthetic images, random in every way the procedure lists.

Run it twice: the losses differ. Run `reprofix apply samples/mindspore_train.py`, run it twice again:
the losses agree. `reprofix revert` gives this file back byte for byte.

    python samples/mindspore_train.py [--steps N]
"""
import argparse
import io
import random

import numpy as np
from PIL import Image

import mindspore as ms
import mindspore.dataset as ds
import mindspore.dataset.vision as vision
from mindspore import nn, ops

IMAGES = 64
BATCH = 8


class SyntheticImages:
    """JPEG-encoded 32x32 images with a label: the same data on every run."""

    def __init__(self, count):
        rng = np.random.default_rng(0)
        self.labels = rng.integers(0, 10, size=count).astype(np.int32)
        self.images = []
        for label in self.labels:
            pixels = rng.integers(0, 64, size=(32, 32, 3)) + int(label) * 19
            buffer = io.BytesIO()
            Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(buffer, format="JPEG")
            self.images.append(np.frombuffer(buffer.getvalue(), dtype=np.uint8))

    def __getitem__(self, index):
        return self.images[index], self.labels[index]

    def __len__(self):
        return len(self.labels)


def create_dataset(batch_size=BATCH):
    ds.config.set_num_parallel_workers(2)
    data = ds.GeneratorDataset(SyntheticImages(IMAGES), ["image", "label"], num_parallel_workers=2)
    decode_ops = [vision.RandomCropDecodeResize(28, scale=(0.5, 1.0))]
    crop_op = vision.RandomCrop(24, padding=2)
    resize_crop_op = vision.RandomResizedCrop(16, scale=(0.6, 1.0))
    flip_op = vision.RandomHorizontalFlip()
    trans = [
        crop_op,
        resize_crop_op,
        vision.RandomColorAdjust(brightness=0.4),
        vision.Rescale(1.0 / 255.0, 0.0),
        vision.HWC2CHW(),
    ]
    data = data.map(operations=decode_ops, input_columns="image")
    data = data.map(operations=trans, input_columns="image", num_parallel_workers=2, python_multiprocessing=True)
    data = data.map(operations=flip_op, input_columns="image")
    data = data.shuffle(buffer_size=64)
    data = data.batch(batch_size, drop_remainder=True, num_parallel_workers=2)
    return data


def create_eval_dataset():
    images = np.random.default_rng(1).random((16, 3, 16, 16)).astype(np.float32)
    labels = np.arange(16, dtype=np.int32) % 10
    data = ds.NumpySlicesDataset((images, labels), ["image", "label"], sampler=ds.RandomSampler(num_samples=16))
    return data.batch(8)


class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, pad_mode="same")
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Dense(8 * 8 * 8, 32)
        self.drop = nn.Dropout(p=0.3)
        self.mask_drop = ops.Dropout(keep_prob=0.9)
        self.noise = ops.StandardNormal()
        self.fc2 = nn.Dense(32, 10)

    def construct(self, x):
        x = x + 0.05 * self.noise(x.shape)
        x = self.pool(self.relu(self.conv(x)))
        x = self.drop(self.relu(self.fc1(self.flatten(x))))
        x, _ = self.mask_drop(x)
        x = ops.dropout(x, p=0.1, training=self.training)
        return self.fc2(x) * 4.0  # sharp logits: runs differ clearly from the first step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4, help="training steps to run")
    args = parser.parse_args()

    lr = random.uniform(0.05, 0.1)
    net = Net()
    loss_fn = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean")
    optimizer = nn.Momentum(net.trainable_params(), learning_rate=lr, momentum=0.9)

    def forward(images, labels):
        return loss_fn(net(images), labels)

    grad_fn = ms.value_and_grad(forward, None, optimizer.parameters)
    net.set_train()
    step = 0
    while step < args.steps:
        for images, labels in create_dataset().create_tuple_iterator():
            loss, grads = grad_fn(images, labels)
            optimizer(grads)
            step += 1
            print(f"epoch: 1 step: {step}, loss is {loss.asnumpy():.6f}", flush=True)
            if step == args.steps:
                break
    net.set_train(False)
    for images, labels in create_eval_dataset().create_tuple_iterator():
        print(f"eval loss is {forward(images, labels).asnumpy():.6f}", flush=True)


if __name__ == "__main__":
    main()
