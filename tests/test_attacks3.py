"""Issue 25, "Trust under attack, third round": each test is an attack that worked, and must not any
more. Real files, real signals, real second processes; tests/test_attacks.py holds the first rounds."""

import os
import re
import stat
import subprocess
from pathlib import Path

from codemod.atomic import current_umask
from conftest import run_reprofix
from test_attacks import DROPOUT, signalled, snapshot, write


def test_a_crafted_run_id_never_places_temporary_files_outside_the_project(tmp_path: Path):
    """The journal's run id names the temporary files: `x/../../outside/pwn` would put them in a folder
    outside the project. It is ignored; the revert runs under a fresh id."""
    project = tmp_path / "project"
    (tmp_path / "outside").mkdir()
    (project / ".reprofix-x").mkdir(parents=True)  # makes the crafted path resolvable
    original = write(project, {"a.py": DROPOUT})
    run_reprofix("apply", "a.py", cwd=project, check_code=0)
    patch = project / "reprofix.patch"
    patch.write_bytes(re.sub(rb"(?m)^# reprofix-run: \w+$", b"# reprofix-run: x/../../outside/pwn", patch.read_bytes()))
    # killed once the temporary copy of a.py is complete: where it lies shows where it was made
    result = signalled(project, "write:3", "KILL", "revert")
    assert result.returncode < 0, result.stderr
    assert list((tmp_path / "outside").iterdir()) == []
    run_reprofix("revert", cwd=project, check_code=0)
    assert {k: v for k, v in snapshot(project).items() if not k.startswith(".reprofix-x")} == \
        {k: v for k, v in original.items() if not k.startswith(".reprofix-x")}
    assert list((tmp_path / "outside").iterdir()) == []


def umask_077() -> None:
    os.umask(0o077)


def test_the_patch_and_rej_file_honour_the_umask_and_never_follow_or_replace(tmp_path: Path):
    """Under `umask 077` the patch and the .rej file are the user's alone; a symbolic link at
    reprofix.patch.rej is replaced by a file (its target untouched, nothing world-writable); a .rej
    already there is kept and the new one gets a new name."""
    project = tmp_path / "project"
    (tmp_path / "target").write_bytes(b"not reprofix's\n")
    write(project, {"a.py": DROPOUT, "b.py": DROPOUT})
    run_reprofix("apply", "a.py", "b.py", cwd=project, check_code=0, preexec_fn=umask_077)
    assert stat.S_IMODE((project / "reprofix.patch").stat().st_mode) == 0o600
    (project / "b.py").unlink()
    (project / "reprofix.patch.rej").symlink_to("../target")
    result = run_reprofix("revert", "--partial", cwd=project, check_code=1, preexec_fn=umask_077)
    assert "some hunks could not be undone: they are in reprofix.patch.1.rej" in result.stderr, result.stderr
    assert (project / "reprofix.patch.rej").is_symlink() and (tmp_path / "target").read_bytes() == b"not reprofix's\n"
    rej = project / "reprofix.patch.1.rej"
    assert stat.S_IMODE(rej.lstat().st_mode) == 0o600 and b"b.py" in rej.read_bytes()

    # no umask of the user's: a new file is 0644, never the link's 0777
    write(project, {"b.py": DROPOUT})
    (project / "reprofix.patch.1.rej").unlink()
    run_reprofix("apply", "b.py", cwd=project, check_code=0)
    (project / "b.py").unlink()
    result = run_reprofix("revert", "--partial", cwd=project, check_code=1)
    assert "they are in reprofix.patch.1.rej" in result.stderr, result.stderr
    assert stat.S_IMODE((project / "reprofix.patch.1.rej").lstat().st_mode) == 0o666 & ~current_umask()


def test_a_lock_wait_that_is_no_number_gets_one_line(tmp_path: Path):
    original = write(tmp_path, {"a.py": DROPOUT})
    for value in ("abc", "", "nan", "-1", "inf"):
        result = run_reprofix("apply", "a.py", cwd=tmp_path, check_code=1, env={"REPROFIX_LOCK_WAIT": value})
        assert result.stderr == (f"reprofix: REPROFIX_LOCK_WAIT={value!r} is not a number of seconds from 0 to "
                                 "86400 (the wait for another reprofix command); nothing was changed\n")
        assert snapshot(tmp_path) == original
    run_reprofix("apply", "a.py", cwd=tmp_path, check_code=0, env={"REPROFIX_LOCK_WAIT": "0.5"})


def test_jobs_are_capped_with_a_note(tmp_path: Path):
    write(tmp_path, {f"m{i}.py": DROPOUT for i in range(6)})
    cores = os.cpu_count() or 1
    for asked, shown in (("200", "200"), ("99999999999999999999", "999999...(20 digits)")):
        result = run_reprofix("scan", "-j", asked, ".", cwd=tmp_path, check_code=1)
        assert result.stderr == (f"reprofix: note: -j {shown} is more than 4 processes per core; using {4 * cores} "
                                 f"({cores} core(s))\n"), result.stderr
        assert result.stdout.count("PT201") + result.stdout.count("MS201") == 6


def test_a_file_with_a_byte_order_mark_is_rewritten_and_comes_back(tmp_path: Path):
    """Large enough to be parsed in pieces, where the mark once ended up inside the code."""
    body = b"import torch\nfrom torch import nn\n" + b"".join(b"def f%d(x):\n    return x + %d\n\n" % (i, i)
                                                              for i in range(3000)) + b"d = nn.Dropout(p=0.5)\n"
    original = write(tmp_path, {"big.py": b"\xef\xbb\xbf" + body})
    result = run_reprofix("apply", "big.py", cwd=tmp_path, check_code=0)
    assert "big.py:9003:5  PT201  Dropout: p=0.0" in result.stdout
    rewritten = (tmp_path / "big.py").read_bytes()
    assert rewritten.startswith(b"\xef\xbb\xbfimport torch\n") and b"nn.Dropout(p=0.0)" in rewritten
    compile(rewritten, "big.py", "exec")
    subprocess.run(["git", "apply", "-R", "--check", "reprofix.patch"], cwd=tmp_path, check=True)
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert snapshot(tmp_path) == original
