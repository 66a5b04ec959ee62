"""Test harness, not part of pytorch/examples: writes an ImageNet-style folder (train/ and val/, two
classes, 4 + 2 PNGs of 64x64) in place of ImageNet. Deterministic (no RNG)."""
import os

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

if __name__ == "__main__":
    yy, xx = np.mgrid[0:64, 0:64]
    for split, n in (("train", 4), ("val", 2)):
        for i in range(n):
            d = os.path.join(ROOT, split, f"n0000000{i % 2}")
            os.makedirs(d, exist_ok=True)
            img = np.stack([(xx * (i + 2)) % 256, (yy * 3 + 50 * i) % 256, ((xx + yy) * (i + 1)) % 256], -1)
            Image.fromarray(img.astype(np.uint8)).save(os.path.join(d, f"{split}_{i}.png"))
