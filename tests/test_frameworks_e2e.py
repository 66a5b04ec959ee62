"""The promise with real PyTorch (2.13, CPU), Keras 3 (on the torch backend) and PaddlePaddle (CPU):
each sample's runs
differ; after `reprofix apply` they pass the step-6 check (judged by `reprofix verify`); after
`reprofix revert` the file is the original."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES, require_framework, run_reprofix


def losses(script: Path) -> list[float]:
    result = subprocess.run([sys.executable, script.name, "--steps", "4"], cwd=script.parent,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return [float(line.split("loss:")[1]) for line in result.stdout.splitlines() if "loss:" in line]


@pytest.mark.framework
@pytest.mark.parametrize("sample, modules, rules", [
    ("pytorch_train.py", ("torch",), ("PT001", "PT105", "PT108", "PT109", "PT201", "PT202")),
    ("keras_train.py", ("keras", "torch"), ("KR001", "KR110", "KR201")),
    ("paddle_train.py", ("paddle",), ("PD001", "PD105", "PD201", "PD202")),
])
def test_sample_becomes_reproducible_and_comes_back(tmp_path: Path, sample: str, modules, rules):
    for module in modules:
        require_framework(module)
    script = tmp_path / sample
    shutil.copy(SAMPLES / sample, script)
    original = script.read_bytes()

    first, second = losses(script), losses(script)
    assert len(first) == 4 and first != second, "the original sample should not be reproducible"
    before = run_reprofix("verify", "--json", "--", sys.executable, script.name, cwd=tmp_path, check_code=1)
    assert json.loads(before.stdout)["verdict"] == "not reproducible"

    result = run_reprofix("apply", script.name, cwd=tmp_path, check_code=0)
    for rule in rules:
        assert rule in result.stdout
    first, second = losses(script), losses(script)
    assert first == second
    after = run_reprofix("verify", "--steps", "4", "--", sys.executable, script.name, cwd=tmp_path, check_code=0)
    assert "reproducible: all 2 runs agree on the first 4 step(s)" in after.stdout

    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert script.read_bytes() == original
