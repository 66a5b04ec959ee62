"""`reprofix verify`: real commands (small Python scripts) run for real; extraction, verdicts, and
every case where no verdict can be given."""

import json
import sys
import time
from pathlib import Path

import pytest

from codemod.verify import close, parse_losses
from conftest import run_reprofix

PY = sys.executable


@pytest.mark.parametrize("line, loss", [
    ("epoch: 1 step: 2, loss is 2.3025851249694824", 2.3025851249694824),  # MindSpore LossMonitor
    ("epoch: 3 step: 10, loss is Tensor(shape=[], dtype=Float32, value= 1.5e-02)", 0.015),
    ("loss: 2.3", 2.3),
    ("Train Epoch: 1 [640/60000 (1%)]\tLoss: 2.175467", 2.175467),  # pytorch/examples mnist
    ("loss=0.693", 0.693),
    ("step 7 loss 1.25E+00", 1.25),
    ("{'loss': 2.3, 'lr': 0.1}", 2.3),
    ('{"train_loss": 0.5}', 0.5),
    ("loss = tensor(2.3026, grad_fn=<NllLossBackward0>)", 2.3026),
    ("tensor(0.6931, grad_fn=<NllLossBackward0>)", 0.6931),  # a bare print(loss) in PyTorch
    ("[2.3025851]", 2.3025851),  # a bare print of a numpy array or MindSpore tensor
    ("12/100 [==>...........................] - ETA: 3s - loss: 2.2897 - accuracy: 0.1133", 2.2897),  # Keras
    ("loss: nan", float("nan")),
    ("loss: -inf", float("-inf")),
])
def test_loss_formats(line: str, loss: float):
    (found,), _ = parse_losses([line])
    assert found == loss or (found != found and loss != loss)


def test_lines_without_a_loss_are_ignored():
    losses, _ = parse_losses(["epoch 1", "val_loss: 3.0", "accuracy: 0.5", "loading 100%", "loss: 1.0"])
    assert losses == [1.0]


def test_numpy_allclose_semantics():
    assert close(2.3000, 2.3015, 1e-3, 1e-3)  # |diff| 0.0015 <= 0.001 + 0.001 * 2.3015
    assert not close(2.300, 2.305, 1e-3, 1e-3)
    assert not close(float("nan"), float("nan"), 1e-3, 1e-3)


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("import sys, os, time\n" + body)
    return str(path)


def counter(tmp_path: Path) -> str:
    """A "training" whose losses differ between runs from a given step on (RUN_COUNTER file)."""
    return script(tmp_path, "train.py", (
        "n = int(open(sys.argv[1]).read()) if os.path.exists(sys.argv[1]) else 0\n"
        "open(sys.argv[1], 'w').write(str(n + 1))\n"
        "first_bad = int(sys.argv[2])\n"
        "for step in range(1, 5):\n"
        "    loss = 2.0 / step + (0.1 * n if step >= first_bad else 0.0)\n"
        "    print(f'epoch: 1 step: {step}, loss is {loss}', flush=True)\n"
    ))


@pytest.mark.parametrize("first_bad, code, words", [
    (99, 0, "reproducible: all 2 runs agree"),
    (1, 1, "the first step differs, so forward-pass randomness remains"),
    (2, 1, "the second differs, so backward-pass randomness remains"),
])
def test_verdicts(tmp_path: Path, first_bad: int, code: int, words: str):
    train = counter(tmp_path)
    result = run_reprofix("verify", "--", PY, train, str(tmp_path / "n"), str(first_bad), cwd=tmp_path, check_code=code)
    assert words in result.stdout
    assert "step           run 1           run 2" in result.stdout


def test_later_steps_with_full_and_json(tmp_path: Path):
    train = counter(tmp_path)
    result = run_reprofix("verify", "--full", "--json", "--runs", "3", "--", PY, train, str(tmp_path / "n"), "3",
                          cwd=tmp_path, check_code=1)
    data = json.loads(result.stdout)
    assert data["first_difference"] == 3 and len(data["steps"]) == 4 and len(data["runs"]) == 3
    assert [s["agree"] for s in data["steps"]] == [True, True, False, False]


def test_runs_stop_as_soon_as_they_have_the_steps(tmp_path: Path):
    slow = script(tmp_path, "slow.py", "print('loss: 1.0', flush=True)\nprint('loss: 0.5', flush=True)\ntime.sleep(60)\n")
    start = time.monotonic()
    run_reprofix("verify", "--", PY, slow, cwd=tmp_path, check_code=0)
    assert time.monotonic() - start < 30


def test_custom_loss_pattern(tmp_path: Path):
    odd = script(tmp_path, "odd.py", "print('it 1 objective=3.5')\nprint('it 2 objective=3.25')\n")
    result = run_reprofix("verify", "--", PY, odd, cwd=tmp_path, check_code=2)
    assert "no loss found" in result.stderr and "--loss-pattern" in result.stderr and "objective=3.25" in result.stderr
    run_reprofix("verify", "--loss-pattern", r"objective=([0-9.]+)", "--", PY, odd, cwd=tmp_path, check_code=0)
    bad = run_reprofix("verify", "--loss-pattern", "objective", "--", PY, odd, cwd=tmp_path, check_code=2)
    assert "exactly one capture group" in bad.stderr


@pytest.mark.parametrize("body, words", [
    ("print('loss: 1.0')\nsys.stderr.write('CUDA exploded\\n')\nsys.exit(3)\n", "failed with exit status 3"),
    ("print('loss: 1.0')\n", "1 loss(es); 2 are needed"),
    ("print('epoch: 1 step: 100, loss is 2.3')\nprint('epoch: 2 step: 100, loss is 2.1')\n", "only per-epoch losses"),
    ("print('loss: 1.0', flush=True)\ntime.sleep(60)\n", "timed out"),
])
def test_could_not_judge(tmp_path: Path, body: str, words: str):
    command = script(tmp_path, "t.py", body)
    result = run_reprofix("verify", "--timeout", "3", "--", PY, command, cwd=tmp_path, check_code=2)
    assert "could not judge" in result.stderr and words in result.stderr
    if "exploded" in body:
        assert "CUDA exploded" in result.stderr


def test_missing_command_and_plot(tmp_path: Path):
    run_reprofix("verify", cwd=tmp_path, check_code=2)
    result = run_reprofix("verify", "--", "no-such-program-here", cwd=tmp_path, check_code=2)
    assert "cannot start" in result.stderr
    train = counter(tmp_path)
    run_reprofix("verify", "--plot", "curves.png", "--", PY, train, str(tmp_path / "n"), "1", cwd=tmp_path, check_code=1)
    assert (tmp_path / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
