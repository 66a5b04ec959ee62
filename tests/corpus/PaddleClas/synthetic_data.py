"""Test harness, not part of PaddleClas: writes a tiny ImageNet-style folder (8 train + 4 val JPEGs
and the `train_list.txt` / `val_list.txt` label files ImageNetDataset reads) in place of the real
download. Deterministic: no random number generator is used."""
import os

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dataset", "ILSVRC2012")


def make(split, count, classes=4, size=40):
    os.makedirs(os.path.join(ROOT, split), exist_ok=True)
    lines = []
    yy, xx = np.mgrid[0:size, 0:size]
    for i in range(count):
        label = i % classes
        img = np.stack([(xx * (i + 3) + yy * 7) % 256, (yy * (label + 2) * 11) % 256,
                        ((xx + yy) * (i + 1) * 5) % 256], axis=-1).astype(np.uint8)
        name = f"{split}/img_{i:03d}.jpg"
        Image.fromarray(img).save(os.path.join(ROOT, name))
        lines.append(f"{name} {label}\n")
    with open(os.path.join(ROOT, f"{split}_list.txt"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    make("train", 8)
    make("val", 4)
