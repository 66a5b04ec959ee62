import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def rule_snippets() -> list[str]:
    """The `before` code of every rule example: material for generated programs."""
    from codemod.engine import all_rules

    return sorted({example.before for rule in all_rules().values() for example in rule.examples})


def vary_line_endings(draw, text: str) -> bytes:
    """`text` with CRLF line endings or not, and its last newline or not, as hypothesis draws."""
    from hypothesis import strategies as st

    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text.encode()


def require_framework(module: str) -> None:
    """Frameworks are real in these tests: missing in CI is a failure, elsewhere a skip."""
    if importlib.util.find_spec(module) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{module} is not installed, and CI must run the tests that need it")
        pytest.skip(f"{module} is not installed")


def run_reprofix(*args: str, cwd: Path, check_code: int | None = None, env: dict | None = None,
                 **options) -> subprocess.CompletedProcess:
    """The real command line, as a user runs it (`python -m codemod` is the same program). A run that
    hangs fails the test after two minutes instead of hanging the suite."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "codemod", *args], cwd=cwd, capture_output=True, text=True, env=env,
        timeout=120, **options
    )
    if check_code is not None:
        assert result.returncode == check_code, (result.returncode, result.stdout, result.stderr)
    return result


def with_journal(diff: bytes, *files: str, state: str = "applied") -> bytes:
    """`diff` behind a reprofix journal header listing `files` (digests of nothing): for tests that
    hand revert a patch someone tampered with."""
    lines = [b"# reprofix-state: " + state.encode(), b"# reprofix-run: 0123456789abcdef", b"# reprofix-root: ."]
    lines += [b"# reprofix-file: %s %s %s" % (b"0" * 64, b"0" * 64, name.encode()) for name in files]
    return b"\n".join(lines) + b"\n" + diff


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return tmp_path
