"""Issue 25, "Trust under attack, third round": each test is an attack that worked, and must not any
more. Real files, real signals, real second processes; tests/test_attacks.py holds the first rounds."""

import os
import re
import stat
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

from codemod.journal.atomic import current_umask
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


def without_dac_override(command: list[str]) -> list[str]:
    """As root, permissions are not checked: run the command without the capabilities that skip them
    (an unprivileged user needs nothing)."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]


def test_unreadable_and_too_long_folders_are_skipped_with_a_note(tmp_path: Path):
    """A root-owned data/ (common with Docker) and a folder whose path is longer than PATH_MAX: every
    command that walks goes on with the rest, saying what it skipped, instead of an internal error."""
    write(tmp_path, {"a.py": DROPOUT, "locked/b.py": DROPOUT})
    fd = os.open(tmp_path, os.O_RDONLY)
    for _ in range(45):  # 45 folders of 100 characters: 4,545 bytes of path
        os.mkdir("d" * 100, dir_fd=fd)
        inner = os.open("d" * 100, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    with open(os.open("deep.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "wb") as deep:
        deep.write(DROPOUT)
    os.close(fd)
    (tmp_path / "locked").chmod(0)
    long_note = re.compile(rf"reprofix: note: {'d' * 60}\.\.\.{'d' * 60} \(a path of \d{{4}} characters\): skipped: "
                           r"cannot be read \(File name too long\)")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]), "NO_COLOR": "1"}
    try:
        for args, code in ((["scan", "."], 1), (["scan", "--leftovers", "."], 0), (["apply", "--dry-run", "."], 0)):
            result = subprocess.run(without_dac_override([sys.executable, "-m", "codemod", *args]), cwd=tmp_path,
                                    env=env, capture_output=True, text=True, timeout=120)
            assert result.returncode == code, (args, result.stdout, result.stderr)
            locked, deep = result.stderr.splitlines()
            assert locked == "reprofix: note: locked: skipped: cannot be read (Permission denied)", result.stderr
            assert long_note.fullmatch(deep), result.stderr
            if args[-2:] != ["--leftovers", "."]:
                assert "a.py:3:5" in result.stdout and "b.py" not in result.stdout
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_a_deeply_nested_configuration_value_gets_one_line(tmp_path: Path):
    original = write(tmp_path, {"a.py": DROPOUT,
                                "pyproject.toml": b"[tool.reprofix]\nexclude = " + b"[" * 5000 + b"]" * 5000 + b"\n"})
    result = run_reprofix("apply", "a.py", cwd=tmp_path, check_code=2)
    assert result.stderr == f"reprofix: {tmp_path / 'pyproject.toml'}: a value nested too deeply to read\n"
    assert snapshot(tmp_path) == original


def test_a_conflict_in_the_line_end_only_says_so(tmp_path: Path):
    """An editor that adds the file's final newline: the two lines shown must not read the same."""
    write(tmp_path, {"a.py": b"import torch\nd = torch.nn.Dropout(p=0.5)"})
    run_reprofix("apply", "--no-follow", "a.py", cwd=tmp_path, check_code=0)
    with open(tmp_path / "a.py", "ab") as edited:
        edited.write(b"\n")
    result = run_reprofix("revert", cwd=tmp_path, check_code=1)
    assert result.stderr.splitlines()[0].endswith(
        "hunk 1 no longer matches: expected 'd = torch.nn.Dropout(p=0.0)' with no line end, found "
        "'d = torch.nn.Dropout(p=0.0)' ending in \\n"), result.stderr


ACL = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", tag, perm, uid) for tag, perm, uid in (
    (0x01, 6, 0xFFFFFFFF), (0x02, 6, 1000), (0x04, 4, 0xFFFFFFFF), (0x10, 6, 0xFFFFFFFF), (0x20, 4, 0xFFFFFFFF)))
ATTRIBUTES = {"user.origin": b"shared by the lab", "system.posix_acl_access": ACL, "security.selinux": b"user_u:object_r:user_home_t:s0"}


def attributes(path: Path) -> dict:
    return {name: os.getxattr(path, name) for name in os.listxattr(path)}


def test_extended_attributes_acls_and_labels_survive_apply_and_revert(tmp_path: Path):
    """A file shared through an ACL (user 1000 may write it), with a user attribute and an SELinux
    label: apply's new file and revert's keep all three, read back from the files."""
    original = write(tmp_path, {"a.py": DROPOUT})
    for name, value in ATTRIBUTES.items():
        os.setxattr(tmp_path / "a.py", name, value)
    before, mode = attributes(tmp_path / "a.py"), stat.S_IMODE((tmp_path / "a.py").stat().st_mode)
    assert set(before) == set(ATTRIBUTES)
    run_reprofix("apply", "a.py", cwd=tmp_path, check_code=0)
    assert b"p=0.0" in (tmp_path / "a.py").read_bytes()
    assert attributes(tmp_path / "a.py") == before and stat.S_IMODE((tmp_path / "a.py").stat().st_mode) == mode
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert snapshot(tmp_path) == original
    assert attributes(tmp_path / "a.py") == before and stat.S_IMODE((tmp_path / "a.py").stat().st_mode) == mode


NET = (b"import torch\nfrom torch import nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
       b"        self.fc = nn.Linear(4, 4)\n        self.drop = nn.Dropout(p=0.5)\n        self.out = nn.Linear(4, 2)\n\n"
       b"    def forward(self, x):\n        return self.out(self.drop(self.fc(x)))\n")


def test_revert_never_undoes_a_hunk_in_a_copy_of_the_code(tmp_path: Path):
    """After apply the user copies the class holding the rewritten Dropout, then edits the original
    line: the hunk's place holds an edited copy of it, so it is a conflict; the copy is not touched."""
    write(tmp_path, {"net.py": NET})
    run_reprofix("apply", "--no-follow", "net.py", cwd=tmp_path, check_code=0)
    rewritten = (tmp_path / "net.py").read_bytes()
    copy = rewritten[rewritten.index(b"class Net"):].replace(b"class Net", b"class Copy")
    edited = rewritten.replace(b"nn.Dropout(p=0.0)", b"nn.Dropout(p=0.25)", 1) + b"\n\n" + copy
    (tmp_path / "net.py").write_bytes(edited)
    result = run_reprofix("revert", cwd=tmp_path, check_code=1)
    assert "hunk 1 no longer matches: expected 'self.drop = nn.Dropout(p=0.0)', found " \
           "'self.drop = nn.Dropout(p=0.25)'" in result.stderr, result.stderr
    assert (tmp_path / "net.py").read_bytes() == edited


def test_revert_reports_a_hunk_that_lines_added_above_have_moved(tmp_path: Path):
    """Lines added between two hunks move the second: it is undone where it now stands, and said."""
    fillers = b"".join(b"def helper%d(x):\n    return x + %d\n\n\n" % (i, i) for i in range(4))
    net = NET.replace(b"\n\nclass Net", b"\n\n" + fillers + b"class Net")
    write(tmp_path, {"net.py": net})
    run_reprofix("apply", "--no-follow", "net.py", cwd=tmp_path, check_code=0)
    rewritten = (tmp_path / "net.py").read_bytes()
    at = rewritten.index(b"class Net")
    (tmp_path / "net.py").write_bytes(rewritten[:at] + b"HELPER = 1\n" * 12 + rewritten[at:])
    result = run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert "restored net.py (2 hunks undone; hunk 2 found 12 lines below where apply left it)" in result.stdout, \
        result.stdout
    assert (tmp_path / "net.py").read_bytes() == net[:net.index(b"class Net")] + b"HELPER = 1\n" * 12 + \
        net[net.index(b"class Net"):]


def test_excluded_files_are_not_rewritten_when_reached_through_imports(tmp_path: Path):
    """Vendored code the user excluded, imported by the entry, by a notebook, in folder mode, and
    excluded in [tool.reprofix] as well as on the command line."""
    original = write(tmp_path, {
        "train.py": b"import torch\nfrom vendor.lib import layers\n",
        "explore.ipynb": (b'{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], '
                          b'"source": ["from vendor.lib import layers\\n", "import torch"]}], "metadata": {}, '
                          b'"nbformat": 4, "nbformat_minor": 5}\n'),
        "vendor/__init__.py": b"", "vendor/lib/__init__.py": b"",
        "vendor/lib/layers.py": b"import torch\nd = torch.nn.Dropout(p=0.5)\n"})
    note = "reprofix: note: vendor/lib/layers.py: reached from {} but excluded; not rewritten"
    for args in (["train.py"], ["explore.ipynb"], ["."]):
        result = run_reprofix("apply", "--dry-run", "--exclude", "vendor/", *args, cwd=tmp_path, check_code=0)
        assert "vendor/lib/layers.py" not in result.stdout, (args, result.stdout)
        assert note.format(args[0] if args != ["."] else "explore.ipynb") in result.stderr.splitlines(), result.stderr
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.reprofix]\nexclude = ["vendor"]\n')
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    assert (tmp_path / "vendor/lib/layers.py").read_bytes() == original["vendor/lib/layers.py"]
    run_reprofix("revert", cwd=tmp_path, check_code=0)


WORKER_SCRIPT = """import os, subprocess, sys, time
worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])  # a DataLoader worker, say
with open("worker-%d.tmp" % os.getpid(), "w") as note:
    note.write(str(worker.pid))
os.rename("worker-%d.tmp" % os.getpid(), "worker-%d" % os.getpid())
print("loss: 1.0", flush=True)
time.sleep(120)
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def test_sigkill_of_verify_leaves_no_training_process_behind(tmp_path: Path):
    """The OOM killer or a CI hard stop SIGKILLs `reprofix verify` while the training has a worker
    process: neither the training nor its worker may go on running."""
    (tmp_path / "train.py").write_text(WORKER_SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]), "NO_COLOR": "1"}
    verify = subprocess.Popen([sys.executable, "-m", "codemod", "verify", "--", sys.executable, "train.py"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob("worker-[0-9]*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        (note,) = [p for p in tmp_path.glob("worker-[0-9]*") if not p.name.endswith(".tmp")]
        training, worker = int(note.name.split("-")[1]), int(note.read_text())
        assert alive(training) and alive(worker)
    finally:
        verify.kill()
        verify.wait()
    deadline = time.monotonic() + 10
    while (alive(training) or alive(worker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [pid for pid in (training, worker) if alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


def test_messages_for_what_libcst_cannot_take_say_what_is_true(tmp_path: Path):
    """5,000 implicitly joined string literals are valid Python libcst cannot parse, not a syntax
    error; 250,000 blank lines are line breaks, not operators."""
    write(tmp_path, {"joined.py": DROPOUT + b"x = (" + b" ".join([b'"a"'] * 5000) + b")\n",
                     "blank.py": DROPOUT + b"\n" * 250_000 + b"y = 1\n"})
    result = run_reprofix("scan", "--no-follow", "joined.py", cwd=tmp_path, check_code=1)
    assert result.stderr.startswith("reprofix: joined.py:4:1: valid Python that libcst's parser cannot read ("), \
        result.stderr
    assert "syntax error" not in result.stderr
    result = run_reprofix("scan", "--no-follow", "blank.py", cwd=tmp_path, check_code=1)
    assert result.stderr.startswith("reprofix: blank.py: too large to parse safely: 250,019 spaces, line breaks "
                                    "(250,004), separators and operators to parse"), result.stderr


def test_revert_keeps_the_patch_while_a_git_stash_holds_the_rewritten_files(tmp_path: Path):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                            "GIT_COMMITTER_EMAIL": "t@t"})

    original = write(tmp_path, {"train.py": DROPOUT})
    git("init", "-q")
    git("add", "train.py")
    git("commit", "-q", "-m", "start")
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    git("stash", "-q")
    result = run_reprofix("revert", cwd=tmp_path, check_code=1)
    assert result.stderr == ("reprofix: reprofix.patch: every file is already as before apply, but stash@{0} holds "
                             "rewritten ones (train.py); `git stash pop`, then `reprofix revert` (the patch is kept); nothing was changed\n")
    assert (tmp_path / "reprofix.patch").exists()
    git("stash", "pop", "-q")
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert {k: v for k, v in snapshot(tmp_path).items() if not k.startswith(".git")} == original


def test_a_classic_mac_file_is_an_entry_script_in_folder_mode(tmp_path: Path):
    """Line ends of `\\r` alone: Python runs the file, and its `__main__` guard makes it an entry."""
    original = write(tmp_path, {"train.py": b"import torch\rif __name__ == '__main__':\r    d = torch.nn.Dropout(p=0.5)\r"})
    result = run_reprofix("apply", ".", cwd=tmp_path, check_code=0)
    assert result.stdout.startswith("Entry scripts (seed block): train.py\n"), result.stdout
    compile((tmp_path / "train.py").read_bytes(), "train.py", "exec")
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert snapshot(tmp_path) == original
