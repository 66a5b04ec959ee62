"""Driver for the timm keep-randomness test: copied beside a copy of timm as `proj/train.py`.

Trains a small timm ResNet (dropout on) on 32 fixed pictures through timm's own training transforms,
augmentation on (RandAugment, a random resized crop, a flip, colour jitter, random erasing), shuffled
by a DataLoader with 2 workers. Prints the loss of each step. Every random draw comes from the
generators `reprofix apply --keep-randomness` seeds; nothing of it is taken out.
"""
import os

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset

import timm
from timm.data import create_transform


class Pictures(Dataset):
    def __init__(self, transform):
        rng = np.random.default_rng(0)  # the same pictures on every run
        self.images = [Image.fromarray(rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)) for _ in range(32)]
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        return self.transform(self.images[index]), index % 4


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    assert os.path.abspath(timm.__file__).startswith(here + os.sep), f"not the copy: {timm.__file__}"
    transform = create_transform(32, is_training=True, auto_augment="rand-m9-mstd0.5", re_prob=0.25,
                                 color_jitter=0.4)
    loader = DataLoader(Pictures(transform), batch_size=8, shuffle=True, num_workers=2)
    model = timm.create_model("resnet18", num_classes=4, drop_rate=0.1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    model.train()
    for step, (images, labels) in enumerate(loader):
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"step {step} loss: {loss.item():.6f}", flush=True)
