"""Test harness, not part of PaddleDetection: writes a 4-image VOC-style folder
(JPEGImages/, Annotations/*.xml, trainval.txt, label_list.txt) in place of the real download.
Deterministic (no RNG)."""
import os

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dataset", "voc")
XML = """<annotation><filename>{name}.jpg</filename><size><width>{w}</width><height>{h}</height><depth>3</depth></size>
<object><name>{cls}</name><difficult>0</difficult><bndbox><xmin>{x1}</xmin><ymin>{y1}</ymin><xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox></object>
</annotation>
"""


def main(count=4, w=96, h=80):
    for sub in ("JPEGImages", "Annotations"):
        os.makedirs(os.path.join(ROOT, sub), exist_ok=True)
    classes = ["box", "disc"]
    yy, xx = np.mgrid[0:h, 0:w]
    lines = []
    for i in range(count):
        x1, y1, x2, y2 = 10 + 5 * i, 8 + 4 * i, 50 + 6 * i, 60 + 2 * i
        img = np.full((h, w, 3), 40 + 20 * i, np.uint8)
        img[y1:y2, x1:x2] = ((xx[y1:y2, x1:x2] * 7) % 256)[..., None]
        name = f"{i:06d}"
        Image.fromarray(img).save(os.path.join(ROOT, "JPEGImages", name + ".jpg"))
        with open(os.path.join(ROOT, "Annotations", name + ".xml"), "w") as f:
            f.write(XML.format(name=name, w=w, h=h, cls=classes[i % 2], x1=x1, y1=y1, x2=x2, y2=y2))
        lines.append(f"JPEGImages/{name}.jpg Annotations/{name}.xml\n")
    with open(os.path.join(ROOT, "trainval.txt"), "w") as f:
        f.writelines(lines)
    with open(os.path.join(ROOT, "test.txt"), "w") as f:
        f.writelines(lines[:1])
    with open(os.path.join(ROOT, "label_list.txt"), "w") as f:
        f.write("\n".join(classes) + "\n")


if __name__ == "__main__":
    main()
