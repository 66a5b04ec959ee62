"""Issue 14, "Trust under attack": each test is an attack that worked, and must not any more. Real
symbolic links, real second processes, real FIFOs and devices, real git and GNU patch, real signals."""

import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES, run_reprofix

MS = b"import mindspore\nfrom mindspore import nn\n"
DROPOUT = MS + b"d = nn.Dropout(p=0.5)\n"
REWRITTEN = b"d = nn.Dropout(p=0.0)"
HOLD_LOCK = "import fcntl, sys\nf = open(sys.argv[1], 'a')\nfcntl.flock(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\nsys.stdin.read()\n"
QUICK_LOCK = {"REPROFIX_LOCK_WAIT": "0.2"}


def write(root: Path, files: dict) -> dict:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return snapshot(root)


def snapshot(root: Path) -> dict:
    """Every file under root (hidden ones too), with its bytes; links as their target."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_file():
                found[rel] = path.read_bytes()
    return found


def stopped_at(tree: Path, point: int, *args: str) -> subprocess.Popen:
    """reprofix started, and stopped (SIGSTOP, sent by itself) at its Nth write point."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "REPROFIX_CRASH_AT": f"write:{point}",
           "REPROFIX_CRASH_SIGNAL": "STOP"}
    process = subprocess.Popen([sys.executable, "-m", "codemod", *args], cwd=tree, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status = os.waitpid(process.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), "reprofix did not reach the write point"
    return process


def resume(process: subprocess.Popen) -> tuple[int, str, str]:
    os.kill(process.pid, signal.SIGCONT)
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


# `python -m codemod` with SIGINT's default action, as a terminal's Ctrl-C finds it, even where this
# suite runs in the background: a shell starts a background job with SIGINT ignored, and Python
# keeps it ignored, so a SIGINT sent to the command would do nothing.
AS_IN_A_TERMINAL = ("import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
                    "runpy.run_module('codemod', run_name='__main__', alter_sys=True)")


def signalled(tree: Path, point: str, name: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "REPROFIX_CRASH_AT": point,
           "REPROFIX_CRASH_SIGNAL": name}
    return subprocess.run([sys.executable, "-c", AS_IN_A_TERMINAL, *args], cwd=tree, env=env, capture_output=True,
                          text=True, timeout=120)


# 1. Symbolic links never lead a write outside the real current folder.

def test_a_symlinked_folder_never_leads_apply_outside(tmp_path: Path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "train.py").write_bytes(DROPOUT)
    work = tmp_path / "work"
    work.mkdir()
    (work / "inside.py").write_bytes(DROPOUT)
    (work / "linkdir").symlink_to("../outside")
    (work / "rootlink").symlink_to("/")
    before = snapshot(tmp_path)
    for args, message in [
        (["linkdir/train.py"], "linkdir/train.py: leads outside the current directory (through a symbolic link)"),
        (["linkdir/"], "linkdir/: leads outside the current directory (through a symbolic link)"),
        (["linkdir"], "linkdir: is a symbolic link; name the file it points to"),
        (["rootlink/tmp"], "rootlink/tmp: leads outside the current directory (through a symbolic link)"),
        (["inside.py", "linkdir/train.py"], "linkdir/train.py: leads outside the current directory"),
    ]:
        result = run_reprofix("apply", *args, cwd=work, check_code=2)
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"reprofix: {message}")
        assert snapshot(tmp_path) == before, args


# 2. An edit made while apply or revert writes is never lost.

def test_an_edit_made_while_apply_writes_is_kept_and_the_patch_covers_what_was_written(tmp_path: Path):
    original = write(tmp_path, {"a.py": DROPOUT, "b.py": DROPOUT, "c.py": DROPOUT})
    # writes: the patch (points 1, 2), a.py (3, 4), b.py (5, 6), c.py (7, 8): stop once a.py is replaced
    process = stopped_at(tmp_path, 4, "apply", "a.py", "b.py", "c.py")
    edited = DROPOUT + b"print('typed while reprofix was writing')\n"
    (tmp_path / "b.py").write_bytes(edited)
    code, _, err = resume(process)
    assert code == 1
    assert err.splitlines()[-1] == (
        "reprofix: b.py: changed since reprofix read it; stopped before writing it: 1 of 3 file(s) were "
        "rewritten, and reprofix.patch undoes exactly those (`reprofix revert`); revert, then run apply again")
    assert (tmp_path / "b.py").read_bytes() == edited and (tmp_path / "c.py").read_bytes() == DROPOUT
    status = run_reprofix("status", cwd=tmp_path, check_code=1).stdout
    assert status == "reprofix: reprofix.patch is applied to 1 of 1 file(s)\n  a.py: applied, unchanged since\n"
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert snapshot(tmp_path) == {**original, "b.py": edited}


def test_an_edit_made_while_revert_writes_is_kept(tmp_path: Path):
    write(tmp_path, {"a.py": DROPOUT, "b.py": DROPOUT, "c.py": DROPOUT})
    run_reprofix("apply", "a.py", "b.py", "c.py", cwd=tmp_path, check_code=0)
    # writes: the journal's state (1, 2), a.py (3, 4), b.py (5, 6), c.py (7, 8)
    process = stopped_at(tmp_path, 4, "revert")
    edited = (tmp_path / "c.py").read_bytes() + b"print('typed while reprofix was reverting')\n"
    (tmp_path / "c.py").write_bytes(edited)
    code, out, err = resume(process)
    assert code == 1 and out == "restored a.py (1 hunk undone)\nrestored b.py (1 hunk undone)\n"
    assert err == ("reprofix: c.py: changed since reprofix read it; stopped after restoring 2 of 3 file(s); "
                   "run `reprofix revert` again to finish (it keeps every edit)\n")
    assert (tmp_path / "c.py").read_bytes() == edited
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "c.py").read_bytes() == DROPOUT + b"print('typed while reprofix was reverting')\n"
    assert (tmp_path / "a.py").read_bytes() == DROPOUT and not (tmp_path / "reprofix.patch").exists()


# 3. One lock: a second command waits briefly, then fails with one clear line.

def test_a_second_command_fails_clearly_while_another_holds_the_lock(tmp_path: Path):
    write(tmp_path, {"a.py": DROPOUT, "b.py": DROPOUT})
    run_reprofix("apply", "a.py", cwd=tmp_path, check_code=0)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(tmp_path / "reprofix.patch.lock")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        before = snapshot(tmp_path)
        for command in (["revert"], ["status"], ["apply", "b.py"], ["revert", "--partial"]):
            result = run_reprofix(*command, cwd=tmp_path, check_code=1, env=QUICK_LOCK)
            assert result.stderr == ("reprofix: reprofix.patch: another reprofix command is working on this patch; "
                                     "try again when it has finished\n"), command
        assert snapshot(tmp_path) == before
    finally:
        holder.stdin.close()
        holder.wait()
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert not (tmp_path / "reprofix.patch.lock").exists()


def test_an_apply_cannot_run_while_a_revert_is_paused(tmp_path: Path):
    """The reported attack: a revert paused mid-way, an apply meanwhile, then the revert resumed."""
    original = write(tmp_path, {"a.py": DROPOUT, "b.py": DROPOUT})
    run_reprofix("apply", "a.py", "b.py", cwd=tmp_path, check_code=0)
    reverting = stopped_at(tmp_path, 4, "revert")  # a.py restored, b.py not yet
    result = run_reprofix("apply", "a.py", "b.py", cwd=tmp_path, check_code=1, env=QUICK_LOCK)
    assert result.stderr == (f"reprofix: reprofix.patch: another reprofix command (pid {reverting.pid}) is working "
                             "on this patch; try again when it has finished\n")
    assert resume(reverting)[0] == 0
    assert snapshot(tmp_path) == original
    run_reprofix("status", cwd=tmp_path, check_code=0)


# 4. A damaged patch fails loudly, and nothing is written.

def damage_truncated(patch: bytes) -> bytes:
    return patch[: [m.start() for m in re.finditer(rb"^diff --git ", patch, re.MULTILINE)][2]]


def damage_repeated_diff(patch: bytes) -> bytes:
    starts = [m.start() for m in re.finditer(rb"^diff --git ", patch, re.MULTILINE)]
    return patch + patch[starts[0]:starts[1]]


def damage_repeated_entry(patch: bytes) -> bytes:
    entry = re.search(rb"^# reprofix-file: .*\n", patch, re.MULTILINE).group()
    return patch.replace(entry, entry + entry, 1)


def damage_hunk_dropped(patch: bytes) -> bytes:
    """a0.py (the first file) loses its second hunk; the manifest is intact."""
    files = [m.start() for m in re.finditer(rb"^diff --git ", patch, re.MULTILINE)]
    hunks = [m.start() for m in re.finditer(rb"^@@ ", patch, re.MULTILINE)]
    return patch[: hunks[1]] + patch[files[1]:]


@pytest.mark.parametrize("damage, message", [
    (damage_truncated, "reprofix.patch: damaged patch: the journal lists 4 file(s) but the diff holds 2; "
                       "f2.py has no diff (was the patch cut short?); nothing was changed"),
    (damage_repeated_diff, "reprofix.patch: damaged patch: the diff names a0.py 2 times; nothing was changed"),
    (damage_repeated_entry, "reprofix.patch: damaged patch: the journal names a0.py 2 times; nothing was changed"),
    (damage_hunk_dropped, "reprofix.patch: damaged patch: undoing it would not give back a0.py as it was "
                          "before apply (sha256 differs); nothing was changed"),
])
def test_a_damaged_patch_is_refused_before_anything_is_written(tmp_path: Path, damage, message: str):
    two_hunks = MS + b"d = nn.Dropout(p=0.5)\n" + b"x = 1\n" * 20 + b"e = nn.Dropout(p=0.1)\n"
    write(tmp_path, {"a0.py": two_hunks, "f1.py": DROPOUT, "f2.py": DROPOUT, "f3.py": DROPOUT})
    run_reprofix("apply", "--no-follow", "--disable", "MS001", "a0.py", "f1.py", "f2.py", "f3.py", cwd=tmp_path,
                 check_code=0)
    patch = tmp_path / "reprofix.patch"
    patch.write_bytes(damage(patch.read_bytes()))
    before = snapshot(tmp_path)
    result = run_reprofix("revert", cwd=tmp_path, check_code=1)
    assert result.stderr == f"reprofix: {message}\n" and result.stdout == ""
    assert snapshot(tmp_path) == before


def test_a_patch_cannot_claim_a_root_above_its_project(tmp_path: Path):
    project = tmp_path / "proj"
    write(project, {"pyproject.toml": b"", "train.py": DROPOUT})
    run_reprofix("apply", "train.py", cwd=project, check_code=0)
    (tmp_path / "train.py").write_bytes((project / "train.py").read_bytes())  # a file the hunks would fit
    patch = project / "reprofix.patch"
    patch.write_bytes(patch.read_bytes().replace(b"# reprofix-root: .\n", b"# reprofix-root: ..\n"))
    before = snapshot(tmp_path)
    result = run_reprofix("revert", cwd=project, check_code=1)
    assert result.stderr == (f"reprofix: reprofix.patch: its root '..' is outside the project ({project}); "
                             "nothing was changed\n")
    assert snapshot(tmp_path) == before


# 5. A diff reprofix did not write is refused.

def test_a_diff_without_reprofix_journal_is_refused(tmp_path: Path):
    write(tmp_path, {"train.py": DROPOUT})
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    patch = (tmp_path / "reprofix.patch").read_bytes()
    (tmp_path / "reprofix.patch").unlink()
    (tmp_path / "some.diff").write_bytes(patch[patch.index(b"diff --git"):])
    before = snapshot(tmp_path)
    result = run_reprofix("revert", "--patch", "some.diff", cwd=tmp_path, check_code=2)
    assert result.stderr == ("reprofix: some.diff: not a patch reprofix wrote (it has no reprofix journal header); "
                             "undo it with `git apply -R` or `patch -R -p1`; nothing was changed\n")
    assert snapshot(tmp_path) == before


# 6. Any file name: non-ASCII, tab, newline, not UTF-8; git apply and GNU patch read the patch.

ODD_NAMES = ["训练.py", "数据/train.py", "a\tb.py", "new\nline.py", os.fsdecode(b"caf\xe9.py"), "my file.py",
             'quo"te.py', "back\\slash.py"]


def test_odd_file_names_work_in_every_command_and_with_git_and_patch(tmp_path: Path):
    original = write(tmp_path, {name: DROPOUT for name in ODD_NAMES})
    shown = ["\"a\\tb.py\"", "back\\slash.py", "\"caf\\351.py\"", "my file.py", "\"new\\nline.py\"", 'quo"te.py',
             "数据/train.py", "训练.py"]

    report = run_reprofix("scan", "--json", ".", cwd=tmp_path, check_code=1).stdout
    data = json.loads(report, parse_constant=lambda name: pytest.fail(f"not strict JSON: {name}"))
    assert data["would_change"] == shown
    assert report.encode("utf-8", "strict")

    for undo in (["git", "apply", "-R", "reprofix.patch"], ["patch", "-R", "-p1", "-s", "-i", "reprofix.patch"]):
        result = run_reprofix("apply", ".", cwd=tmp_path, check_code=0)
        assert f"reprofix: {len(ODD_NAMES)} of {len(ODD_NAMES)} file(s) changed" in result.stdout
        subprocess.run(undo, cwd=tmp_path, check=True, capture_output=True)
        (tmp_path / "reprofix.patch").unlink()
        assert snapshot(tmp_path) == original, undo

    run_reprofix("apply", *ODD_NAMES, cwd=tmp_path, check_code=0)
    status = run_reprofix("status", cwd=tmp_path, check_code=1).stdout.splitlines()
    assert status[1:] == [f"  {name}: applied, unchanged since" for name in shown]
    result = run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert result.stdout.splitlines()[:-1] == [f"restored {name} (1 hunk undone)" for name in shown]
    assert snapshot(tmp_path) == original


# 7. Only regular files are read; a size limit; a bounded parse.

def test_fifos_and_devices_are_skipped_never_read(tmp_path: Path):
    write(tmp_path, {"train.py": DROPOUT})
    os.mkfifo(tmp_path / "pipe.py")
    if os.geteuid() == 0:
        os.mknod(tmp_path / "zero.py", 0o600 | stat.S_IFCHR, os.makedev(1, 5))
    notes = ["reprofix: note: pipe.py: skipped: is a named pipe (FIFO), not a regular file"]
    notes += ["reprofix: note: zero.py: skipped: is a character device, not a regular file"] * (os.geteuid() == 0)
    for command in ("scan", "apply"):
        result = run_reprofix(command, ".", cwd=tmp_path, check_code=1 if command == "scan" else 0)
        assert result.stderr.splitlines() == notes
    assert REWRITTEN in (tmp_path / "train.py").read_bytes()
    result = run_reprofix("apply", "pipe.py", cwd=tmp_path, check_code=2)
    assert result.stderr == "reprofix: pipe.py: is a named pipe (FIFO), not a regular file\n"

    (tmp_path / "train.py").unlink()  # a FIFO where the patch expects train.py
    os.mkfifo(tmp_path / "train.py")
    for command in ("status", "revert"):
        result = run_reprofix(command, cwd=tmp_path, check_code=1)
        assert "train.py: is a named pipe (FIFO), not a regular file" in result.stderr


def test_files_over_the_size_limit_are_skipped_with_a_clear_message(tmp_path: Path):
    big = DROPOUT + b"#" * (3072 - len(DROPOUT) - 1) + b"\n"
    write(tmp_path, {"big.py": big, "small.py": DROPOUT})
    result = run_reprofix("apply", "--max-file-size", "2K", "big.py", "small.py", cwd=tmp_path, check_code=1)
    assert result.stderr == ("reprofix: big.py: skipped: 3 KiB, over the 2 KiB limit (raise it with --max-file-size, "
                             "or max-file-size in [tool.reprofix])\n")
    assert (tmp_path / "big.py").read_bytes() == big and REWRITTEN in (tmp_path / "small.py").read_bytes()
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    (tmp_path / "pyproject.toml").write_text('[tool.reprofix]\nmax-file-size = "2K"\n')
    assert "big.py: skipped: 3 KiB" in run_reprofix("scan", "big.py", cwd=tmp_path, check_code=1).stderr
    result = run_reprofix("scan", "--max-file-size", "lots", "big.py", cwd=tmp_path, check_code=2)
    assert result.stderr.startswith("reprofix: --max-file-size: not a size")


@pytest.mark.parametrize("body, message", [
    (b"[" + b"1, " * 150_000 + b"]", "too large to parse safely: 300,021 spaces, line breaks (4), separators and operators to parse, each a node of libcst's tree (at most 200,000)"),
    (b"[" + b"1," * 120_000 + b"]", "too large to parse safely: 120,015 syntax-tree nodes to parse (at most 100,000)"),
])
def test_a_huge_one_line_literal_is_refused_in_moments(tmp_path: Path, body: bytes, message: str):
    write(tmp_path, {"table.py": DROPOUT + b"TABLE = " + body + b"\n"})
    result = run_reprofix("apply", "table.py", cwd=tmp_path, check_code=1)
    assert result.stderr == f"reprofix: table.py: {message}; file left unchanged\n"


# 8. Worker processes die with apply.

def alive_in_session(session: int) -> list[int]:
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] not in "ZX":
            alive.append(int(entry))
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_die_when_apply_is_killed(tmp_path: Path):
    for i in range(12):
        shutil.copy(SAMPLES / "mindspore_train.py", tmp_path / f"m{i:02d}.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPROFIX_CRASH_AT": "processed:1"}
    process = subprocess.Popen([sys.executable, "-m", "codemod", "apply", "-j2", "."], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    assert process.wait(timeout=120) == -signal.SIGKILL  # killed once the first file came back from a worker
    deadline = time.monotonic() + 30
    while alive_in_session(process.pid):
        assert time.monotonic() < deadline, f"workers outlived apply: {alive_in_session(process.pid)}"
        time.sleep(0.05)
    result = run_reprofix("revert", cwd=tmp_path, check_code=1, env=QUICK_LOCK)  # the lock is free again
    assert result.stderr == "reprofix: reprofix.patch: no such patch; nothing to revert\n"


# 10. Deep nesting: one error line, the other files processed.

def test_deep_nesting_is_one_error_line_and_the_other_files_are_rewritten(tmp_path: Path):
    files = {f"ok{i}.py": DROPOUT for i in range(5)}
    files["deep.py"] = DROPOUT + b"x = " + b"(" * 1500 + b"1" + b")" * 1500 + b"\n"
    files["chain.py"] = DROPOUT + b"x = 1" + b" and 1" * 20000 + b"\n"
    write(tmp_path, files)
    result = run_reprofix("apply", "-j2", ".", cwd=tmp_path, check_code=1)
    chain, deep = result.stderr.splitlines()
    assert chain == "reprofix: chain.py: nested too deeply to parse safely: 20004 levels (at most 200); file left unchanged"
    assert deep.startswith("reprofix: deep.py:4:") and deep.endswith(": syntax error: too many nested parentheses; "
                                                                     "file left unchanged")
    assert "reprofix: 5 of 5 file(s) changed" in result.stdout
    assert (tmp_path / "deep.py").read_bytes() == files["deep.py"]
    result = run_reprofix("apply", "--dry-run", "deep.py", cwd=tmp_path, check_code=1)
    assert result.stderr == deep + "\n"


# 11. Owner, group, mode and hard links.

@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_owner_group_and_mode_are_kept_by_apply_and_revert(tmp_path: Path):
    write(tmp_path, {"train.py": DROPOUT})
    os.chown(tmp_path / "train.py", 4321, 4322)
    os.chmod(tmp_path / "train.py", 0o640)

    def owner() -> tuple[int, int, int]:
        info = (tmp_path / "train.py").stat()
        return info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)

    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    assert owner() == (4321, 4322, 0o640) and REWRITTEN in (tmp_path / "train.py").read_bytes()
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert owner() == (4321, 4322, 0o640) and (tmp_path / "train.py").read_bytes() == DROPOUT


def test_hard_linked_files_are_refused_before_anything_is_written(tmp_path: Path):
    write(tmp_path, {"a.py": DROPOUT, "b.py": DROPOUT})
    os.link(tmp_path / "a.py", tmp_path / "a-link.py")
    before = snapshot(tmp_path)
    result = run_reprofix("apply", "a.py", "b.py", cwd=tmp_path, check_code=1)
    assert result.stderr == ("reprofix: a.py: has 2 hard links; reprofix replaces a file by renaming a new copy over it, "
                             "which would split them: remove the other links first\nreprofix: nothing was changed\n")
    assert snapshot(tmp_path) == before and (tmp_path / "a.py").stat().st_nlink == 2

    run_reprofix("apply", "b.py", cwd=tmp_path, check_code=0)
    os.link(tmp_path / "b.py", tmp_path / "b-link.py")
    before = snapshot(tmp_path)
    result = run_reprofix("revert", cwd=tmp_path, check_code=1)
    assert result.stderr.startswith("reprofix: b.py: has 2 hard links;") and snapshot(tmp_path) == before


# 12. Temporary files carry the run's id; nothing else is ever removed.

def test_only_the_runs_own_temporary_files_are_removed(tmp_path: Path):
    project = tmp_path / "project"
    project.mkdir()
    original = write(project, {"a.py": DROPOUT, "b.py": DROPOUT,
                               ".reprofix-notes.tmp": b"mine\n", ".reprofix-0123456789abcdef-x.tmp": b"mine too\n"})
    (tmp_path / ".reprofix-outside.tmp").write_bytes(b"mine as well\n")
    # writes: the patch (1, 2), a.py (3, 4), b.py (5: its temporary file is complete): killed there
    result = signalled(project, "write:5", "KILL", "apply", "a.py", "b.py")
    assert result.returncode == -signal.SIGKILL
    run = re.search(rb"^# reprofix-run: ([0-9a-f]{16})$", (project / "reprofix.patch").read_bytes(), re.M).group(1)
    left = [p.name for p in project.iterdir() if p.name.startswith(f".reprofix-{run.decode()}-")]
    assert len(left) == 1 and left[0].endswith(".tmp")
    run_reprofix("revert", cwd=project, check_code=0)
    assert snapshot(project) == original
    assert (tmp_path / ".reprofix-outside.tmp").read_bytes() == b"mine as well\n"


# 13. revert --partial goes on past a missing file.

def test_revert_partial_restores_what_it_can_when_a_file_is_missing(tmp_path: Path):
    write(tmp_path, {"a.py": DROPOUT, "b.py": DROPOUT, "c.py": DROPOUT})
    run_reprofix("apply", "a.py", "b.py", "c.py", cwd=tmp_path, check_code=0)
    (tmp_path / "b.py").unlink()
    before = snapshot(tmp_path)
    result = run_reprofix("revert", cwd=tmp_path, check_code=1)
    assert result.stderr == ("reprofix: b.py: named in the patch but missing; `reprofix revert --partial` undoes the "
                             "other files and saves its hunks to the .rej file; nothing was changed\n")
    assert snapshot(tmp_path) == before
    result = run_reprofix("revert", "--partial", cwd=tmp_path, check_code=1)
    assert result.stdout == ("restored a.py (1 hunk undone)\nrestored c.py (1 hunk undone)\n"
                             "missing b.py: its hunks are in the .rej file\n"
                             "reprofix: 2 file(s) restored; removed reprofix.patch\n")
    assert (tmp_path / "a.py").read_bytes() == DROPOUT == (tmp_path / "c.py").read_bytes()
    rejected = (tmp_path / "reprofix.patch.rej").read_bytes()
    assert b"+++ b/b.py\n" in rejected and b"+d = nn.Dropout(p=0.0)" in rejected
    assert not (tmp_path / "reprofix.patch").exists()


# 14. Ctrl-C says what was done and how to finish.

def test_ctrl_c_during_apply_says_what_was_done_and_how_to_finish(tmp_path: Path):
    original = write(tmp_path, {"a.py": DROPOUT, "b.py": DROPOUT, "c.py": DROPOUT})
    result = signalled(tmp_path, "write:4", "INT", "apply", "a.py", "b.py", "c.py")  # as a.py is replaced
    assert result.returncode == 130
    assert result.stderr == ("reprofix: interrupted after rewriting 1 of 3 file(s); reprofix.patch records where it "
                             "stopped: `reprofix apply` with the same paths completes the change, `reprofix revert` "
                             "undoes it\n")
    assert "an apply was interrupted" in run_reprofix("status", cwd=tmp_path, check_code=1).stdout
    result = run_reprofix("apply", "a.py", "b.py", "c.py", cwd=tmp_path, check_code=0)
    assert "reprofix: completed an interrupted apply" in result.stderr
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert snapshot(tmp_path) == original


def test_ctrl_c_during_revert_and_while_reading(tmp_path: Path):
    original = write(tmp_path, {"a.py": DROPOUT, "b.py": DROPOUT, "c.py": DROPOUT})
    run_reprofix("apply", "a.py", "b.py", "c.py", cwd=tmp_path, check_code=0)
    result = signalled(tmp_path, "write:4", "INT", "revert")
    assert result.returncode == 130 and result.stdout == "restored a.py (1 hunk undone)\n"
    assert result.stderr == ("reprofix: interrupted; stopped after restoring 1 of 3 file(s); run `reprofix revert` "
                             "again to finish (it keeps every edit)\n")
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert snapshot(tmp_path) == original
    for i in range(6):
        (tmp_path / f"m{i}.py").write_bytes(DROPOUT)
    result = signalled(tmp_path, "processed:1", "INT", "apply", "-j2", ".")
    assert result.returncode == 130 and result.stderr == "reprofix: interrupted; nothing was changed\n"
    assert snapshot(tmp_path) == {**original, **{f"m{i}.py": DROPOUT for i in range(6)}}


# The patch does not depend on the working folder.

def test_the_patch_lives_at_the_project_root_and_is_found_from_any_folder_inside(tmp_path: Path):
    project = tmp_path / "proj"
    original = write(project, {"pyproject.toml": b"[project]\nname = 'p'\n",
                               "train.py": DROPOUT + b"from src import model\n", "src/model.py": DROPOUT})
    result = run_reprofix("apply", "proj/train.py", cwd=tmp_path, check_code=0)
    assert result.stdout.splitlines()[-2].endswith(
        "patch: proj/reprofix.patch (undo: reprofix revert --patch proj/reprofix.patch)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proj"]
    patch = (project / "reprofix.patch").read_bytes()
    assert b"diff --git a/src/model.py b/src/model.py\n" in patch and b"diff --git a/train.py b/train.py\n" in patch

    src = project / "src"
    status = run_reprofix("status", cwd=src, check_code=1).stdout
    assert status == ("reprofix: ../reprofix.patch is applied to 2 of 2 file(s)\n"
                      "  model.py: applied, unchanged since\n  ../train.py: applied, unchanged since\n")
    leftovers = run_reprofix("scan", "--leftovers", ".", cwd=src, check_code=1).stdout
    assert "reprofix scan: ../reprofix.patch is still applied to 2 file(s): `reprofix revert` takes it out" in leftovers
    result = run_reprofix("revert", cwd=src, check_code=0)
    assert result.stdout == ("restored model.py (1 hunk undone)\nrestored ../train.py (1 hunk undone)\n"
                             "reprofix: 2 file(s) restored; removed ../reprofix.patch\n")
    assert snapshot(project) == original
    run_reprofix("status", cwd=project, check_code=0)


# Messages: the difference visible, never "None:", never "please report" for code that never was Python.

def test_a_conflict_in_line_endings_only_is_shown(tmp_path: Path):
    write(tmp_path, {"crlf.py": DROPOUT.replace(b"\n", b"\r\n")})
    run_reprofix("apply", "--disable", "MS001", "crlf.py", cwd=tmp_path, check_code=0)
    text = (tmp_path / "crlf.py").read_bytes()
    (tmp_path / "crlf.py").write_bytes(text.replace(b"nn.Dropout(p=0.0)\r\n", b"nn.Dropout(p=0.0)\n"))
    result = run_reprofix("revert", cwd=tmp_path, check_code=1)
    assert result.stderr.splitlines()[0] == (
        "reprofix: crlf.py:4: hunk 1 no longer matches: expected 'd = nn.Dropout(p=0.0)\\r', found 'd = nn.Dropout(p=0.0)'")


def test_a_write_error_names_the_file_and_loses_nothing(tmp_path: Path):
    """A file-size limit (as a full disk does) makes the write fail with no file name attached."""
    write(tmp_path, {"train.py": DROPOUT})
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    applied = snapshot(tmp_path)

    def tiny_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))

    result = run_reprofix("revert", cwd=tmp_path, check_code=1, preexec_fn=tiny_files)
    assert result.stderr == ("reprofix: reprofix.patch: cannot write: File too large; run `reprofix revert` "
                             "again to finish\n")
    assert snapshot(tmp_path) == applied
    run_reprofix("revert", cwd=tmp_path, check_code=0)


def test_code_that_never_was_python_is_not_called_a_bug(tmp_path: Path):
    write(tmp_path, {"script.py": DROPOUT + b"return 1\n"})
    result = run_reprofix("apply", "script.py", cwd=tmp_path, check_code=1)
    assert result.stderr == "reprofix: script.py:4:1: syntax error: 'return' outside function; file left unchanged\n"


def test_a_worker_killed_in_the_text_pre_pass_costs_nothing(tmp_path: Path):
    """The workers read what the import graph needs from each file; one killed there (out of memory)
    leaves the main process to read them itself: the same report and patch as one process gives."""
    for copy in ("a", "b"):
        write(tmp_path / copy, {f"ok{i}.py": DROPOUT for i in range(8)})
        shutil.copytree(SAMPLES / "mindspore_project", tmp_path / copy / "project")
    one = run_reprofix("apply", "--dry-run", "-j1", ".", cwd=tmp_path / "a", check_code=0)
    env = {**os.environ, "REPROFIX_CRASH_AT": "learned:2"}
    two = run_reprofix("apply", "--dry-run", "-j2", ".", cwd=tmp_path / "b", check_code=0, env=env)
    assert two.stdout == one.stdout and two.stderr == one.stderr
    assert one.stdout.splitlines()[-1] == "reprofix: 12 of 13 file(s) would change, 21 change(s), 0 need you; dry run, nothing written"
