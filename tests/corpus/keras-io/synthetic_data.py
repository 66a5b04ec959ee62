"""Test harness, not part of keras-io/keras-core: writes the datasets the four examples download,
in the same layouts, small and deterministic (no RNG):
  data/PetImages/{Cat,Dog}/*.jpg (12 + 12 JFIF JPEGs; includes Cat/6779.jpg, used by the inference cell),
  data/aclImdb/{train,test}/{pos,neg}/*.txt and data/aclImdb/train/unsup/ (removed by the script),
  data/jena_climate_2009_2016.csv (the 15 real column names, 5400 rows),
and exposes cifar10_load_data() for cct.py."""
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def cifar10_load_data(n_train=20, n_test=8):
    """Same return shape as keras.datasets.cifar10.load_data(): uint8 (N,32,32,3), int (N,1)."""
    yy, xx = np.mgrid[0:32, 0:32]

    def make(n, off):
        x = np.stack([np.stack([(xx * (i + off + 1)) % 256, (yy * 3 + i * 7) % 256, ((xx + yy) * (i % 5 + 1)) % 256], -1)
                      for i in range(n)]).astype("uint8")
        y = (np.arange(n) % 10).reshape(-1, 1).astype("uint8")
        return x, y

    return make(n_train, 0), make(n_test, 100)


def pet_images():
    from PIL import Image
    for k, cls in enumerate(("Cat", "Dog")):
        d = os.path.join(DATA, "PetImages", cls)
        os.makedirs(d, exist_ok=True)
        yy, xx = np.mgrid[0:80, 0:80]
        names = ["6779"] + [str(j) for j in range(1, 12)] if cls == "Cat" else [str(j) for j in range(1, 13)]
        for i, name in enumerate(names):
            img = np.stack([(xx * (i + 2 + k)) % 256, (yy * 3 + 60 * k) % 256, ((xx + yy) * (i + 1)) % 256], -1)
            Image.fromarray(img.astype("uint8")).save(os.path.join(d, name + ".jpg"), "JPEG")


def imdb():
    words = {"pos": ["great", "wonderful", "loved", "brilliant"], "neg": ["awful", "boring", "hated", "terrible"]}
    for split, n in (("train", 10), ("test", 4)):
        for label, vocab in words.items():
            d = os.path.join(DATA, "aclImdb", split, label)
            os.makedirs(d, exist_ok=True)
            for i in range(n):
                with open(os.path.join(d, f"{i}_{7 if label == 'pos' else 2}.txt"), "w") as f:
                    f.write(f"This movie was {vocab[i % 4]}.<br />Really {vocab[(i + 1) % 4]} acting.")
    with open(os.path.join(DATA, "aclImdb", "train", "pos", "6248_7.txt"), "w") as f:
        f.write("A great film.")
    os.makedirs(os.path.join(DATA, "aclImdb", "train", "unsup"), exist_ok=True)


def jena(rows=5400):
    cols = ["p (mbar)", "T (degC)", "Tpot (K)", "Tdew (degC)", "rh (%)", "VPmax (mbar)", "VPact (mbar)",
            "VPdef (mbar)", "sh (g/kg)", "H2OC (mmol/mol)", "rho (g/m**3)", "wv (m/s)", "max. wv (m/s)", "wd (deg)"]
    with open(os.path.join(DATA, "jena_climate_2009_2016.csv"), "w") as f:
        f.write("Date Time," + ",".join(f'"{c}"' if "," in c else c for c in cols) + "\n")
        for r in range(rows):
            day, minute = divmod(r * 10, 1440)
            stamp = f"{1 + day % 28:02d}.01.2009 {minute // 60:02d}:{minute % 60:02d}:00"
            vals = [1000 + 5 * math.sin(r / 50 + j) + j for j in range(len(cols))]
            f.write(stamp + "," + ",".join(f"{v:.2f}" for v in vals) + "\n")


if __name__ == "__main__":
    os.makedirs(DATA, exist_ok=True)
    pet_images()
    imdb()
    jena()
