"""Test harness, not part of ssd.pytorch: writes home/data/coco/coco_labels.txt, a tiny VOCdevkit (VOC2007 + VOC2012, 2 images each,
with Annotations/*.xml and ImageSets/Main/trainval.txt) and the base-network file the training script
loads (`weights/vgg16_reducedfc.pth`, which the real project downloads): a freshly initialised
ssd.vgg state dict under torch.manual_seed(0). Images/boxes are deterministic (no RNG)."""
import os
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
# data/config.py roots everything at HOME (VOC_ROOT = ~/data/VOCdevkit, COCO_ROOT = ~/data/coco, and
# data/coco.py reads ~/data/coco/coco_labels.txt at import time); RUN sets HOME=$PWD/home.
ROOT = os.path.join(HERE, "home", "data", "VOCdevkit")
XML = """<annotation><folder>{year}</folder><filename>{name}.jpg</filename>
<size><width>{w}</width><height>{h}</height><depth>3</depth></size>
<object><name>{cls}</name><pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult>
<bndbox><xmin>{x1}</xmin><ymin>{y1}</ymin><xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox></object>
</annotation>
"""


def voc():
    classes = ["dog", "car"]
    for y, year in enumerate(("VOC2007", "VOC2012")):
        base = os.path.join(ROOT, year)
        for sub in ("Annotations", "JPEGImages", "ImageSets/Main"):
            os.makedirs(os.path.join(base, sub), exist_ok=True)
        ids = []
        for i in range(2):
            k = 2 * y + i
            w, h = 120, 100
            img = np.full((h, w, 3), 50 + 40 * k, np.uint8)
            x1, y1, x2, y2 = 10 + 8 * k, 15 + 5 * k, 70 + 6 * k, 80
            img[y1:y2, x1:x2] = (30 * k, 200, 120)
            name = f"{year}_{i:06d}"
            Image.fromarray(img).save(os.path.join(base, "JPEGImages", name + ".jpg"))
            with open(os.path.join(base, "Annotations", name + ".xml"), "w") as f:
                f.write(XML.format(year=year, name=name, w=w, h=h, cls=classes[k % 2], x1=x1, y1=y1, x2=x2, y2=y2))
            ids.append(name)
        with open(os.path.join(base, "ImageSets/Main/trainval.txt"), "w") as f:
            f.write("\n".join(ids) + "\n")


def basenet():
    import torch
    sys.path.insert(0, HERE)
    from ssd import vgg, base
    path = os.path.join(HERE, "weights", "vgg16_reducedfc.pth")
    if os.path.exists(path):
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.manual_seed(0)
    torch.save(torch.nn.ModuleList(vgg(base['300'], 3)).state_dict(), path)


if __name__ == "__main__":
    import shutil
    os.makedirs(os.path.join(HERE, "home", "data", "coco"), exist_ok=True)
    shutil.copy(os.path.join(HERE, "data", "coco_labels.txt"), os.path.join(HERE, "home", "data", "coco", "coco_labels.txt"))
    voc()
    basenet()
