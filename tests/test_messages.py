"""Messages as a user reads them: the next command after a result, clear refusals of bad input,
scan's findings as problems with their fix, counts that are right, colour only on a terminal."""

import json
import shutil
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES, require_framework, run_reprofix

PY = sys.executable

TORCH = ("import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n"
         "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
         "        self.drop = nn.Dropout(p=0.5)\n\n"
         "    def forward(self, x):\n        return F.dropout(self.drop(x), p=0.2)\n")


def test_leftovers_count_every_marked_line(tmp_path: Path):
    """The seed block's two marker lines and the two `# [reprofix ...]` comments: four lines."""
    (tmp_path / "train.py").write_text(TORCH)
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    marked = [line for line in (tmp_path / "train.py").read_text().splitlines()
              if line.startswith(("# >>> reprofix", "# <<< reprofix", "# [reprofix ")) or "# [reprofix " in line]
    assert len(marked) == 4
    result = run_reprofix("scan", "--leftovers", "train.py", cwd=tmp_path, check_code=1)
    assert "RP002  reprofix changes are in this file (4 marked line(s)); `reprofix revert` takes them out\n" \
        in result.stdout


def test_scan_reads_outside_the_current_folder_and_apply_still_refuses(tmp_path: Path):
    """scan writes nothing: from a subfolder it reads `../train.py` and the project module it imports;
    apply, which writes, still refuses a path outside the current folder."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "__init__.py").write_text("")
    (tmp_path / "src" / "model.py").write_text("from torch import nn\n\nlayer = nn.Dropout(p=0.5)\n")
    (tmp_path / "train.py").write_text("import torch\nfrom src.model import layer\n\n"
                                       "if __name__ == '__main__':\n    print(layer)\n")
    (tmp_path / "tools").mkdir()
    scan = run_reprofix("scan", "--json", "../train.py", cwd=tmp_path / "tools", check_code=1)
    data = json.loads(scan.stdout)
    assert data["files"] == ["../src/__init__.py", "../src/model.py", "../train.py"]
    assert [(f["path"], f["line"], f["rule"]) for f in data["findings"]] == [
        ("../src/model.py", 3, "PT201"), ("../train.py", 3, "PT001")]
    assert scan.stderr == ""
    (tmp_path / ".git").rmdir()  # no project marker: the folder holding both is the root
    scan = run_reprofix("scan", "../train.py", cwd=tmp_path / "tools", check_code=1)
    assert "../src/model.py:3:9  PT201" in scan.stdout
    apply = run_reprofix("apply", "../train.py", cwd=tmp_path / "tools", check_code=2)
    assert apply.stderr == ("reprofix: ../train.py: leads outside the current directory; reprofix writes only "
                            "inside it: run it from the project root\n")
    assert (tmp_path / "src" / "model.py").read_text() == "from torch import nn\n\nlayer = nn.Dropout(p=0.5)\n"


NOT_OURS = ("not a Python file, notebook or YAML configuration (.py, .ipynb, .yaml, .yml, or a script whose first "
            "line runs python); reprofix reads only those")


def test_a_named_file_that_is_not_python_is_refused_in_one_line(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("import torch\nshuffle=True\n")
    (tmp_path / "train.py").write_text(TORCH)
    for args in (["apply", "notes.txt"], ["scan", "notes.txt"], ["apply", "--entry", "notes.txt", "train.py"]):
        result = run_reprofix(*args, cwd=tmp_path, check_code=2)
        label = "--entry notes.txt" if "--entry" in args else "notes.txt"
        assert result.stderr == f"reprofix: {label}: {NOT_OURS}\n" and result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "train.py"]
    assert (tmp_path / "train.py").read_text() == TORCH
    (tmp_path / "run").write_text("#!/usr/bin/env python3\nimport torch\n")  # a script without .py still is one
    result = run_reprofix("scan", "run", cwd=tmp_path, check_code=1)
    assert "  run:3:1  PT001  " in result.stdout


def test_a_folder_without_python_files_says_so_and_exits_0(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# train.py\n")
    note = ("reprofix: note: docs: no Python file, notebook or YAML configuration in this folder (hidden, ignored and "
            "excluded ones aside); nothing to do\n")
    for command in ("apply", "scan"):
        result = run_reprofix(command, "docs", cwd=tmp_path, check_code=0)
        assert result.stderr == note
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["docs", "index.md"]  # no patch written


@pytest.mark.parametrize("text, problem", [
    ("", "an empty file, not a notebook (a notebook is JSON holding `nbformat`: 4 and its `cells`)"),
    ('{"cells": [', "not a notebook: not valid JSON (Expecting value: line 1 column 12 (char 11))"),
    ("[1, 2]", "not a notebook: its JSON is a list, not an object holding `nbformat`: 4 and its `cells`"),
    ('{"nbformat": null, "cells": []}', "not a notebook: its JSON has no nbformat version (a notebook's top level "
                                        "holds `nbformat`: 4 and its `cells`)"),
    ('{"nbformat": "4", "cells": []}', 'damaged notebook: its `nbformat` is a string ("4"), not the number 4'),
    ('{"nbformat": 3, "worksheets": []}', "notebook format 3, and reprofix reads version 4 only; open and save it in "
                                          "Jupyter to convert it"),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}',
     "damaged notebook: it has no `cells`, where a notebook has a list of cells"),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": 3}',
     "damaged notebook: it has `cells` that is a number, where a notebook has a list of cells"),
])
def test_a_damaged_notebook_says_what_is_wrong(tmp_path: Path, text: str, problem: str):
    (tmp_path / "nb.ipynb").write_text(text)
    for command in ("scan", "apply"):
        result = run_reprofix(command, "nb.ipynb", cwd=tmp_path, check_code=1)
        assert result.stderr == f"reprofix: nb.ipynb: {problem}; file left unchanged\n"
    assert (tmp_path / "nb.ipynb").read_text() == text


def test_a_python_file_named_as_the_command_says_how_to_run_it(tmp_path: Path):
    """`reprofix verify train.py` (the interpreter left out): the file exists, so not "No such file";
    the command to type instead, and nothing is run. So for minimize, and for an executable train.py
    that is not on PATH (a bare name is looked up there only)."""
    train = tmp_path / "train.py"
    train.write_text("open('ran', 'w').close()\nprint('loss: 1.0')\n")
    for mode, args in ((0o644, ["verify", "train.py", "--epochs", "1"]), (0o755, ["verify", "train.py"]),
                       (0o644, ["minimize", "--", "train.py"]), (0o755, ["verify", "--", "./train.py"])):
        train.chmod(mode)
        result = run_reprofix(*args, cwd=tmp_path, check_code=2)
        command, rest = args[0], [a for a in args[1:] if a != "--"]
        assert result.stderr == (f"reprofix: {rest[0]} is a Python file, not a program: run reprofix {command} -- "
                                 f"python {' '.join(rest)}\n")
        assert result.stdout == "" and not (tmp_path / "ran").exists()
    train.write_text("#!/usr/bin/env python3\nopen('ran', 'w').close()\nprint('loss: 1.0')\nprint('loss: 0.5')\n")
    run_reprofix("verify", "--", "./train.py", cwd=tmp_path, check_code=0)  # a script with its #! line is a program
    assert (tmp_path / "ran").exists()


def test_apply_ends_with_the_command_that_checks_it(tmp_path: Path):
    """The one script named; else the one entry script of a folder; else a placeholder. Only when
    something was written."""
    check = "next: reprofix verify -- python {}   (runs it twice and compares the losses)\n"
    (tmp_path / "train.py").write_text(TORCH)
    result = run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    assert result.stdout.endswith("; patch: reprofix.patch (undo: reprofix revert)\n" + check.format("train.py"))
    again = run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    assert "next:" not in again.stdout
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    project = tmp_path / "my project"
    project.mkdir()
    (project / "model.py").write_text(TORCH)
    (project / "run.py").write_text("import torch\nfrom model import Net\n\nif __name__ == '__main__':\n    Net()\n")
    dry = run_reprofix("apply", "--dry-run", "my project", cwd=tmp_path, check_code=0)
    assert "next:" not in dry.stdout
    result = run_reprofix("apply", "my project", cwd=tmp_path, check_code=0)
    assert "Entry scripts (seed block): my project/run.py\n" in result.stdout
    assert result.stdout.endswith(check.format("'my project/run.py'"))
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    (project / "eval.py").write_text("import torch\n\nif __name__ == '__main__':\n    print(torch.rand(1))\n")
    result = run_reprofix("apply", "my project", cwd=tmp_path, check_code=0)
    assert result.stdout.endswith(check.format("<your training script>"))


STEADY = "for step in range(1, 3):\n    print(f'loss: {2.0 / step:.6f}', flush=True)\n"


def test_a_reproducible_verdict_after_apply_names_minimize_then_revert(tmp_path: Path):
    """With a patch applied here, reproducible: minimize (the same command), then revert once the
    bug is found; in the JSON's `next` too. Without one, no next step."""
    (tmp_path / "steady.py").write_text(STEADY)
    passed = run_reprofix("verify", "--", PY, "steady.py", cwd=tmp_path, check_code=0)
    assert "next:" not in passed.stdout
    (tmp_path / "model.py").write_text(TORCH)
    run_reprofix("apply", "model.py", cwd=tmp_path, check_code=0)
    steps = [f"reprofix minimize -- {PY} steady.py   (keeps only the changes of reprofix.patch these runs need)",
             "reprofix revert   (once the bug is found: takes reprofix.patch out; the changes slow training)"]
    passed = run_reprofix("verify", "--", PY, "steady.py", cwd=tmp_path, check_code=0)
    assert passed.stdout.endswith("".join(f"next: {step}\n" for step in steps))
    data = json.loads(run_reprofix("verify", "--json", "--", PY, "steady.py", cwd=tmp_path, check_code=0).stdout)
    assert data["next"] == steps


@pytest.mark.framework
def test_a_located_verdict_without_losses_names_the_next_command(tmp_path: Path):
    """--locate when no loss can be read: the traces' verdict ends with the next command too."""
    require_framework("torch")
    for name in ("locate_torch_forward.py", "locate_torch_train.py"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    command = ("verify", "--locate", "--loss-pattern", r"no such line (\d)", "--", PY, "locate_torch_forward.py")
    result = run_reprofix(*command, cwd=tmp_path, check_code=1)
    assert result.stdout.endswith(
        "verdict: not reproducible: the runs first part at step 1, forward, encoder.jitter (Jitter)\n"
        "next: reprofix apply locate_torch_forward.py   (fixes the randomness reprofix knows: seeds, shuffling, "
        "augmentation, dropout)\n")


PROBLEMS = [  # (line:col, rule, what scan says: the problem now, the fix, who fixes it)
    ("4:1", "PT001", "no seed is set before the first random draw: add the seed block (reprofix apply fixes this)"),
    ("8:21", "PT201", "dropout draws a new mask every step: pass p=0.0 to Dropout (reprofix apply fixes this)"),
    ("11:16", "PT202", "dropout draws a new mask every call: replace dropout(x, ...) with x (reprofix apply fixes "
                       "this)"),
]
NEEDS_YOU = "`lr` is drawn at random (random.uniform): fix the value while debugging"


def test_scan_reports_problems_in_the_present_tense_and_apply_what_it_changed(tmp_path: Path):
    """scan writes nothing: each finding is the problem and its fix, in the text, the JSON and the
    SARIF alike; apply's report (a dry run too) says what it changed."""
    (tmp_path / "train.py").write_text(TORCH + "import random\nlr = random.uniform(0.1, 0.2)\n")
    text = run_reprofix("scan", "train.py", cwd=tmp_path, check_code=1).stdout
    assert text == ("Entry scripts (seed block): train.py\nApply fixes:\n"
                    + "".join(f"  train.py:{where}  {rule}  {message}\n" for where, rule, message in PROBLEMS)
                    + f"Needs you:\n  train.py:13:6  PT301  {NEEDS_YOU}\n"
                    "reprofix scan: 1 file(s), 3 source(s) `reprofix apply` would fix in 1 file(s), 1 need you\n")
    messages = [message for _, _, message in PROBLEMS] + [NEEDS_YOU]
    data = json.loads(run_reprofix("scan", "--json", "train.py", cwd=tmp_path, check_code=1).stdout)
    assert [f["message"] for f in data["findings"]] == messages
    sarif = json.loads(run_reprofix("scan", "--format", "sarif", "train.py", cwd=tmp_path, check_code=1).stdout)
    assert [r["message"]["text"] for r in sarif["runs"][0]["results"]] == messages
    dry = run_reprofix("apply", "--dry-run", "train.py", cwd=tmp_path, check_code=0).stdout
    assert ("Changed:\n  train.py:4:1  PT001  seed block inserted\n  train.py:8:21  PT201  Dropout: p=0.0\n"
            "  train.py:11:16  PT202  dropout(x, ...) -> x\n") in dry


def test_every_change_a_rule_makes_reads_as_a_fix_in_scan():
    """Each rewrite rule has its problem, and each message its examples' rewrites give has a form scan
    turns into a fix (a new form of message would otherwise be printed as apply words it)."""
    from codemod.engine import all_rules
    from codemod.report import as_fix
    from transforms import REWRITE, Options, pipeline
    from transforms.configs import rewrite_config
    from transforms.rule import PROBLEMS as RULE_PROBLEMS, Invalid

    rules = all_rules()
    assert sorted(r.id for r in rules.values() if r.fix == REWRITE and r.name not in RULE_PROBLEMS) == []
    messages = set()
    for rule in rules.values():
        for example in rule.examples:
            if not isinstance(example, Invalid):
                continue
            for keep in (False, True):
                options = Options(keep_randomness=keep)
                found = (rewrite_config(example.code.encode(), options).findings if rule.language == "yaml" else
                         pipeline.rewrite(example.code.encode(), options, script=example.script).findings)
                messages |= {f.message for f in found if f.kind == REWRITE}
    assert len(messages) > 90
    assert sorted(m for m in messages if as_fix(m) == m) == []
