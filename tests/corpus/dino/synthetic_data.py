"""Test harness, not part of DINO: writes a 4-image ImageFolder (2 classes, 256x256 PNG) in place of
ImageNet. Deterministic (no RNG)."""
import os

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "train")

if __name__ == "__main__":
    yy, xx = np.mgrid[0:256, 0:256]
    for i in range(4):
        d = os.path.join(ROOT, f"class_{i % 2}")
        os.makedirs(d, exist_ok=True)
        img = np.stack([(xx * (i + 1)) % 256, (yy * 2 + 30 * i) % 256, ((xx ^ yy) * (i + 3)) % 256], -1)
        Image.fromarray(img.astype(np.uint8)).save(os.path.join(d, f"img_{i}.png"))
