"""Test harness, not part of nanoGPT: writes data/shakespeare_char/input.txt (a small deterministic
text) so that the real data/shakespeare_char/prepare.py skips its download and builds
train.bin / val.bin / meta.pkl from it. Deterministic (no RNG)."""
import os
import runpy

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "data", "shakespeare_char", "input.txt")

LINES = [
    "First Citizen:\nBefore we proceed any further, hear me speak.\n\n",
    "All:\nSpeak, speak.\n\n",
    "First Citizen:\nYou are all resolved rather to die than to famish?\n\n",
]

if __name__ == "__main__":
    with open(PATH, "w") as f:
        for i in range(40):
            f.write(LINES[i % len(LINES)])
    runpy.run_path(os.path.join(HERE, "data", "shakespeare_char", "prepare.py"), run_name="__main__")
