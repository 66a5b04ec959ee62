"""Whole projects: import following, directories, scan, configuration, and parallel runs."""

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLES, run_reprofix

MS = "import mindspore\nfrom mindspore import nn\n"
DROPOUT = "layer = nn.Dropout(p=0.5)\n"


def write(root: Path, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def scan_json(*args, cwd: Path) -> dict:
    result = run_reprofix("scan", "--json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    write(root, {
        "pyproject.toml": "[project]\nname = 'proj'\n",
        "train.py": MS + "import pkg.sub.mod\nfrom pkg import other\nfrom helpers import helper\n"
                    "import sys\nsys.path.append('extra')\nimport hidden\nimport numpy\n" + DROPOUT,
        "pkg/__init__.py": "",
        "pkg/sub/__init__.py": "",
        "pkg/sub/mod.py": MS + "from ..rel import x\nfrom . import sibling\n" + DROPOUT,
        "pkg/rel.py": MS + DROPOUT,
        "pkg/sub/sibling.py": MS + DROPOUT,
        "pkg/other.py": MS + DROPOUT,
        "pkg/unused.py": MS + DROPOUT,
        "helpers.py": "import os\nhelper = os.sep\n",
        "extra/hidden.py": MS + DROPOUT,
    })
    write(tmp_path, {"outside.py": MS + DROPOUT})
    return root


def test_entry_script_pulls_in_its_project_imports(project: Path):
    report = scan_json("train.py", cwd=project)
    assert report["files"] == [
        "helpers.py", "pkg/__init__.py", "pkg/other.py", "pkg/rel.py", "pkg/sub/__init__.py",
        "pkg/sub/mod.py", "pkg/sub/sibling.py", "train.py",
    ]
    assert report["entry_scripts"] == ["train.py"]
    rules = {(f["path"], f["rule"]) for f in report["findings"]}
    assert ("train.py", "RP001") in rules  # sys.path trick reported, its import not guessed
    assert ("pkg/sub/sibling.py", "MS201") in rules


def test_in_a_folder_an_entry_script_is_a_root_of_the_import_graph(tmp_path: Path):
    """A module with a `__main__` guard that another file imports (a self-test at its end) is not an
    entry script: only the roots of the project's import graph, and --entry files, get the block."""
    write(tmp_path, {
        "pyproject.toml": "",
        "train.py": "from src.trainer import train\n\nif __name__ == '__main__':\n    train()\n",
        "src/__init__.py": "",
        "src/trainer.py": MS + "from .model import Net\n\ndef train():\n    return Net()\n\n"
                          "if __name__ == '__main__':\n    train()\n",
        "src/model.py": MS + "class Net(nn.Cell):\n    pass\n",
        "tools/export.py": MS + "if __name__ == '__main__':\n    pass\n",
        "tools/helper.py": "if __name__ == '__main__':\n    pass\n",
    })
    report = scan_json(".", cwd=tmp_path)
    assert report["entry_scripts"] == ["tools/export.py", "train.py"]  # helper.py: no framework to seed
    (block,) = [f for f in report["findings"] if f["rule"] == "MS001" and f["path"] == "train.py"]
    assert block["message"] == ("no seed is set before the first random draw: add the seed block (also mindspore "
                                "through src/trainer.py) (reprofix apply fixes this)")
    assert not [f for f in report["findings"] if f["rule"] == "MS001" and f["path"].startswith("src/")]
    report = scan_json(".", "--entry", "src/model.py", cwd=tmp_path)
    assert report["entry_scripts"] == ["src/model.py", "tools/export.py", "train.py"]


def test_an_entry_script_seeds_what_its_project_modules_use(tmp_path: Path):
    """`from ppcls.engine import Engine`: the framework is reached only through project modules."""
    write(tmp_path, {
        "pyproject.toml": "",
        "tools/train.py": "from ppcls.engine import Engine\n\nEngine().train()\n",
        "ppcls/__init__.py": "",
        "ppcls/engine.py": "from ppcls.loss import build\n\nclass Engine:\n    def train(self):\n        build()\n",
        "ppcls/loss.py": "import paddle\nimport torch\n\ndef build():\n    return paddle.zeros([1])\n",
    })
    result = run_reprofix("apply", "tools/train.py", cwd=tmp_path, check_code=0)
    assert ("tools/train.py:2:1  PT001  seed block inserted (also pytorch through ppcls/loss.py, "
            "paddle through ppcls/loss.py)") in result.stdout
    text = (tmp_path / "tools/train.py").read_text()
    assert "paddle.seed(1)" in text and "torch.manual_seed(1)" in text
    run_reprofix("revert", cwd=tmp_path, check_code=0)


def test_a_module_importing_no_framework_takes_the_rules_of_the_files_that_import_it(tmp_path: Path):
    """mindyolo's dataset.py and ssd.pytorch's augmentations are plain NumPy (`from numpy import
    random`): their per-sample draws are the framework's data pipeline all the same, and a config
    module's rates are the model's. A file nobody imports that imports no framework gets no rules."""
    write(tmp_path, {
        "pyproject.toml": "",
        "train.py": "import torch\nfrom data.augment import Expand\nfrom config import cfg\n\n"
                    "if __name__ == '__main__':\n    print(Expand(), cfg)\n",
        "data/__init__.py": "",
        "data/augment.py": "from numpy import random\n\n\nclass Expand:\n    def __call__(self, image, boxes):\n"
                           "        if random.randint(2):\n            return image, boxes\n"
                           "        ratio = random.uniform(1, 4)\n        return image * ratio, boxes\n",
        "config.py": "cfg = dict(lr=0.1, drop_path_rate=0.2)\n",
        "tools/stats.py": "import random\n\n\ndef jitter(image):\n    return image * random.random()\n",
    })
    report = scan_json(".", cwd=tmp_path)
    found = sorted((f["path"], f["line"], f["col"], f["rule"], f["message"]) for f in report["findings"])
    assert found == [
        ("config.py", 1, 20, "PT204",
         "a dropout rate is set: pass drop_path_rate=0.0 to dict (reprofix apply fixes this)"),
        ("data/augment.py", 6, 12, "PT206",
         "Expand.__call__ draws at random per sample (random.randint()): an augmentation of the project's, which "
         "reprofix leaves alone; take it out of the pipeline or make it a no-op while debugging"),
        ("train.py", 4, 1, "PT001", "no seed is set before the first random draw: add the seed block (reprofix apply "
         "fixes this)"),
    ]


def test_a_sys_path_computed_from_the_script_location_is_followed(tmp_path: Path):
    """PaddleClas and PaddleDetection: no setup.py nor .git, and `tools/train.py` reaches `ppcls`
    through the folder it adds to sys.path from its own location; a folder from the environment is
    not guessed, and stays reported (RP001)."""
    write(tmp_path, {
        "tools/train.py": "import os\nimport sys\n__dir__ = os.path.dirname(os.path.abspath(__file__))\n"
                          "sys.path.append(os.path.abspath(os.path.join(__dir__, '../')))\n"
                          "sys.path.append(os.environ['EXTRA'])\n"
                          "import paddle\nfrom ppcls.engine import Engine\n\nEngine().train()\n",
        "ppcls/__init__.py": "",
        "ppcls/engine.py": "import paddle\nfrom paddle import nn\n\n\nclass Engine:\n    def train(self):\n"
                           "        return nn.Dropout(0.5)\n",
    })
    report = scan_json("tools/train.py", cwd=tmp_path)
    assert report["files"] == ["ppcls/__init__.py", "ppcls/engine.py", "tools/train.py"]
    found = sorted((f["path"], f["line"], f["rule"]) for f in report["findings"])
    assert found == [("ppcls/engine.py", 7, "PD201"), ("tools/train.py", 5, "RP001"), ("tools/train.py", 8, "PD001")]


def test_a_project_subclass_is_followed_across_its_imports(tmp_path: Path):
    """`class MyLoader(DataLoader): pass` in one module takes DataLoader's arguments wherever it is
    imported (absolutely or relatively); a subclass with its own __init__ is fixed in its super call."""
    write(tmp_path, {
        "pyproject.toml": "",
        "src/__init__.py": "",
        "src/loader.py": "from torch.utils.data import DataLoader\nclass MyLoader(DataLoader):\n    pass\n"
                         "class Wrapped(DataLoader):\n    def __init__(self, data):\n"
                         "        super().__init__(data, shuffle=True, num_workers=0)\n",
        "src/data.py": "import torch\nfrom src.loader import MyLoader, Wrapped\nfrom .loader import MyLoader as Same\n\n"
                       "def make(ds):\n    return MyLoader(ds), Same(ds, batch_size=2), Wrapped(ds)\n",
    })
    report = scan_json("src", cwd=tmp_path)
    found = sorted((f["path"], f["line"], f["col"], f["rule"]) for f in report["findings"])
    assert found == [
        ("src/data.py", 6, 12, "PT105"), ("src/data.py", 6, 12, "PT108"), ("src/data.py", 6, 26, "PT105"),
        ("src/data.py", 6, 26, "PT108"), ("src/loader.py", 6, 9, "PT105"),
    ]


def test_apply_rewrites_the_project_and_revert_restores_every_file(project: Path):
    before = {p: p.read_bytes() for p in project.rglob("*.py")}
    outside = (project.parent / "outside.py").read_bytes()
    result = run_reprofix("apply", "train.py", cwd=project, check_code=0)
    assert "Entry scripts (seed block): train.py" in result.stdout
    assert "mindspore.set_seed(1)" in (project / "train.py").read_text()
    for name in ("pkg/rel.py", "pkg/sub/mod.py", "pkg/other.py"):
        text = (project / name).read_text()
        assert "nn.Dropout(p=0.0)" in text and "set_seed" not in text  # seed block only in the entry
    assert (project / "pkg/unused.py").read_bytes() == before[project / "pkg/unused.py"]
    assert (project / "extra/hidden.py").read_bytes() == before[project / "extra/hidden.py"]
    assert (project.parent / "outside.py").read_bytes() == outside
    run_reprofix("revert", cwd=project, check_code=0)
    assert {p: p.read_bytes() for p in project.rglob("*.py")} == before


def test_imports_outside_the_current_directory_are_not_rewritten(project: Path):
    """apply writes only inside the current folder; scan, which writes nothing, reads the import too."""
    write(project, {"app/run.py": MS + "from pkg import other\nif __name__ == '__main__':\n    pass\n"})
    dry = run_reprofix("apply", "--dry-run", "run.py", cwd=project / "app", check_code=0)
    assert f"{project / 'pkg' / 'other.py'}: imported by run.py but outside the current directory; not rewritten" \
        in dry.stderr
    assert "other.py" not in dry.stdout
    report = scan_json("run.py", cwd=project / "app")
    assert report["files"] == ["run.py", "../pkg/__init__.py", "../pkg/other.py"]


def test_no_follow_keeps_to_the_named_files(project: Path):
    assert scan_json("--no-follow", "train.py", cwd=project)["files"] == ["train.py"]


def test_directories_skip_what_they_should(tmp_path: Path):
    write(tmp_path, {
        ".gitignore": "ignored.py\ngenerated/\n",
        "main.py": MS + DROPOUT + "if __name__ == '__main__':\n    pass\n",
        "lib.py": MS + DROPOUT,
        "ignored.py": MS + DROPOUT,
        "generated/g.py": MS + DROPOUT,
        "gen/x.py": MS + DROPOUT,
        ".hidden/h.py": MS + DROPOUT,
        "venv/pyvenv.cfg": "",
        "venv/lib/v.py": MS + DROPOUT,
        "myenv/pyvenv.cfg": "",
        "myenv/v.py": MS + DROPOUT,
        "build/b.py": MS + DROPOUT,
        "tool.egg-info/e.py": MS + DROPOUT,
        "sub/script.py": MS + DROPOUT + "if __name__ == \"__main__\":\n    pass\n",
        "sub/plain.py": "print('no framework')\nif __name__ == '__main__':\n    pass\n",
    })
    report = scan_json(".", "--exclude", "gen/", cwd=tmp_path)
    assert report["files"] == ["lib.py", "main.py", "sub/plain.py", "sub/script.py"]
    assert report["entry_scripts"] == ["main.py", "sub/script.py"]
    report = scan_json(".", "--exclude", "gen/", "--entry", "lib.py", cwd=tmp_path)
    assert report["entry_scripts"] == ["lib.py", "main.py", "sub/script.py"]


def test_scan_reports_and_exits_as_documented(tmp_path: Path):
    write(tmp_path, {"train.py": MS + DROPOUT + "lr = __import__('random').random()\n", "clean.py": MS})
    result = run_reprofix("scan", "--json", "train.py", cwd=tmp_path, check_code=1)
    data = json.loads(result.stdout)
    assert data["would_change"] == ["train.py"]
    (finding,) = [f for f in data["findings"] if f["rule"] == "MS201"]
    assert finding == {
        "path": "train.py", "line": 3, "col": 9, "rule": "MS201", "name": "dropout-layer",
        "kind": "rewrite", "fixed_by_apply": True,
        "message": "dropout draws a new mask every step: pass p=0.0 to Dropout (reprofix apply fixes this)",
    }
    assert (tmp_path / "train.py").read_text() == MS + DROPOUT + "lr = __import__('random').random()\n"
    run_reprofix("scan", "--no-follow", "--entry", "clean.py", "clean.py", cwd=tmp_path, check_code=1)  # seed block
    write(tmp_path, {"clean/lib.py": "import mindspore\nx = 1\n"})  # a folder: no entry script
    human = run_reprofix("scan", "clean", cwd=tmp_path, check_code=0)
    assert "0 source(s) `reprofix apply` would fix" in human.stdout
    run_reprofix("scan", "--leftovers", "train.py", cwd=tmp_path, check_code=0)
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    result = run_reprofix("scan", "--leftovers", "train.py", cwd=tmp_path, check_code=1)
    assert "train.py:4:1  RP002" in result.stdout
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    run_reprofix("scan", "--leftovers", "train.py", cwd=tmp_path, check_code=0)


@pytest.mark.parametrize("config, message", [
    ("[tool.reprofix]\nsed = 3\n", "unknown key 'sed'"),
    ("[tool.reprofix]\nseed = 'one'\n", "seed must be a whole number"),
    ("[tool.reprofix]\ndisable = ['MS999']\n", "unknown rule id(s) MS999"),
    ("[tool.reprofix]\nexclude = 'build'\n", "exclude must be a list of strings"),
    ("[tool.reprofix\n", "not valid TOML"),
])
def test_configuration_errors_are_one_line_and_exit_2(tmp_path: Path, config: str, message: str):
    write(tmp_path, {"pyproject.toml": config, "train.py": MS + DROPOUT})
    for command in (["apply", "train.py"], ["scan", "train.py"]):
        result = run_reprofix(*command, cwd=tmp_path, check_code=2)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (tmp_path / "train.py").read_text() == MS + DROPOUT


def test_configuration_is_used_and_the_command_line_wins(tmp_path: Path):
    write(tmp_path, {
        "pyproject.toml": "[tool.reprofix]\nseed = 42\ndisable = ['MS201']\n"
                          "dropout-classes = ['layers.DropPath']\npatch = 'out/changes.patch'\n",
        "layers.py": "class DropPath:\n    pass\n",
        "train.py": MS + "from layers import DropPath\n" + DROPOUT + "path = DropPath(0.1)\n"
                    "noise = __import__('mindspore').ops.StandardNormal()\n",
    })
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    text = (tmp_path / "train.py").read_text()
    assert "mindspore.set_seed(42)" in text
    assert "nn.Dropout(p=0.5)" in text  # MS201 disabled
    assert (tmp_path / "out" / "changes.patch").exists()
    run_reprofix("revert", cwd=tmp_path, check_code=0)  # the configured patch path
    run_reprofix("apply", "--seed", "7", "train.py", cwd=tmp_path, check_code=0)
    assert "mindspore.set_seed(7)" in (tmp_path / "train.py").read_text()


def test_configured_dropout_class_becomes_a_no_op(tmp_path: Path):
    write(tmp_path, {
        "pyproject.toml": "[tool.reprofix]\ndropout-classes = ['DropPath', 'layers.Stochastic:rate', "
                          "'Local:drop_prob']\nrandom-data-ops = ['aug.RandomBlur']\n",
        "train.py": MS + "import mindspore.dataset.vision as V\nfrom aug import RandomBlur\nfrom layers import Stochastic\n"
                    "class DropPath(nn.Cell):\n    pass\n"
                    "class Local(nn.Cell):\n    def __init__(self, width, drop_prob=0.1):\n        pass\n"
                    "path = DropPath(0.1)\nops = [RandomBlur(3), V.HWC2CHW()]\n"
                    "a = Stochastic(rate=0.2)\nb = Stochastic(0.2)\nc = Local(8, 0.3)\n",
    })
    result = run_reprofix("apply", "--no-follow", "train.py", cwd=tmp_path, check_code=0)
    text = (tmp_path / "train.py").read_text()
    assert "path = nn.Identity()" in text and "ops = [V.HWC2CHW()]" in text
    assert "a = Stochastic(rate=0.0)\nb = Stochastic(0.2)\n" in text and "c = Local(8, 0.0)\n" in text
    assert "train.py:14:5  MS201  Stochastic gets positional arguments: set its rate to 0.0 by hand" in result.stdout


def test_parallel_runs_give_identical_output(tmp_path: Path):
    for copy in ("a", "b"):
        tree = tmp_path / copy
        for i in range(12):
            shutil.copy(SAMPLES / "mindspore_train.py", tree / f"m{i:02d}.py") if tree.exists() else (
                tree.mkdir(), shutil.copy(SAMPLES / "mindspore_train.py", tree / f"m{i:02d}.py"))
        shutil.copytree(SAMPLES / "mindspore_project", tree / "project")
        (tree / "broken.py").write_text("import mindspore\nd = nn.Dropout(0.5)\nprint 'x'\n")
    one = run_reprofix("apply", "--dry-run", "-j1", ".", cwd=tmp_path / "a", check_code=1)
    two = run_reprofix("apply", "--dry-run", "-j2", ".", cwd=tmp_path / "b", check_code=1)
    assert one.stdout == two.stdout and one.stderr == two.stderr
    run_reprofix("apply", "-j1", ".", cwd=tmp_path / "a", check_code=1)
    run_reprofix("apply", "-j2", ".", cwd=tmp_path / "b", check_code=1)
    def without_run_id(patch: Path) -> bytes:  # the run id names one run's temporary files
        return re.sub(rb"(?m)^# reprofix-run: \w+$", b"", patch.read_bytes())

    assert without_run_id(tmp_path / "a" / "reprofix.patch") == without_run_id(tmp_path / "b" / "reprofix.patch")


@pytest.mark.parametrize("files, started", [(3, False), (4, True)])
def test_the_workers_start_while_the_folder_is_walked_once_it_holds_enough_files(tmp_path: Path, files, started,
                                                                                monkeypatch):
    from codemod import engine

    monkeypatch.chdir(tmp_path)
    write(tmp_path, {f"m{i}.py": MS + DROPOUT for i in range(files)})
    runner = engine.Runner(engine.Request(["."], jobs=2), tmp_path)
    try:
        assert len(runner.select(engine.ApplyResult())) == files
        assert (runner.pool is not None) == started
    finally:
        runner.stop_pool()
    result = engine.Runner(engine.Request(["."], jobs=2), tmp_path).run()
    assert [f.path for f in result.files if f.changed] == [f"m{i}.py" for i in range(files)]
