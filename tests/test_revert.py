"""Revert never loses work: edits after apply, conflicts, crashes, bad input, hostile patches."""

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codemod import engine
from conftest import ROOT, SAMPLES, run_reprofix, with_journal

ENTRY = (
    "import mindspore.dataset as ds\nfrom mindspore import nn\n\n\n"
    "def build(path):\n    data = ds.MnistDataset(path)\n    return data.batch(8)\n\n\n"
    "def describe():\n    lines = []\n    lines.append('a small network')\n    lines.append('on MNIST')\n"
    "    lines.append('trained briefly')\n    return ' '.join(lines)\n\n\n"
    "class Net(nn.Cell):\n    def __init__(self):\n        super().__init__()\n"
    "        self.dense = nn.Dense(4, 4)\n        self.drop = nn.Dropout(p=0.5)\n"
    "        self.act = nn.ReLU()\n\n    def construct(self, x):\n        return self.act(self.drop(self.dense(x)))\n"
    "\n\ndef answer():\n    return 41\n"
)
MODEL = "from mindspore import nn\n\nlayers = [\n    nn.Dense(2, 2),\n    nn.Dropout(p=0.1),\n    nn.ReLU(),\n]\n"


def make_tree(root: Path) -> dict[str, bytes]:
    files = {
        "train.py": ENTRY + "import model\n",
        "model.py": MODEL,
        "data/loader.py": "import mindspore.dataset as ds\nd = ds.Cifar10Dataset('x', shuffle=True)\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return tree_bytes(root)


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    make_tree(tmp_path)
    return tmp_path


def test_edits_after_apply_are_kept_by_revert(tree: Path):
    original = (tree / "train.py").read_text()
    run_reprofix("apply", "train.py", "data/loader.py", cwd=tree, check_code=0)
    rewritten = (tree / "train.py").read_text()
    edited = "# my notes while debugging\n" + rewritten.replace("return 41", "return 42") + "\nprint('debugging')\n"
    (tree / "train.py").write_text(edited)
    run_reprofix("status", cwd=tree, check_code=1)
    result = run_reprofix("revert", cwd=tree, check_code=0)
    assert "restored train.py" in result.stdout
    expected = "# my notes while debugging\n" + original.replace("return 41", "return 42") + "\nprint('debugging')\n"
    assert (tree / "train.py").read_text() == expected


def test_an_edited_outer_context_line_is_tolerated(tree: Path):
    """Like patch's fuzz: up to two context lines at either end of a hunk may have changed."""
    run_reprofix("apply", "--no-follow", "--entry", "x.py", "model.py", cwd=tree, check_code=2)
    run_reprofix("apply", "--no-follow", "--disable", "MS001", "model.py", cwd=tree, check_code=0)
    text = (tree / "model.py").read_text().replace("from mindspore import nn\n", "from mindspore import nn  # mine\n")
    (tree / "model.py").write_text(text)
    run_reprofix("revert", cwd=tree, check_code=0)
    assert (tree / "model.py").read_text() == MODEL.replace("from mindspore import nn\n", "from mindspore import nn  # mine\n")


def test_conflicts_are_named_and_nothing_is_written(tree: Path):
    run_reprofix("apply", "train.py", "data/loader.py", cwd=tree, check_code=0)
    edited = (tree / "train.py").read_text().replace("self.drop = nn.Dropout(p=0.0)", "self.drop = nn.Dropout(p=0.2)")
    (tree / "train.py").write_text(edited)
    before = tree_bytes(tree)
    result = run_reprofix("revert", cwd=tree, check_code=1)
    assert tree_bytes(tree) == before
    assert "train.py:" in result.stderr and "expected 'self.drop = nn.Dropout(p=0.0)'" in result.stderr
    assert "found 'self.drop = nn.Dropout(p=0.2)'" in result.stderr
    assert "revert --partial" in result.stderr and "Traceback" not in result.stderr
    status = run_reprofix("status", cwd=tree, check_code=1)
    assert "applied, then edited where reprofix changed it" in status.stdout

    result = run_reprofix("revert", "--partial", cwd=tree, check_code=1)
    assert "reprofix.patch.rej" in result.stderr
    rejected = (tree / "reprofix.patch.rej").read_text()
    assert "+        self.drop = nn.Dropout(p=0.0)" in rejected and "--- a/train.py" in rejected
    assert (tree / "model.py").read_text() == MODEL and "shuffle=True" in (tree / "data/loader.py").read_text()
    text = (tree / "train.py").read_text()
    assert "self.drop = nn.Dropout(p=0.2)" in text and "set_seed" not in text  # clean hunks undone
    assert not (tree / "reprofix.patch").exists()


def test_status_tells_the_whole_story(tree: Path):
    result = run_reprofix("status", cwd=tree, check_code=0)
    assert "nothing is applied" in result.stdout
    run_reprofix("apply", "train.py", cwd=tree, check_code=0)
    result = run_reprofix("status", cwd=tree, check_code=1)
    assert "is applied to 2 of 2 file(s)" in result.stdout
    assert "  train.py: applied, unchanged since" in result.stdout
    (tree / "model.py").write_text((tree / "model.py").read_text() + "x = 1\n")
    assert "  model.py: applied, edited since" in run_reprofix("status", cwd=tree, check_code=1).stdout
    run_reprofix("revert", cwd=tree, check_code=0)
    run_reprofix("status", cwd=tree, check_code=0)


def crash(tree: Path, point: int, *args: str, signal_name: str = "KILL") -> subprocess.CompletedProcess:
    """Run reprofix and send it a real signal (SIGKILL: no cleanup at all) at its Nth write point."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPROFIX_CRASH_AT": f"write:{point}",
           "REPROFIX_CRASH_SIGNAL": signal_name, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "codemod", *args], cwd=tree, env=env, capture_output=True, text=True)


# `apply train.py` rewrites train.py and model.py: it writes the patch, the two files, then the patch
# again, and each write has two crash points (temporary file complete; renamed). The points chosen:
# 1 the patch's temporary file only (no journal yet), 2 the journal in place and nothing else,
# 5 one file replaced and the other's temporary file written, 7 every file replaced and the journal's
# final temporary file written.
APPLY_CRASH_POINTS = (1, 2, 5, 7)
# revert writes the journal's state, then the two files: 1 the state's temporary file, 3 the first
# file's temporary file, 5 one file restored and the other's temporary file, 6 every file restored,
# the patch not yet removed.
REVERT_CRASH_POINTS = (1, 3, 5, 6)


def test_a_crash_at_any_write_of_apply_is_recoverable(tmp_path: Path):
    """From each crashed tree, both ways out: `apply` again completes the change, `revert` undoes it."""
    for point in APPLY_CRASH_POINTS:
        crashed = tmp_path / f"crashed-{point}"
        crashed.mkdir()
        original = make_tree(crashed)
        assert crash(crashed, point, "apply", "train.py").returncode == -signal.SIGKILL
        completed = tmp_path / f"completed-{point}"
        shutil.copytree(crashed, completed)
        run_reprofix("apply", "train.py", cwd=completed, check_code=0)
        status = run_reprofix("status", cwd=completed, check_code=1).stdout
        assert "is applied to 2 of 2 file(s)\n" in status and status.count("applied, unchanged since") == 2
        run_reprofix("revert", cwd=completed, check_code=0)
        assert tree_bytes(completed) == original, f"crash at write point {point}, then apply and revert"
        # with no patch yet (a crash before it was in place) there is nothing to undo
        run_reprofix("revert", cwd=crashed, check_code=0 if (crashed / "reprofix.patch").exists() else 1)
        assert tree_bytes(crashed) == original, f"crash at write point {point}, then revert"


def test_a_crash_at_any_write_of_revert_is_recoverable(tmp_path: Path):
    applied = tmp_path / "applied"
    applied.mkdir()
    original = make_tree(applied)
    run_reprofix("apply", "train.py", cwd=applied, check_code=0)
    for point in REVERT_CRASH_POINTS:
        tree = tmp_path / str(point)
        shutil.copytree(applied, tree)
        assert crash(tree, point, "revert").returncode == -signal.SIGKILL
        pending = run_reprofix("status", cwd=tree).stdout
        assert ("revert was interrupted" in pending) == (point > 2), pending
        run_reprofix("revert", cwd=tree, check_code=0)
        assert tree_bytes(tree) == original, f"crash at write point {point}"


def test_kill_9_during_a_large_apply_loses_nothing(tmp_path: Path):
    """Real SIGKILLs at moments no crash point marks: mid-way through reading and writing many files."""
    source = (SAMPLES / "mindspore_train.py").read_bytes()
    for delay in (0.6, 1.4):
        tree = tmp_path / str(delay)
        tree.mkdir()
        for i in range(40):
            (tree / f"m{i:03d}.py").write_bytes(source)
        original = tree_bytes(tree)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen([sys.executable, "-m", "codemod", "apply", "-j2", "."], cwd=tree, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        run_reprofix("revert", cwd=tree, check_code=0 if (tree / "reprofix.patch").exists() else 1)
        assert tree_bytes(tree) == original, f"killed after {delay}s"


def test_awkward_files_round_trip(tmp_path: Path):
    files = {
        "gbk.py": "# -*- coding: gbk -*-\n# 中文注释\nimport mindspore\nfrom mindspore import nn\nd = nn.Dropout(p=0.5)  # 丢弃\n".encode("gbk"),
        "latin1.py": "# coding: latin-1\nimport mindspore\nfrom mindspore import nn\n# é\nd = nn.Dropout(p=0.5)\n".encode("latin-1"),
        "crlf.py": b"import mindspore\r\nfrom mindspore import nn\r\nd = nn.Dropout(p=0.5)\r\n",
        "bom.py": b"\xef\xbb\xbfimport mindspore\nfrom mindspore import nn\nd = nn.Dropout(p=0.5)\n",
        "tabs.py": b"import mindspore\nfrom mindspore import nn\nif True:\n\td = nn.Dropout(p=0.5)\n",
        "no_newline.py": b"import mindspore\nfrom mindspore import nn\nd = nn.Dropout(p=0.5)",
        "empty.py": b"",
        "large.py": b"import mindspore\nfrom mindspore import nn\n" + b"".join(
            b"layer%d = nn.Dropout(p=0.5)\n" % i for i in range(3000)),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    run_reprofix("apply", *files, cwd=tmp_path, check_code=0)
    assert "nn.Dropout(p=0.0)" in (tmp_path / "gbk.py").read_bytes().decode("gbk")
    assert (tmp_path / "empty.py").read_bytes() == b""
    subprocess.run(["git", "apply", "-R", "--check", "reprofix.patch"], cwd=tmp_path, check=True)
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    for name, data in files.items():
        assert (tmp_path / name).read_bytes() == data, name


def test_read_only_files_and_links_are_refused_clearly(tmp_path: Path):
    (tmp_path / "locked.py").write_text(ENTRY)
    (tmp_path / "locked.py").chmod(stat.S_IRUSR | stat.S_IRGRP)
    (tmp_path / "free.py").write_text(ENTRY)
    before = tree_bytes(tmp_path)
    result = run_reprofix("apply", "locked.py", "free.py", cwd=tmp_path, check_code=1)
    assert "locked.py: is read-only" in result.stderr and tree_bytes(tmp_path) == before


def test_links_are_refused_or_skipped(tmp_path: Path):
    (tmp_path / "real.py").write_text(ENTRY)
    (tmp_path / "link.py").symlink_to(tmp_path / "real.py")
    result = run_reprofix("apply", "link.py", cwd=tmp_path, check_code=2)
    assert "symbolic link" in result.stderr
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "link.py").symlink_to(tmp_path / "real.py")
    report = run_reprofix("scan", "--json", "sub", cwd=tmp_path, check_code=0)
    assert '"files": []' in report.stdout


def test_a_file_changed_between_read_and_write_is_not_written(tmp_path: Path):
    (tmp_path / "train.py").write_text(ENTRY)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = engine.Runner(engine.Request(["train.py"]), tmp_path).run()
    finally:
        os.chdir(cwd)
    (tmp_path / "train.py").write_text(ENTRY + "# edited meanwhile\n")
    assert engine.write_problems(result, tmp_path) == [
        "train.py: changed while reprofix was reading it; run apply again"
    ]


@pytest.mark.parametrize("diff, message", [
    (b"--- a//etc/passwd\n+++ b//etc/passwd\n@@ -1 +1 @@\n-a\n+b\n", "/etc/passwd: refusing a path outside the project root"),
    (b"--- a/../x.py\n+++ b/../x.py\n@@ -1 +1 @@\n-a\n+b\n", "../x.py: refusing a path outside the project root"),
    (b"--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+import os\n", "creates or deletes a file"),
    (b"--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n garbage\n", "not a unified diff"),
    (b"just some text\n", "describes no file"),
    (b"--- a/link/x.py\n+++ b/link/x.py\n@@ -1 +1 @@\n-a\n+b\n", "link/x.py: leads outside the project"),
])
def test_hostile_patches_are_refused(tmp_path: Path, diff: bytes, message: str):
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.py").write_text("b\n")
    (outside / ".reprofix-0123456789abcdef-mine.tmp").write_text("a user's file\n")
    (work / "link").symlink_to(outside)
    named = re.findall(rb"^\+\+\+ b/(\S+)", diff, re.MULTILINE)
    (work / "evil.patch").write_bytes(with_journal(diff, *(n.decode() for n in named)))
    result = run_reprofix("revert", "--patch", "evil.patch", cwd=work, check_code=1)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (outside / "x.py").read_text() == "b\n" and (work / "evil.patch").exists()
    assert (outside / ".reprofix-0123456789abcdef-mine.tmp").exists()
