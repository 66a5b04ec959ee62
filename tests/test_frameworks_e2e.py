"""The promise with real PyTorch (CPU; with torchvision's transforms in torchvision_train.py), Keras 3
(on the torch backend) and PaddlePaddle (CPU): each sample's two runs differ; `reprofix apply` makes
exactly the expected changes; the two runs then agree on every step (judged by `reprofix verify`); after `reprofix revert` the file is the original."""

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES, require_framework, run_reprofix

REPORTED = re.compile(r"^  \S+?:(\d+:\d+)  ([A-Z]{2}\d{3})  ", re.MULTILINE)


@pytest.mark.framework
@pytest.mark.parametrize("sample, modules, findings", [
    ("pytorch_train.py", ("torch",),
     ("14:1 PT001", "26:65 PT201", "30:13 PT202", "39:5 PT109", "40:14 PT105", "40:14 PT108")),
    ("torchvision_train.py", ("torch", "torchvision"),
     ("18:1 PT001", "22:9 PT102", "23:9 PT101", "24:9 PT104", "25:9 PT104", "28:9 PT104", "40:55 PT201",
      "52:14 PT105", "52:14 PT108")),
    ("keras_train.py", ("keras", "torch"), ("15:1 KR001", "27:9 KR201", "29:9 KR201", "45:5 KR110")),
    ("paddle_train.py", ("paddle",), ("14:1 PD001", "26:65 PD201", "30:26 PD202", "38:14 PD105", "38:14 PD108")),
])
def test_sample_becomes_reproducible_and_comes_back(tmp_path: Path, sample: str, modules, findings):
    for module in modules:
        require_framework(module)
    script = tmp_path / sample
    shutil.copy(SAMPLES / sample, script)
    original = script.read_bytes()
    command = ("--steps", "4", "--", sys.executable, script.name, "--steps", "4")

    before = run_reprofix("verify", "--json", *command, cwd=tmp_path, check_code=1)
    first, second = (run["losses"] for run in json.loads(before.stdout)["runs"])
    assert len(first) == len(second) == 4 and first[0] != second[0], "the original sample should not be reproducible"

    result = run_reprofix("apply", script.name, cwd=tmp_path, check_code=0)
    assert tuple(" ".join(m) for m in REPORTED.findall(result.stdout)) == findings

    after = run_reprofix("verify", "--json", *command, cwd=tmp_path, check_code=0)
    first, second = (run["losses"] for run in json.loads(after.stdout)["runs"])
    assert len(first) == 4 and first == second

    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert script.read_bytes() == original
