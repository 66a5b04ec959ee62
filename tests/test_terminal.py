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


def reprofix_on_a_terminal(*args: str, cwd: Path, no_color: bool | str, code: int = 0) -> bytes:
    """stdout and stderr of reprofix run on a pseudo-terminal, as a user at a terminal sees them
    (`no_color`: NO_COLOR=1, unset, or the value given)."""
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")}
    value = no_color if isinstance(no_color, str) else "1" if no_color else None
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS="100", **({"NO_COLOR": value} if value is not None
                                                                              else {}))
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
    assert process.wait(timeout=120) == code, out
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


def test_verdicts_are_green_or_red_on_a_terminal_and_plain_elsewhere(tmp_path: Path):
    """Reproducible in green, not reproducible in red, could not judge in yellow: on a terminal, and
    with NO_COLOR empty (no-color.org: only a non-empty value turns colour off); never with
    NO_COLOR=1, through a pipe, or in --json."""
    (tmp_path / "steady.py").write_text("print('loss: 1.000000', flush=True)\nprint('loss: 0.500000', flush=True)\n")
    (tmp_path / "noisy.py").write_text(  # each run's losses one more than the last one's
        "import os\nn = int(open('n').read()) if os.path.exists('n') else 0\nopen('n', 'w').write(str(n + 1))\n"
        "print(f'loss: {1.0 + n:.6f}', flush=True)\nprint(f'loss: {0.5 + n:.6f}', flush=True)\n")
    (tmp_path / "silent.py").write_text("print('hello')\n")
    green, red, yellow = b"\x1b[32m\x1b[1mverdict: reproducible: ", b"\x1b[31m\x1b[1mverdict: not reproducible: ", \
        b"\x1b[33m\x1b[1mreprofix: could not judge: "
    for name, code, colour in (("steady.py", 0, green), ("noisy.py", 1, red), ("silent.py", 2, yellow)):
        command = ("verify", "--", sys.executable, name)
        for no_color in (False, ""):
            shown = reprofix_on_a_terminal(*command, cwd=tmp_path, no_color=no_color, code=code)
            assert colour in shown and shown.count(b"\x1b[") == 3  # the line's colour, bold, and the reset
        plain = reprofix_on_a_terminal(*command, cwd=tmp_path, no_color=True, code=code)
        assert COLOUR.search(plain) is None and colour[10:] in plain
        data = reprofix_on_a_terminal("verify", "--json", *command[1:], cwd=tmp_path, no_color=False, code=code)
        assert COLOUR.search(data) is None
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("NO_COLOR", None)
        piped = subprocess.run([sys.executable, "-m", "codemod", *command], cwd=tmp_path, env=env, capture_output=True)
        assert piped.returncode == code and COLOUR.search(piped.stdout + piped.stderr) is None
        assert colour[10:] in piped.stdout + piped.stderr


def test_an_empty_no_color_leaves_the_report_s_colours_on(tmp_path: Path):
    """no-color.org: NO_COLOR turns colour off when it is set and not empty."""
    (tmp_path / "train.py").write_bytes(SCRIPT)
    for no_color, bold in ((False, True), ("", True), ("0", False), (True, False)):
        shown = reprofix_on_a_terminal("scan", "train.py", cwd=tmp_path, no_color=no_color, code=1)
        assert (b"\x1b[1mApply fixes:" in shown) is bold and (COLOUR.search(shown) is not None) is bold
