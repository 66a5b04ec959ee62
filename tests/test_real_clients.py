"""Real clients: published model libraries nobody here wrote, rewritten by `reprofix apply` and run.

For each library (timm on PyTorch, mindcv on MindSpore, Paddle's own vision models) the installed
package source is copied into `proj/`, beside a driver script `proj/run_models.py` (from
`tests/clients/`) that imports the copy, builds a few models with dropout in train mode and runs
forward and backward on a fixed input. The weights come from a build under seed 0; every other random
state comes from os.urandom, so only randomness reprofix failed to remove can make two processes
differ. The driver prints a digest of each model's outputs and gradients, and the rate of each of its
dropout layers.

The scenario, run once per library:
1. the original driver, building and running every model twice in one process, each time under a new
   seed from os.urandom: the models with dropout differ (the harness has teeth);
2. `reprofix apply proj` (folder mode): the driver is the only entry script;
3. the rewritten driver in two fresh processes, at the same time: no exception, identical digests for
   every model, and every dropout layer left is the framework's own with a zero rate;
4. `reprofix revert`: every file of `proj/` is byte for byte what was copied.
Each property is its own test, so a failure names what broke.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
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
    copy: object  # (proj: Path) -> None
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
    def result(self) -> dict | None:
        lines = self.stdout.strip().splitlines()
        if self.returncode != 0 or not lines:
            return None
        return json.loads(lines[-1])

    def __repr__(self) -> str:
        return f"<run: exit {self.returncode}>"

    def describe(self) -> str:
        return f"exit {self.returncode}; stderr ends:\n" + "\n".join(self.stderr.strip().splitlines()[-15:])


@dataclass(repr=False)
class Scenario:
    client: Client
    proj: Path
    before: list[Run] = field(default_factory=list)
    applied: subprocess.CompletedProcess | None = None
    after: list[Run] = field(default_factory=list)
    reverted: subprocess.CompletedProcess | None = None
    original: dict[str, bytes] = field(default_factory=dict)
    restored: dict[str, bytes] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<{self.client.name} in {self.proj}>"


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


@pytest.fixture(scope="module", params=[
    pytest.param(name, marks=pytest.mark.xdist_group(f"real-client-{name}")) for name in CLIENTS_UNDER_TEST
])
def scenario(request, tmp_path_factory) -> Scenario:
    client = CLIENTS_UNDER_TEST[request.param]
    for module in client.frameworks:
        require_framework(module)
    work = tmp_path_factory.mktemp(client.name)
    proj = work / "proj"
    client.copy(proj)
    shutil.copy(CLIENTS / client.driver, proj / "run_models.py")
    scenario = Scenario(client, proj, original=snapshot(proj))
    scenario.before = run_driver(proj, processes=1, passes=2)
    scenario.applied = run_reprofix("apply", "proj", cwd=work)
    if (work / "reprofix.patch").exists():  # written even when some file could not be processed
        scenario.after = run_driver(proj, processes=2, passes=1)
        scenario.reverted = run_reprofix("revert", cwd=work)
    scenario.restored = snapshot(proj)
    return scenario


def results(runs: list[Run]) -> list[dict]:
    assert runs, "apply wrote no patch, so the rewritten driver was not run (see test_apply_seeds_only_the_driver)"
    for run in runs:
        assert run.returncode == 0, run.describe()
    return [run.result for run in runs]


def library_of(result: dict, scenario: Scenario) -> str:
    return Path(result["library"]).resolve().relative_to(scenario.proj.resolve()).as_posix()


@pytest.mark.framework
def test_the_original_differs_from_seed_to_seed(scenario: Scenario):
    (result,) = results(scenario.before)
    assert library_of(result, scenario) == scenario.client.library  # the copy, not the installed package
    first, second = result["digests"]
    differing = {name for name in first if first[name] != second[name]}
    assert differing == set(first) - scenario.client.without_dropout


@pytest.mark.framework
def test_apply_seeds_only_the_driver(scenario: Scenario):
    applied = scenario.applied
    assert applied.returncode == 0, (applied.stdout[-3000:], applied.stderr[-3000:])
    assert applied.stdout.splitlines()[0] == "Entry scripts (seed block): proj/run_models.py"


@pytest.mark.framework
def test_the_rewritten_models_run_and_agree(scenario: Scenario):
    first, second = results(scenario.after)
    assert library_of(first, scenario) == scenario.client.library
    assert first["digests"] == second["digests"]


@pytest.mark.framework
def test_dropout_layers_stay_with_a_zero_rate(scenario: Scenario):
    first, _ = results(scenario.after)
    expected = {name: [0.0] * count for name, count in scenario.client.dropout_layers_after.items()}
    assert first["dropout_rates"] == expected


@pytest.mark.framework
def test_revert_restores_every_file(scenario: Scenario):
    assert scenario.reverted is not None, "apply wrote no patch, so there was nothing to revert"
    assert scenario.reverted.returncode == 0, (scenario.reverted.stdout, scenario.reverted.stderr)
    assert scenario.restored.keys() == scenario.original.keys()
    changed = [path for path in scenario.original if scenario.restored[path] != scenario.original[path]]
    assert changed == []
