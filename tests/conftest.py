import compileall
import importlib.util
import json
import locale
import os
import select
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Cache what this process compiles, even where PYTHONDONTWRITEBYTECODE is set (as on our CI): every
# xdist worker would otherwise rewrite the asserts of hypothesis's 80 modules again (about 4 s each),
# and every `python -m codemod` the tests run would compile the engine again (about 0.3 s each).
sys.dont_write_bytecode = False
for package in ("codemod", "transforms"):
    compileall.compile_dir(ROOT / package, quiet=2)

from hypothesis import strategies as st  # noqa: E402  (after the line above: its asserts are cached)

SAMPLES = ROOT / "samples"


def rule_snippets() -> list[str]:
    """The `before` code of every rule example: material for generated programs."""
    from codemod.engine import all_rules

    return sorted({example.code for rule in all_rules().values() if rule.language == "python" for example in rule.examples})


def rewriting_snippets() -> list[tuple[str, bool]]:
    """The `before` code of every rule example that a rule rewrites (not only reports), and whether it
    is rewritten as an entry script (the seed block's examples)."""
    from codemod.engine import all_rules
    from transforms.rule import Invalid

    from transforms.options import SEEDS_RANDOMNESS

    return sorted({(example.code, example.script) for rule in all_rules().values()
                   if rule.language == "python" and rule.id not in SEEDS_RANDOMNESS
                   for example in rule.examples
                   if isinstance(example, Invalid) and example.expected not in (None, example.code)})


# Material for generated programs: rule examples, unrelated statements, and class members mixing both.
HEADER = "import mindspore\nimport mindspore.dataset as ds\nfrom mindspore import nn, ops\n"
UNRELATED = [
    "def unrelated(a, b=2):\n    return a + b\n",
    "@staticmethod\ndef decorated(x):\n    if x:\n        return 1\n    else:\n        return 2\n",
    "class Helper:\n    \"\"\"Doc.\n\nmore doc at column 0\n\"\"\"\n    size = 3\n\n    def grow(self, n):\n        return n * self.size\n",
    "try:\n    value = int('3')\nexcept ValueError:\n    value = 0\nfinally:\n    pass\n",
    "TABLE = [\n1, 2,\n3]\nTOTAL = 1 + \\\n    2\n",
    "for i in range(3):\n    print(i)\nelse:\n    print('done')\n",
    "dataset = data = None\n",  # rebinds names the examples use: "bound once" no longer holds
    "sizes = [data for data in range(2)]\n",
    "def later():\n    global dataset\n    dataset = None\n",
]
# Members for a class whose body mixes what rules touch with what they do not.
MEMBERS = [
    "    def helper(self, x):\n        return x\n",
    "    def build(self):\n        self.drop = nn.Dropout(p=0.5)\n        return self.drop\n",
    "    settings = {\"shuffle\": True}\n",
    "    def data(self):\n        return ds.GeneratorDataset(self.source, column_names=[\"x\"], **self.settings)\n",
    "    rate = 0.5\n    layer = nn.Dropout(p=rate)\n",
    "    def shuffled(self, data):\n        return data.shuffle(buffer_size=10)\n",
    "    @property\n    def name(self):\n        return 'net'\n",
]


def vary_line_endings(draw, text: str) -> bytes:
    """`text` with CRLF line endings or not, and its last newline or not, as hypothesis draws."""
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


RUN_TIMEOUT = 120  # seconds: a run that hangs fails its test instead of hanging the suite


def run_reprofix(*args: str, cwd: Path, check_code: int | None = None, env: dict | None = None,
                 **options) -> subprocess.CompletedProcess:
    """The real command line, as a user runs it (`python -m codemod` is the same program): in a child
    of this worker's zygote (tests/zygote.py), or, given its own environment or process options,
    started fresh."""
    fresh = env is not None or options
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", **(env or {})}
    if fresh:
        result = subprocess.run([sys.executable, "-m", "codemod", *args], cwd=cwd, capture_output=True, text=True,
                                env=env, timeout=RUN_TIMEOUT, **options)
    else:
        result = _ZYGOTE.run(args, cwd, env)
    if check_code is not None:
        assert result.returncode == check_code, (result.returncode, result.stdout, result.stderr)
    return result


class _Zygote:
    """This worker's zygote, started on first use; it ends when the worker does (its input closes)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.pending = b""  # what the zygote said beyond the last line read

    def run(self, args: tuple[str, ...], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "zygote.py")], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
            self.pending = b""
        with tempfile.TemporaryDirectory() as folder:
            out, err = os.path.join(folder, "out"), os.path.join(folder, "err")
            request = {"args": list(args), "cwd": str(cwd), "env": env, "out": out, "err": err}
            try:
                status = self._request(request)
            except BaseException:  # (Ctrl-C, a timeout): its answers may still come; start a new one
                self.process.kill()
                self.process.wait()
                self.process = None
                raise
            stdout, stderr = (_text(Path(path).read_bytes()) for path in (out, err))
        return subprocess.CompletedProcess(["python", "-m", "codemod", *args], os.waitstatus_to_exitcode(status),
                                           stdout, stderr)

    def _request(self, request: dict) -> int:
        """Send one command; its wait status. A run that hangs is killed after RUN_TIMEOUT."""
        self.process.stdin.write(json.dumps(request).encode() + b"\n")
        self.process.stdin.flush()
        pid = int(self._line())
        try:
            return int(self._line(RUN_TIMEOUT))
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
            raise subprocess.TimeoutExpired(["python", "-m", "codemod", *request["args"]], RUN_TIMEOUT) from None

    def _line(self, timeout: float | None = None) -> bytes:
        """The zygote's next line, read from its pipe unbuffered (both lines of a quick command may
        come at once)."""
        fd = self.process.stdout.fileno()
        while b"\n" not in self.pending:
            if timeout is not None and not select.select([fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired("zygote", timeout)
            data = os.read(fd, 4096)
            assert data, "the zygote died"
            self.pending += data
        line, _, self.pending = self.pending.partition(b"\n")
        return line


def _text(data: bytes) -> str:
    """As subprocess.run(text=True) decodes a child's output."""
    return data.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


_ZYGOTE = _Zygote()


def with_journal(diff: bytes, *files: str, state: str = "applied") -> bytes:
    """`diff` behind a reprofix journal header listing `files` (digests of nothing): for tests that
    hand revert a patch someone tampered with."""
    lines = [b"# reprofix-state: " + state.encode(), b"# reprofix-run: 0123456789abcdef", b"# reprofix-root: ."]
    lines += [b"# reprofix-file: %s %s %s" % (b"0" * 64, b"0" * 64, name.encode()) for name in files]
    return b"\n".join(lines) + b"\n" + diff


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return tmp_path


SNIPPETS = rule_snippets()


@st.composite
def mixed_code(draw) -> bytes:
    """Rule examples, unrelated statements and a class mixing both, in any order; CRLF or not."""
    parts = draw(st.lists(st.sampled_from(SNIPPETS + UNRELATED), min_size=2, max_size=6))
    members = draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=5))
    parts.insert(draw(st.integers(0, len(parts))), "class Net(nn.Cell):\n" + "\n".join(members))
    return vary_line_endings(draw, HEADER + "\n".join(parts))
