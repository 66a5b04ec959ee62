"""The command line as a user meets it: real files, real subprocesses, exit codes, messages."""

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLES, run_reprofix, with_journal

SCRIPT = b"import mindspore.dataset as ds\nfrom mindspore import nn\ndata = ds.MnistDataset(p)\nd = nn.Dropout(p=0.5)\n"


def snapshot(tree: Path) -> dict:
    return {
        p.relative_to(tree).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(tree.rglob("*"))
        if p.is_file()
    }


def test_dry_run_prints_the_diff_and_report_and_writes_nothing(tmp_path: Path):
    shutil.copy(SAMPLES / "mindspore_train.py", tmp_path)
    before = snapshot(tmp_path)
    result = run_reprofix("apply", "--dry-run", "mindspore_train.py", cwd=tmp_path, check_code=0)
    assert snapshot(tmp_path) == before
    assert "--- a/mindspore_train.py\n+++ b/mindspore_train.py\n" in result.stdout
    assert "+        self.drop = nn.Dropout(p=0.0)" in result.stdout
    assert "mindspore_train.py:81:21  MS201  Dropout: p=0.0" in result.stdout
    assert "Needs you:" in result.stdout and "MS301" in result.stdout
    assert "dry run, nothing written" in result.stdout
    assert "\x1b[" not in result.stdout  # piped: no colour


def test_apply_rewrites_writes_the_patch_and_reports(tmp_path: Path):
    (tmp_path / "train.py").write_bytes(SCRIPT)
    result = run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    assert (tmp_path / "reprofix.patch").exists()
    code = (tmp_path / "train.py").read_text()
    assert "nn.Dropout(p=0.0)" in code and "shuffle=False" in code and "mindspore.set_seed(1)" in code
    assert "train.py:3:8  MS105  MnistDataset: shuffle=False" in result.stdout
    assert "patch: reprofix.patch (undo: reprofix revert)" in result.stdout


def test_second_apply_changes_nothing(tmp_path: Path):
    (tmp_path / "train.py").write_bytes(SCRIPT)
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    before = snapshot(tmp_path)
    result = run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    assert snapshot(tmp_path) == before
    assert "0 of 1 file(s) changed" in result.stdout and "nothing to change" in result.stdout


def test_apply_refuses_to_overwrite_an_unreverted_patch(tmp_path: Path):
    (tmp_path / "train.py").write_bytes(SCRIPT)
    (tmp_path / "other.py").write_bytes(SCRIPT)
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    before = snapshot(tmp_path)
    result = run_reprofix("apply", "other.py", cwd=tmp_path, check_code=1)
    assert snapshot(tmp_path) == before
    assert "reprofix.patch already exists" in result.stderr


def test_syntax_error_is_one_line_and_other_files_still_change(tmp_path: Path):
    (tmp_path / "bad.py").write_bytes(b"import mindspore\nprint 'python 2'\n")
    (tmp_path / "good.py").write_bytes(SCRIPT)
    result = run_reprofix("apply", "bad.py", "good.py", cwd=tmp_path, check_code=1)
    assert (tmp_path / "bad.py").read_bytes() == b"import mindspore\nprint 'python 2'\n"
    assert (tmp_path / "good.py").read_bytes() != SCRIPT
    assert "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "bad.py" in line]
    assert line.startswith("reprofix: bad.py:2:") and "syntax error" in line


def test_usage_errors_exit_2_with_one_line(tmp_path: Path):
    result = run_reprofix("apply", "missing.py", cwd=tmp_path, check_code=2)
    assert result.stderr.strip() == "reprofix: missing.py: no such file or directory"
    result = run_reprofix("apply", "--seed", "-1", "x.py", cwd=tmp_path, check_code=2)
    assert "Traceback" not in result.stderr
    outside = tmp_path.parent / f"{tmp_path.name}-outside.py"
    outside.write_bytes(SCRIPT)
    sub = tmp_path / "sub"
    sub.mkdir()
    result = run_reprofix("apply", str(outside), cwd=sub, check_code=2)
    assert "outside the current directory" in result.stderr
    run_reprofix("frobnicate", cwd=tmp_path, check_code=2)


def test_seed_zero_warns_and_seed_is_used(tmp_path: Path):
    (tmp_path / "train.py").write_bytes(SCRIPT)
    result = run_reprofix("apply", "--seed", "0", "--dry-run", "train.py", cwd=tmp_path, check_code=0)
    assert "warning: seed 0" in result.stderr
    result = run_reprofix("apply", "--seed", "7", "train.py", cwd=tmp_path, check_code=0)
    assert "mindspore.set_seed(7)" in (tmp_path / "train.py").read_text()


def test_revert_restores_and_says_what(tmp_path: Path):
    (tmp_path / "train.py").write_bytes(SCRIPT)
    run_reprofix("apply", "--patch", "out/fix.patch", "train.py", cwd=tmp_path, check_code=0)
    result = run_reprofix("revert", "--patch", "out/fix.patch", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_bytes() == SCRIPT
    assert "restored train.py (1 hunk undone)" in result.stdout
    assert not (tmp_path / "out" / "fix.patch").exists()


def test_revert_without_a_patch_fails_cleanly(tmp_path: Path):
    result = run_reprofix("revert", cwd=tmp_path, check_code=1)
    assert result.stderr.strip() == "reprofix: reprofix.patch: no such patch; nothing to revert"


def test_revert_refuses_a_malformed_or_mismatched_patch(tmp_path: Path):
    (tmp_path / "train.py").write_bytes(SCRIPT)
    (tmp_path / "reprofix.patch").write_bytes(
        with_journal(b"--- a/train.py\n+++ b/train.py\n@@ -1,2 +1,2 @@\n nonsense\n", "train.py"))
    result = run_reprofix("revert", cwd=tmp_path, check_code=1)
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "not a unified diff" in result.stderr and result.stderr.count("nothing was changed") == 1
    (tmp_path / "reprofix.patch").unlink()
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    edited = (tmp_path / "train.py").read_bytes().replace(b"nn.Dropout(p=0.0)", b"nn.Dropout(p=0.0)  # mine")
    (tmp_path / "train.py").write_bytes(edited)
    result = run_reprofix("revert", cwd=tmp_path, check_code=1)
    assert "train.py:23: hunk 1 no longer matches: expected 'd = nn.Dropout(p=0.0)', found 'd = nn.Dropout(p=0.0)  # mine'" in result.stderr
    assert (tmp_path / "train.py").read_bytes() == edited  # nothing written
    assert (tmp_path / "reprofix.patch").exists()


def test_revert_refuses_paths_outside(tmp_path: Path):
    (tmp_path / "reprofix.patch").write_bytes(
        with_journal(b"--- a/../evil.py\n+++ b/../evil.py\n@@ -1 +1 @@\n-a\n+b\n", "../evil.py")
    )
    result = run_reprofix("revert", cwd=tmp_path, check_code=1)
    assert "outside the project root" in result.stderr


def test_console_script_and_module_are_the_same_program(tmp_path: Path):
    script = Path(sys.executable).parent / "reprofix"
    assert script.exists(), "the package must be installed (pip install -e .) for its console script"
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True).stdout
    assert out == run_reprofix("--version", cwd=tmp_path, check_code=0).stdout
    helptext = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("apply", "revert"):
        assert command in helptext
