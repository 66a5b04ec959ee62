"""`reprofix apply --keep-randomness` on a real PyTorch training with shuffling, dropout and an
augmentation drawing from torch, NumPy and `random` in two DataLoader workers: the seed block and a
seeded generator for the loader, nothing taken out; two runs agree, and their losses differ from a
plain apply's (the randomness still acts)."""
import json
import shutil
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES, require_framework, run_reprofix


def losses(folder: Path, env: dict | None = None) -> list:
    result = run_reprofix("verify", "--json", "--steps", "3", "--", sys.executable, "train.py", cwd=folder,
                          check_code=0, env=env)
    data = json.loads(result.stdout)
    assert data["verdict"] == "reproducible", data
    first, second = (run["losses"][:3] for run in data["runs"])
    assert first == second
    return first


@pytest.mark.framework
def test_keep_randomness_makes_runs_agree_and_keeps_the_randomness(tmp_path: Path):
    require_framework("torch")
    shutil.copy(SAMPLES / "keep_randomness_train.py", tmp_path / "train.py")
    original = (tmp_path / "train.py").read_bytes()
    result = run_reprofix("apply", "--keep-randomness", "train.py", cwd=tmp_path, check_code=0)
    assert [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  train.py:")] == \
        ["PT001", "PT112"]
    rewritten = (tmp_path / "train.py").read_bytes()
    assert b"shuffle=True, num_workers=2, generator=torch.Generator().manual_seed(1))" in rewritten
    assert b"nn.Dropout(p=0.5)" in rewritten
    kept = losses(tmp_path)

    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_bytes() == original
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    assert b"shuffle=False" in (tmp_path / "train.py").read_bytes()
    plain = losses(tmp_path)
    assert kept != plain, "with --keep-randomness the shuffling, dropout and augmentation still act"
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_bytes() == original


@pytest.mark.framework
def test_keep_randomness_on_mindspore_keeps_its_random_ops_and_seeds_them(tmp_path: Path):
    """The MindSpore sample: random crops and flips, a shuffle, a RandomSampler, three dropout
    operators and a StandardNormal noise op all stay; the dataset is seeded, the pipeline runs one
    worker, and the dropout primitives get seeds. Two runs agree; a plain apply's losses differ."""
    require_framework("mindspore")
    shutil.copy(SAMPLES / "mindspore_train.py", tmp_path / "train.py")
    original = (tmp_path / "train.py").read_bytes()
    env = {"GLOG_v": "3"}
    result = run_reprofix("apply", "--keep-randomness", "train.py", cwd=tmp_path, check_code=0)
    rules = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  train.py:")]
    assert sorted(set(rules)) == ["MS001", "MS108", "MS204", "MS209", "MS304", "MS305"], result.stdout
    rewritten = (tmp_path / "train.py").read_bytes()
    for kept in (b"vision.RandomCrop(24, padding=2)", b"data.shuffle(buffer_size=64)", b"nn.Dropout(p=0.3)",
                 b"ds.RandomSampler(num_samples=16)"):
        assert kept in rewritten, kept
    assert b"mindspore.dataset.config.set_seed(1)" in rewritten
    kept_losses = losses(tmp_path, env)
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    assert kept_losses != losses(tmp_path, env)
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_bytes() == original
