"""The data pipeline: synthetic images, augmented and shuffled the way CIFAR recipes do it."""
import numpy as np

import mindspore.dataset as ds
import mindspore.dataset.transforms as C
import mindspore.dataset.vision as CV
from mindspore import dtype as mstype

from .config import config


class SyntheticImages:
    """Fixed synthetic images (the same on every run): label-dependent brightness plus noise."""

    def __init__(self, count=128):
        rng = np.random.default_rng(seed=7)
        self.labels = rng.integers(0, config.num_classes, size=count).astype(np.int32)
        noise = rng.integers(0, 96, size=(count, config.image_size, config.image_size, 3))
        self.images = (noise + self.labels[:, None, None, None] * 15).clip(0, 255).astype(np.uint8)

    def __getitem__(self, index):
        return self.images[index], self.labels[index]

    def __len__(self):
        return len(self.labels)


def create_dataset(batch_size, training=True):
    data = ds.GeneratorDataset(SyntheticImages(), ["image", "label"], num_parallel_workers=config.workers)
    trans = []
    if training:
        trans += [
            CV.RandomCrop((config.crop_size, config.crop_size), (4, 4, 4, 4)),
            CV.RandomHorizontalFlip(prob=0.5),
        ]
    trans += [
        CV.Resize((config.crop_size, config.crop_size)),
        CV.Rescale(1.0 / 255.0, 0.0),
        CV.Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]),
        CV.HWC2CHW(),
    ]
    type_cast_op = C.TypeCast(mstype.int32)
    data = data.map(operations=type_cast_op, input_columns="label", num_parallel_workers=config.workers)
    data = data.map(operations=trans, input_columns="image", num_parallel_workers=config.workers)
    data = data.shuffle(buffer_size=64)
    data = data.batch(batch_size, drop_remainder=True)
    return data
