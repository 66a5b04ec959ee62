"""Test harness, not part of PaddleSeg: writes 4 train + 2 val image/label PNG pairs (80x96) and the
`image label` file lists that paddleseg.datasets.Dataset reads. Deterministic (no RNG)."""
import os

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "synthetic")


def make(split, count, h=80, w=96, classes=4):
    os.makedirs(os.path.join(ROOT, "images"), exist_ok=True)
    os.makedirs(os.path.join(ROOT, "labels"), exist_ok=True)
    yy, xx = np.mgrid[0:h, 0:w]
    lines = []
    for i in range(count):
        img = np.stack([(xx * (i + 2)) % 256, (yy * 3 + i * 40) % 256, ((xx + yy) * 2) % 256], -1)
        label = ((xx // (w // 2)) + 2 * (yy // (h // 2)) + i) % classes
        img_name, lbl_name = f"images/{split}_{i}.png", f"labels/{split}_{i}.png"
        Image.fromarray(img.astype(np.uint8)).save(os.path.join(ROOT, img_name))
        Image.fromarray(label.astype(np.uint8)).save(os.path.join(ROOT, lbl_name))
        lines.append(f"{img_name} {lbl_name}\n")
    with open(os.path.join(ROOT, f"{split}.txt"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    make("train", 4)
    make("val", 2)
