"""The pre-commit hooks (.pre-commit-hooks.yaml), run for real by `pre-commit run` in a git repository
holding a rewritten file, configured as a user configures them (`repo:` and `rev:` in
.pre-commit-config.yaml). pre-commit installs this project, with its dependencies from PyPI, into a
virtualenv of its own, once for both runs: the test takes about 25 s (less with pip's cache warm)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_reprofix

SCRIPT = b"import torch\nd = torch.nn.Dropout(0.5)\n"
GIT = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def this_project_as_a_repository(folder: Path) -> str:
    """This project's files as they are now (committed or not, ignored files aside), committed in a
    repository of their own (pre-commit clones a commit, and would miss files this working tree has
    not committed yet); the commit's id."""
    files = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    git("init", "-q", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-q", "-m", "snapshot", cwd=folder)
    return git("rev-parse", "HEAD", cwd=folder).strip()


def pre_commit_run(cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT, "PRE_COMMIT_HOME": str(home)}
    env.pop("PYTHONPATH", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_hooks_fail_on_a_rewritten_file_and_pass_after_revert(tmp_path: Path):
    hooks = tmp_path / "reprofix"
    rev = this_project_as_a_repository(hooks)
    user = tmp_path / "user"
    user.mkdir()
    (user / "train.py").write_bytes(SCRIPT)
    (user / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks.as_uri()}\n  rev: {rev}\n  hooks:\n  - id: reprofix-leftovers\n"
        "  - id: reprofix-status\n")
    git("init", "-q", cwd=user)
    git("add", "train.py", ".pre-commit-config.yaml", cwd=user)
    git("commit", "-q", "-m", "train", cwd=user)
    run_reprofix("apply", "train.py", cwd=user, check_code=0)
    git("add", "train.py", cwd=user)  # pre-commit checks what is staged

    failing = pre_commit_run(user, tmp_path / "pre-commit")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    lines = failing.stdout.splitlines()
    assert any(line.startswith("no reprofix changes left in the code") and line.endswith("Failed") for line in lines)
    assert any(line.startswith("no reprofix patch applied") and line.endswith("Failed") for line in lines)
    assert "\n  train.py:3:1  RP002  reprofix changes are in this file (3 marked line(s)); `reprofix revert` takes " \
           "them out\n" in failing.stdout
    assert "\nreprofix: reprofix.patch is applied to 1 of 1 file(s)\n  train.py: applied, unchanged since\n" in failing.stdout

    run_reprofix("revert", cwd=user, check_code=0)
    git("add", "train.py", cwd=user)
    passing = pre_commit_run(user, tmp_path / "pre-commit")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert (user / "train.py").read_bytes() == SCRIPT
