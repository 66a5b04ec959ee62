"""Test harness, not part of mindocr: writes 4 word images (32x100 PNG) and the tab-separated
label file RecDataset reads. Deterministic (no RNG)."""
import os

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "synthetic_rec")
WORDS = ["stage", "harbour", "front", "word"]

if __name__ == "__main__":
    os.makedirs(os.path.join(ROOT, "train"), exist_ok=True)
    lines = []
    yy, xx = np.mgrid[0:32, 0:100]
    for i, w in enumerate(WORDS):
        img = np.full((32, 100, 3), 255, np.uint8)
        for k, ch in enumerate(w):  # one dark bar per character, its height set by the letter
            x0 = 4 + 12 * k
            img[6:6 + (ord(ch) % 20), x0:x0 + 8] = (ord(ch) * 3) % 200
        name = f"word_{i}.png"
        Image.fromarray(img).save(os.path.join(ROOT, "train", name))
        lines.append(f"{name}\t{w}\n")
    with open(os.path.join(ROOT, "train_gt.txt"), "w") as f:
        f.writelines(lines)
