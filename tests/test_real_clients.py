"""Real clients: published model libraries nobody here wrote, rewritten by `reprofix apply` and run.

For each library (timm on PyTorch, mindcv on MindSpore, Paddle's own vision models) the installed
package source is copied into `proj/`, beside a driver script `proj/run_models.py` (from
`tests/clients/`) that imports the copy, builds a few models with dropout in train mode and runs
forward and backward on a fixed input. The weights come from a build under seed 0; every other random
state comes from os.urandom, so only randomness reprofix failed to remove can make two processes
differ. The driver prints a digest of each model's outputs and gradients, and the rate of each of its
dropout layers.

One test per library checks, and reports together:
1. the original driver, building and running every model twice in one process, each time under a new
   seed from os.urandom: the models with dropout differ (the harness has teeth);
2. `reprofix apply proj` (folder mode): the driver is the only entry script;
3. the rewritten driver in two fresh processes, at the same time: no exception, identical digests for
   every model, and every dropout layer left is the framework's own with a zero rate;
4. `reprofix revert`: every file of `proj/` is byte for byte what was copied.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import require_framework, run_reprofix

CLIENTS = Path(__file__).resolve().parent / "clients"
RUN_TIMEOUT = 300  # seconds per driver run; each takes well under a minute


def installed_package(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.submodule_search_locations, f"{module} is not an installed package"
    return Path(list(spec.submodule_search_locations)[0])


def copy_source(source: Path, destination: Path) -> None:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def copy_timm(proj: Path) -> None:
    copy_source(installed_package("timm"), proj / "timm")


def copy_mindcv(proj: Path) -> None:
    copy_source(installed_package("mindcv"), proj / "mindcv")


def copy_paddle_vision_models(proj: Path) -> None:
    """`paddle/vision/models/` as `pvision.models`; its `from ..ops import ConvNormActivation` is
    served by a one-line `pvision/ops.py` re-exporting Paddle's own."""
    copy_source(installed_package("paddle") / "vision" / "models", proj / "pvision" / "models")
    (proj / "pvision" / "__init__.py").write_text("")
    (proj / "pvision" / "ops.py").write_text("from paddle.vision.ops import ConvNormActivation\n")


@dataclass(frozen=True)
class Client:
    name: str
    frameworks: tuple[str, ...]
    copy: Callable[[Path], None]  # puts the library's source into proj/
    driver: str
    library: str  # the driver's library file, relative to proj/
    # Dropout layers each model holds once its rate arguments are zero (the framework's own class,
    # zero rate); a model without dropout in the original is the same in both runs.
    dropout_layers_after: dict[str, int]
    without_dropout: frozenset[str] = frozenset()


CLIENTS_UNDER_TEST = {
    "timm": Client(
        "timm", ("torch", "torchvision", "timm"), copy_timm, "timm_models.py", "timm/__init__.py",
        # timm builds its nn.Dropout layers whatever the rate (pos_drop, attn_drop, proj_drop, the
        # MLP's two, head_drop); ResNet applies F.dropout in forward_head and holds none.
        {"vit": 50, "deit": 50, "swin": 49, "resnet": 0},
    ),
    "mindcv": Client(
        "mindcv", ("mindspore", "mindcv"), copy_mindcv, "mindcv_models.py", "mindcv/__init__.py",
        # mindcv's own Dropout (a subclass of mindspore.nn.Dropout) whatever the rate, but the two
        # DropPath layers (each holding one) only while drop_path_rate > 0; MobileNetV3's classifier
        # holds one with a fixed p=0.2.
        {"vit": 8, "mobilenet_v3": 1},
    ),
    "paddle": Client(
        "paddle", ("paddle",), copy_paddle_vision_models, "paddle_vision_models.py",
        "pvision/models/__init__.py",
        # MobileNetV2's nn.Dropout(0.2) and SqueezeNet's Dropout(p=0.5) are fixed; DenseNet builds
        # its Dropout layers only `if dropout:`, and the driver's dropout=0.1 becomes 0.0.
        {"mobilenet_v2": 1, "squeezenet": 1, "densenet": 0, "resnet": 0},
        without_dropout=frozenset({"resnet"}),
    ),
}


@dataclass(repr=False)
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def result(self) -> dict:
        return json.loads(self.stdout.strip().splitlines()[-1])

    def __repr__(self) -> str:
        return f"<run: exit {self.returncode}>"

    def failure(self) -> str | None:
        if self.returncode == 0 and self.stdout.strip():
            return None
        return f"exit {self.returncode}; stderr ends:\n" + "\n".join(self.stderr.strip().splitlines()[-12:])


def snapshot(folder: Path) -> dict[str, bytes]:
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in files}


def run_driver(proj: Path, processes: int, passes: int) -> list[Run]:
    """Fresh processes, all at once, importing the copy in proj/ (the script's folder comes first on
    sys.path) and writing no bytecode into it."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(PYTHONDONTWRITEBYTECODE="1", GLOG_v="3")  # GLOG_v: MindSpore's log, errors only
    command = [sys.executable, "run_models.py", "--passes", str(passes)]
    started = [
        subprocess.Popen(command, cwd=proj, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(processes)
    ]
    runs = []
    for process in started:
        try:
            stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            stderr += f"\n(killed after {RUN_TIMEOUT} s)"
        runs.append(Run(process.returncode, stdout, stderr))
    return runs


def library_of(result: dict, proj: Path) -> str:
    return Path(result["library"]).resolve().relative_to(proj.resolve()).as_posix()


def original_differs(client: Client, proj: Path, run: Run) -> list[str]:
    """The original driver, two passes under two seeds: every model with dropout differs."""
    if run.failure():
        return [f"the original driver failed: {run.failure()}"]
    result = run.result
    if library_of(result, proj) != client.library:
        return [f"the original driver imported {result['library']}, not the copy"]
    first, second = result["digests"]
    differing = {name for name in first if first[name] != second[name]}
    expected = set(first) - client.without_dropout
    if differing != expected:
        return [f"the original driver differs from seed to seed in {sorted(differing)}, not {sorted(expected)}: "
                "the check has no teeth"]
    return []


def apply_seeds_only_the_driver(applied: subprocess.CompletedProcess) -> list[str]:
    problems = []
    if applied.returncode != 0:
        problems.append(f"apply exited {applied.returncode}: {applied.stderr.strip()}")
    entries = applied.stdout.splitlines()[0] if applied.stdout else ""
    if entries != "Entry scripts (seed block): proj/run_models.py":
        problems.append(f"apply's entry scripts are not the driver alone: {entries!r}")
    return problems


def rewritten_runs_and_agrees(client: Client, proj: Path, runs: list[Run]) -> list[str]:
    """The rewritten driver in two fresh processes: no exception, identical digests, and every dropout
    layer left is the framework's own with a zero rate."""
    failures = list(dict.fromkeys(failure for failure in (run.failure() for run in runs) if failure))
    if failures:
        return [f"the rewritten driver failed ({len(runs)} processes, {len(failures)} distinct error(s)): {failure}"
                for failure in failures]
    first, second = (run.result for run in runs)
    problems = []
    if library_of(first, proj) != client.library:
        problems.append(f"the rewritten driver imported {first['library']}, not the copy")
    (first_digests,), (second_digests,) = first["digests"], second["digests"]
    differing = sorted(name for name in first_digests if first_digests[name] != second_digests[name])
    if differing:
        problems.append(f"after apply, two processes still differ in {differing}")
    expected = {name: [0.0] * count for name, count in client.dropout_layers_after.items()}
    if first["dropout_rates"] != expected:
        problems.append(f"dropout layers after apply (rates per model): {first['dropout_rates']}, "
                        f"expected {expected}")
    return problems


def revert_restores(reverted: subprocess.CompletedProcess, original: dict, restored: dict) -> list[str]:
    if reverted.returncode != 0:
        return [f"revert exited {reverted.returncode}: {reverted.stdout.strip()} {reverted.stderr.strip()}"]
    if restored.keys() != original.keys():
        return [f"after revert, files added {sorted(restored.keys() - original.keys())}, "
                f"missing {sorted(original.keys() - restored.keys())}"]
    changed = [path for path in original if restored[path] != original[path]]
    return [f"after revert, not byte for byte: {changed}"] if changed else []


@pytest.mark.framework
@pytest.mark.parametrize("name", CLIENTS_UNDER_TEST)
def test_real_client_rewritten_runs_reproducibly_and_reverts(tmp_path: Path, name: str):
    client = CLIENTS_UNDER_TEST[name]
    for module in client.frameworks:
        require_framework(module)
    proj = tmp_path / "proj"
    client.copy(proj)
    shutil.copy(CLIENTS / client.driver, proj / "run_models.py")
    original = snapshot(proj)

    (before,) = run_driver(proj, processes=1, passes=2)
    problems = original_differs(client, proj, before)
    applied = run_reprofix("apply", "proj", cwd=tmp_path)
    problems += apply_seeds_only_the_driver(applied)
    if (tmp_path / "reprofix.patch").exists():  # written even when some file could not be processed
        problems += rewritten_runs_and_agrees(client, proj, run_driver(proj, processes=2, passes=1))
        reverted = run_reprofix("revert", cwd=tmp_path)
        problems += revert_restores(reverted, original, snapshot(proj))
    else:
        problems.append("apply wrote no patch")
    assert not problems, f"{name}:\n- " + "\n- ".join(problems)


def _verified_losses(proj: Path) -> list:
    """Two runs of the driver under `reprofix verify`: they must agree; their first 3 losses."""
    result = run_reprofix("verify", "--json", "--steps", "3", "--", sys.executable, "train.py", cwd=proj,
                          env={"PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1"}, check_code=None)
    data = json.loads(result.stdout)
    assert data["verdict"] == "reproducible", (data["verdict"], result.stderr[-2000:])
    return data["runs"][0]["losses"][:3]


@pytest.mark.framework
def test_timm_training_transforms_keep_their_augmentation_and_agree_under_keep_randomness(tmp_path: Path):
    """timm's own training transforms with augmentation on (RandAugment, random resized crop, flip,
    colour jitter, random erasing) feeding a shuffling DataLoader with 2 workers and a model with
    dropout, timm copied into the project. `apply --keep-randomness` takes none of it out (no file
    of timm's transforms changes; no rule that removes randomness fires), and two runs agree; a plain
    apply's runs agree on other losses (the augmentation acted); revert restores every file."""
    from transforms.options import REMOVES_RANDOMNESS

    for module in CLIENTS_UNDER_TEST["timm"].frameworks:
        require_framework(module)
    proj = tmp_path / "proj"
    proj.mkdir()
    copy_timm(proj)
    shutil.copy(CLIENTS / "timm_training.py", proj / "train.py")
    original = snapshot(proj)
    result = run_reprofix("apply", "--keep-randomness", ".", cwd=proj, check_code=0)
    fired = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("  ") and ":" in line}
    assert fired and not fired & REMOVES_RANDOMNESS, sorted(fired)
    after = snapshot(proj)
    augmentation = [f for f in original if f.startswith("timm/data/") and ("transform" in f or "augment" in f
                                                                         or "random_erasing" in f)]
    assert len(augmentation) > 3 and all(after[f] == original[f] for f in augmentation)
    kept = _verified_losses(proj)

    run_reprofix("revert", cwd=proj, check_code=0)
    assert snapshot(proj) == original
    run_reprofix("apply", ".", cwd=proj, check_code=0)
    assert snapshot(proj) != after
    assert _verified_losses(proj) != kept, "with --keep-randomness the augmentation still acts"
    run_reprofix("revert", cwd=proj, check_code=0)
    assert snapshot(proj) == original
