"""Test harness, not part of mindcv: writes an ImageFolder tree data/synthetic/train/<class>/*.jpg
(2 classes, 4 JPEGs of 80x80) in place of ImageNet. Deterministic (no RNG)."""
import os

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "synthetic", "train")

if __name__ == "__main__":
    yy, xx = np.mgrid[0:80, 0:80]
    for i in range(4):
        d = os.path.join(ROOT, f"class_{i % 2}")
        os.makedirs(d, exist_ok=True)
        img = np.stack([(xx * (i + 2)) % 256, (yy * 3 + 50 * i) % 256, ((xx + yy) * (i + 1)) % 256], -1)
        Image.fromarray(img.astype(np.uint8)).save(os.path.join(d, f"img_{i}.jpg"))
