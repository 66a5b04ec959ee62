"""What a terminal shows (rich: the progress bar, the coloured diff) and what a pipe gets (exact bytes)."""

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

COLOUR = re.compile(rb"\x1b\[[0-9;]*m")
SCRIPT = (b"# -*- coding: latin-1 -*-\r\n\"\"\"caf\xe9\"\"\"\r\nimport torch\r\n"
          b"if __name__ == '__main__':\r\n\td = torch.nn.Dropout(0.5)\r\n")


def reprofix_on_a_terminal(*args: str, cwd: Path, no_color: bool) -> bytes:
    """stdout and stderr of reprofix run on a pseudo-terminal, as a user at a terminal sees them."""
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS="100", **({"NO_COLOR": "1"} if no_color else {}))
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "codemod", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=follower)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end closed: the process is done
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0, out
    return out


def test_terminal_gets_a_progress_bar_and_colours_unless_no_color(tmp_path: Path):
    for number in range(60):
        (tmp_path / f"m{number:02}.py").write_bytes(b"import torch\nd = torch.nn.Dropout(0.5)\n")
    coloured = reprofix_on_a_terminal("apply", "--dry-run", "-j1", ".", cwd=tmp_path, no_color=False)
    plain = reprofix_on_a_terminal("apply", "--dry-run", "-j1", ".", cwd=tmp_path, no_color=True)
    for out in (coloured, plain):
        assert b"60/60 files" in COLOUR.sub(b"", out)  # rich's bar, at its last step
        assert b"\r\n+d = torch.nn.Dropout(0.0)\r\n" in COLOUR.sub(b"", out)
    assert b"\x1b[32m+d = torch.nn.Dropout(0.0)" in coloured  # green
    assert COLOUR.search(plain) is None


def test_piped_dry_run_prints_the_patch_s_diff_byte_for_byte(tmp_path: Path):
    (tmp_path / "train.py").write_bytes(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NO_COLOR", None)
    dry = subprocess.run([sys.executable, "-m", "codemod", "apply", "--dry-run", "train.py"], cwd=tmp_path, env=env,
                         capture_output=True, check=True).stdout
    subprocess.run([sys.executable, "-m", "codemod", "apply", "train.py"], cwd=tmp_path, env=env, capture_output=True,
                   check=True)
    patch = (tmp_path / "reprofix.patch").read_bytes()
    diff = patch[patch.index(b"diff --git"):]
    assert b"caf\xe9" in diff and b"\r\n" in diff
    assert dry[: len(diff)] == diff
    assert dry[len(diff):].startswith(b"Entry scripts (seed block): train.py\n")
