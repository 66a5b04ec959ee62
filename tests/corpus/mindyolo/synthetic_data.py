"""Test harness, not part of mindyolo: writes 6 images (160x160 JPEG) with YOLO-format labels
(`images/` + `labels/` + train.txt) in place of COCO. Deterministic (no RNG)."""
import os

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "synthetic")

if __name__ == "__main__":
    for sub in ("images/train", "labels/train"):
        os.makedirs(os.path.join(ROOT, sub), exist_ok=True)
    lines = []
    for i in range(6):
        s = 160
        img = np.full((s, s, 3), 60 + 30 * i, np.uint8)
        x1, y1, x2, y2 = 10 + 6 * i, 12 + 4 * i, 60 + 5 * i, 70 + 3 * i
        img[y1:y2, x1:x2] = (200 - 20 * i, 40 * i, 90)
        name = f"{i:06d}"
        Image.fromarray(img).save(os.path.join(ROOT, "images/train", name + ".jpg"))
        cx, cy, w, h = (x1 + x2) / 2 / s, (y1 + y2) / 2 / s, (x2 - x1) / s, (y2 - y1) / s
        with open(os.path.join(ROOT, "labels/train", name + ".txt"), "w") as f:
            f.write(f"{i % 2} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}\n")
        lines.append(f"./images/train/{name}.jpg\n")
    with open(os.path.join(ROOT, "train.txt"), "w") as f:
        f.writelines(lines)
