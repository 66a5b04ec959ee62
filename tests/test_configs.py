"""Configuration files rewritten like code, in the shapes of the projects that keep their data
pipeline in YAML (PaddleClas, PaddleSeg, PaddleDetection, mindyolo, mindocr): the same patch, the
same byte-for-byte revert, the same report."""

import difflib
import subprocess
from pathlib import Path

import pytest
import yaml

import transforms
from conftest import run_reprofix

# PaddleClas's PPLCNet_x0_25.yaml, trimmed (Apache-2.0): comments, `True`/`False`, a nested loader
PADDLECLAS = """\
# global configs
Global:
  checkpoints: null
  epochs: 1
# model architecture
Arch:
  name: PPLCNet_x0_25
  class_num: 4
  dropout_prob: 0.2

DataLoader:
  Train:
    dataset:
      name: ImageNetDataset
      transform_ops:
        - DecodeImage:
            to_rgb: True
            channel_first: False
        - RandCropImage:
            size: 32
            interpolation: bicubic
        - RandFlipImage:
            flip_code: 1
        - NormalizeImage:
            scale: 1.0/255.0
            order: ''
        - RandomErasing:
            EPSILON: 0.25
            sl: 0.02
            mode: pixel
    sampler:
      name: DistributedBatchSampler
      batch_size: 4
      drop_last: False
      shuffle: True
    loader:
      num_workers: 8   # processes
      use_shared_memory: True
  Eval:
    sampler:
      shuffle: False
    loader:
      num_workers: 4
"""

ENTRY = """\
import os
import sys
__dir__ = os.path.dirname(os.path.abspath(__file__))
sys.path.append(os.path.abspath(os.path.join(__dir__, '../')))
import paddle
from ppcls.ops import build

build()
"""

OPS = """\
import random

import numpy as np
import paddle


class RandFlipImage(object):
    def __init__(self, flip_code=1):
        self.flip_code = flip_code

    def __call__(self, img):
        if random.randint(0, 1) == 1:
            return img[:, ::-1]
        return img


class RandomErasing(object):
    pass


def build(config=None):
    return [eval(name)(**params) for name, params in (config or {}).items()]
"""


def write(root: Path, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())


def snapshot(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_paddleclas_run_rewrites_its_config_in_the_same_patch_and_revert_restores_it(tmp_path: Path):
    write(tmp_path, {"tools/train.py": ENTRY, "ppcls/__init__.py": "", "ppcls/ops.py": OPS,
                     "ppcls/configs/PPLCNet.yaml": PADDLECLAS})
    before = snapshot(tmp_path)
    result = run_reprofix("apply", "tools/train.py", "ppcls/configs/PPLCNet.yaml", cwd=tmp_path, check_code=0)
    config = "ppcls/configs/PPLCNet.yaml"
    assert [line for line in result.stdout.splitlines() if line.startswith(f"  {config}:")] == [
        f"  {config}:9:17  CF204  dropout_prob: 0.0",
        f"  {config}:22:11  CF104  RandFlipImage removed from the list",
        f"  {config}:27:11  CF104  RandomErasing removed from the list",
        f"  {config}:35:16  CF105  shuffle: false",
        f"  {config}:37:20  CF108  num_workers: 1",
        f"  {config}:43:20  CF108  num_workers: 1",
        f"  {config}:19:11  CF104  RandCropImage is random and may decide the size of what follows: replace it by its "
        "deterministic counterpart (a centre crop, a fixed resize) while debugging",
    ]
    # the class a configuration builds by name is reported where it is defined, with the entry
    assert ("ppcls/ops.py:12:12  PD206  RandFlipImage.__call__ draws at random per sample (random.randint()): an "
            "augmentation of the project's, which reprofix leaves alone; take it out of the pipeline or make it a "
            f"no-op while debugging; a configuration builds it by name ({config}:22)") in result.stdout
    assert (f"ppcls/ops.py:17:7  PD206  class RandomErasing is named as a random op and a configuration builds it by "
            f"name ({config}:27)") in result.stdout
    new = (tmp_path / config).read_text()
    data = yaml.safe_load(new)
    train = data["DataLoader"]["Train"]
    assert [next(iter(op)) for op in train["dataset"]["transform_ops"]] == ["DecodeImage", "RandCropImage", "NormalizeImage"]
    assert train["sampler"]["shuffle"] is False and train["loader"]["num_workers"] == 1
    assert data["Arch"]["dropout_prob"] == 0.0
    assert "      num_workers: 1   # processes\n" in new and "# [reprofix CF104] - RandFlipImage:\n" in new
    changed = [line for line in difflib.ndiff(PADDLECLAS.splitlines(), new.splitlines()) if line.startswith("+ ")]
    assert len(changed) == 10  # 4 values, and the 6 lines of the two entries, commented out
    patch = (tmp_path / "reprofix.patch").read_text()
    assert f"diff --git a/{config} b/{config}" in patch
    subprocess.run(["git", "apply", "--check", "-R", "reprofix.patch"], cwd=tmp_path, check=True)
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert snapshot(tmp_path) == before


def test_inherited_configs_are_rewritten_where_the_key_is_written(tmp_path: Path):
    """PaddleSeg's `_base_: '../_base_/x.yml'`, PaddleDetection's `_BASE_: [...]`, mindyolo's
    `__BASE__`: the settings live in the base files, which the entry's config names."""
    write(tmp_path, {
        "configs/hrformer/small.yml": "_base_: '../_base_/seg.yml'\nmodel:\n  type: FCN\n  backbone:\n"
                                      "    type: HRFormer_small\n    drop_path_rate: 0.2\n",
        "configs/_base_/seg.yml": "train_dataset:\n  type: Dataset\n  transforms:\n    - type: ResizeStepScaling\n"
                                  "    - type: RandomHorizontalFlip\n    - type: Normalize\n  shuffle: True\n",
        "configs/yolov3/voc.yml": "_BASE_: [\n  '_base_/reader.yml',\n  '../missing.yml',\n]\nepoch: 1\n",
        "configs/yolov3/_base_/reader.yml": "worker_num: 2\nTrainReader:\n  sample_transforms:\n    - Decode: {}\n"
                                            "    - RandomDistort: {}\n    - RandomFlip: {}\n  shuffle: true\n",
        "configs/unrelated/other.yml": "shuffle: true\n",  # not named, not inherited: not touched
    })
    result = run_reprofix("apply", "configs/hrformer/small.yml", "configs/yolov3/voc.yml", cwd=tmp_path, check_code=0)
    assert result.stdout.splitlines()[-2:] == [
        "reprofix: 3 of 4 file(s) changed, 7 change(s), 0 need you; patch: reprofix.patch (undo: reprofix revert)",
        "next: reprofix verify -- python <your training script>   (runs it twice and compares the losses)"]
    seg = yaml.safe_load((tmp_path / "configs/_base_/seg.yml").read_text())["train_dataset"]
    assert [t["type"] for t in seg["transforms"]] == ["ResizeStepScaling", "Normalize"] and seg["shuffle"] is False
    reader = yaml.safe_load((tmp_path / "configs/yolov3/_base_/reader.yml").read_text())
    assert reader["worker_num"] == 1 and reader["TrainReader"]["sample_transforms"] == [{"Decode": {}}]
    assert (tmp_path / "configs/unrelated/other.yml").read_text() == "shuffle: true\n"


@pytest.mark.parametrize("source, expected", [
    (b"loader:\r\n  shuffle: True\r\n  num_workers: 8\r\n",  # Windows line endings stay
     b"loader:\r\n  shuffle: False\r\n  num_workers: 1\r\n"),
    (b"\xef\xbb\xbfshuffle: yes\n",  # a byte-order mark, and YAML 1.1's other booleans
     b"\xef\xbb\xbfshuffle: no\n"),
    (b"base: &loader\n  shuffle: TRUE\ntrain:\n  <<: *loader\n  batch_size: 8\neval: *loader\n",  # one anchor, every alias
     b"base: &loader\n  shuffle: FALSE\ntrain:\n  <<: *loader\n  batch_size: 8\neval: *loader\n"),
    (b"a: 1\n---\nshuffle: true\n",  # several documents
     b"a: 1\n---\nshuffle: false\n"),
    (b"drop_path_rate: 1.0e-1 # caf\xc3\xa9\nno_newline_at_end: {shuffle: true}",  # flow mappings, non-ASCII, no final newline
     b"drop_path_rate: 0.0 # caf\xc3\xa9\nno_newline_at_end: {shuffle: false}"),
    (b"keep_prob: 1e-1\n", b"keep_prob: 1e-1\n"),  # a string to YAML 1.1 (PyYAML): not a number, left alone
])
def test_layouts_are_kept_byte_for_byte_outside_the_values(source: bytes, expected: bytes):
    assert transforms.rewrite_config(source).code == expected


def test_lists_that_line_edits_cannot_take_an_entry_from_are_reported():
    """An entry of a list written on one line, the last entry of a list (it would leave it empty),
    an entry whose continuation reaches left of its dash: reported, and nothing changes."""
    source = (b"pipeline: [{type: RandomFlip}, {type: Normalize}]\n"
              b"ops:\n  - type: RandomHorizontalFlip\n"
              b"more:\n  - Decode: {}\n  - RandomDistort: {\nhue: 18}\n")
    result = transforms.rewrite_config(source)
    assert result.code == source
    assert [(f.short(), f.kind, f.message) for f in result.findings] == [
        ("1:12 CF104", "report", "RandomFlip is random, in a list written on one line (`[...]`): take it out by hand"),
        ("3:5 CF104", "report", "RandomHorizontalFlip is random, but it is the last op of its list: take it out by "
                                "hand (an empty list may not be accepted)"),
        ("6:5 CF104", "report", "RandomDistort is random, but its lines cannot be commented out one by one: take it "
                                "out by hand"),
    ]


@pytest.mark.parametrize("source, message", [
    (b"a: [1, 2\nshuffle: true\n", "2:8: not valid YAML: expected ',' or ']', but got ':'"),
    (b"shuffle: true\nname: caf\xe9\n", "2:1: not valid UTF-8 (byte 0xe9), as YAML must be"),
])
def test_a_file_that_is_not_yaml_is_one_error_line_and_stays(tmp_path: Path, source: bytes, message: str):
    write(tmp_path, {"config.yaml": source})
    result = run_reprofix("apply", "config.yaml", cwd=tmp_path, check_code=1)
    assert result.stderr == f"reprofix: config.yaml:{message}; file left unchanged\n"
    assert (tmp_path / "config.yaml").read_bytes() == source


def test_a_folder_takes_its_configs_but_not_a_tools_hidden_one(tmp_path: Path):
    write(tmp_path, {"configs/a.yaml": "num_workers: 4\n", ".pre-commit-config.yaml": "shuffle: true\n",
                     "mkdocs.yml": "site_name: x\n"})
    result = run_reprofix("apply", "--dry-run", ".", cwd=tmp_path, check_code=0)
    assert result.stdout.splitlines()[-2:] == [
        "  configs/a.yaml:1:14  CF108  num_workers: 1",
        "reprofix: 1 of 2 file(s) would change, 1 change(s), 0 need you; dry run, nothing written",
    ]


def test_a_python_config_module_named_beside_its_script_takes_the_scripts_rules(tmp_path: Path):
    """mmengine's configs are Python modules read by path, never imported: named with the script,
    they get its framework's rules (a rate keyword is a rate there too)."""
    write(tmp_path, {
        "tools/train.py": "import torch\nfrom torch import nn\n\nif __name__ == '__main__':\n    pass\n",
        "configs/vit.py": "model = dict(type='VisionTransformer', drop_path_rate=0.1)\n",
    })
    result = run_reprofix("apply", "tools/train.py", "configs/vit.py", cwd=tmp_path, check_code=0)
    assert "configs/vit.py:1:40  PT204  dict(..., drop_path_rate=0.0)" in result.stdout
    assert "imports no supported framework" not in result.stderr
    assert (tmp_path / "configs/vit.py").read_text() == "model = dict(type='VisionTransformer', drop_path_rate=0.0)\n"
