"""`reprofix verify`: real commands (small Python scripts) run for real; extraction, verdicts, and
every case where no verdict can be given."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codemod.verify.judge import close
from codemod.verify.losses import LossReader, parse_losses
from conftest import ROOT, run_reprofix, with_journal

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
    ("step: 1, losses: 2.41", 2.41),  # the MindSpore tutorial's hand-fixed sample
    ("0.6931", 0.6931),  # a bare print(loss.item())
])
def test_loss_formats(line: str, loss: float):
    (found,), _ = parse_losses([line])
    assert found == loss or (found != found and loss != loss)


def test_lines_without_a_loss_are_ignored():
    losses, _ = parse_losses(["epoch 1", "val_loss: 3.0", "accuracy: 0.5", "loading 100%", "loss: 1.0"])
    assert losses == [1.0]


def named(reader: LossReader) -> dict:
    """name -> values of a single process's series."""
    return {sid.name: series.values for sid, series in reader.series().items()}


def test_several_named_losses_on_a_line_are_series_of_their_own():
    reader = LossReader()
    for line in ["[1/5][0/100] Loss_D: 1.62 Loss_G: 4.92 D(x): 0.5", "[1/5][1/100] Loss_D: 1.50 Loss_G: 4.80",
                 "epoch 1 loss_cls: 0.7 loss_box 0.3 loss_scale: 1024"]:
        reader.feed(line)
    assert named(reader) == {"Loss_D": [1.62, 1.50], "Loss_G": [4.92, 4.80], "loss_cls": [0.7], "loss_box": [0.3]}


@pytest.mark.parametrize("line", [
    "Test set: Average loss: 0.0331, Accuracy: 9900/10000 (99%)",  # pytorch/examples mnist
    "Validation loss: 0.25",
    "epoch 3 eval loss=0.4",
])
def test_evaluation_losses_are_not_training_steps(line: str):
    reader = LossReader()
    reader.feed(line)
    reader.feed("epoch 1 loss 0.5 test accuracy 0.9")  # an evaluation word after the loss: a training line
    assert named(reader) == {"loss": [0.5]} and reader.evaluation_lines == 1


def test_bare_whole_numbers_are_never_losses():
    reader = LossReader()
    for line in ["0", "cost 0.61", "1", "cost 0.72", "2"]:
        reader.feed(line)
    assert named(reader) == {} and reader.bare_integers == 3
    counter = LossReader()
    for line in ["1.0", "2.0", "3.0"]:  # a step counter printed as floats
        counter.feed(line)
    assert named(counter) == {}


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


def test_bare_numbers_cannot_fool_it(tmp_path: Path):
    """A step counter and a random cost: no loss can be read, so no verdict (never 'reproducible')."""
    noisy = script(tmp_path, "noisy.py", "import random\nfor i in range(3):\n    print(i)\n"
                                          "    print(f'cost {random.random()}')\n")
    result = run_reprofix("verify", "--", PY, noisy, cwd=tmp_path, check_code=2)
    assert "could not judge: run 1: no loss found in 6 line(s) of output" in result.stderr
    assert "3 line(s) were bare whole numbers: a step counter is not a loss" in result.stderr
    assert "    cost " in result.stderr and "--loss-pattern" in result.stderr
    run_reprofix("verify", "--loss-pattern", r"cost ([0-9.]+)", "--", PY, noisy, cwd=tmp_path, check_code=1)


def test_each_named_loss_is_compared(tmp_path: Path):
    gan = script(tmp_path, "gan.py", (
        "import random\n"
        "for step in range(3):\n"
        "    print(f'[{step}/3] Loss_D: {1.5 - step / 10} Loss_G: {random.random()}', flush=True)\n"
    ))
    result = run_reprofix("verify", "--json", "--", PY, gan, cwd=tmp_path, check_code=1)
    data = json.loads(result.stdout)
    assert [(s["name"], s["first_difference"]) for s in data["series"]] == [("Loss_D", None), ("Loss_G", 1)]
    assert data["message"] == ("not reproducible: the first step differs, so forward-pass randomness remains "
                               "(Loss_D agrees; Loss_G from step 1)")


def test_evaluation_lines_are_not_steps_under_full(tmp_path: Path):
    train = script(tmp_path, "train.py", (
        "import random\n"
        "for epoch in range(2):\n"
        "    for step in range(2):\n"
        "        print(f'Train Epoch: {epoch} [{step * 32}/64]\\tLoss: {2.0 - epoch - step / 10:.6f}')\n"
        "    print(f'Test set: Average loss: {random.random():.4f}, Accuracy: 50/100 (50%)')\n"
    ))
    result = run_reprofix("verify", "--full", "--json", "--", PY, train, cwd=tmp_path, check_code=0)
    assert [s["values"][0] for s in json.loads(result.stdout)["steps"]] == [2.0, 1.9, 1.0, 0.9]


def test_within_tolerance_says_bitwise_different(tmp_path: Path):
    train = script(tmp_path, "train.py", (
        "n = int(open(sys.argv[1]).read()) if os.path.exists(sys.argv[1]) else 0\n"
        "open(sys.argv[1], 'w').write(str(n + 1))\n"
        "print('loss: 2.5')\nprint(f'loss: {2.25 + n / 4096}')\nprint('loss: 9.0')\n"
    ))
    result = run_reprofix("verify", "--", PY, train, str(tmp_path / "n"), cwd=tmp_path, check_code=0)
    assert ("verdict: reproducible: all 2 runs agree on the first 2 step(s) within tolerance (bitwise different, "
            "|\u0394| = 0.000244) (numpy.allclose, atol=0.001, rtol=0.001)") in result.stdout
    result = run_reprofix("verify", "--steps", "3", "--atol", "0", "--rtol", "0", "--", PY, train,
                          str(tmp_path / "n"), cwd=tmp_path, check_code=1)
    assert ("verdict: not reproducible: the first step agrees (the forward pass is fixed) but the second differs"
            in result.stdout)


def test_json_is_strict(tmp_path: Path):
    nan = script(tmp_path, "nan.py", (
        "n = int(open('n').read()) if os.path.exists('n') else 0\n"
        "open('n', 'w').write(str(n + 1))\n"
        "print('loss: nan' if n == 0 else 'loss: inf')\nprint('loss: 1.5')\n"
    ))
    result = run_reprofix("verify", "--json", "--", PY, nan, cwd=tmp_path, check_code=1)

    def refuse(constant):
        raise AssertionError(f"not strict JSON: {constant}")

    data = json.loads(result.stdout, parse_constant=refuse)
    assert [run["losses"] for run in data["runs"]] == [["NaN", 1.5], ["Infinity", 1.5]]
    assert data["steps"][0]["abs_diff"] == "Infinity" and data["steps"][0]["agree"] is False


@pytest.mark.parametrize("lines, code, words", [
    (["loss: nan", "loss: nan"], 2, "could not judge: both runs reach NaN at step 1; nothing before it could be "
                                    "compared. A NaN cannot be compared, so the check has fewer than 2 step(s)"),
    (["loss: 1.5", "loss: nan"], 2, "both runs reach NaN at step 2; every step before it agrees bitwise"),
    (["loss: 1.5001", "loss: 1.2501", "loss: nan"], 0,
     "verdict: reproducible: all 2 runs agree on the first 2 step(s) (numpy.allclose, atol=0.001, rtol=0.001)\n"),
])
def test_both_runs_reaching_nan_is_said_not_blamed(tmp_path: Path, lines: list, code: int, words: str):
    """A NaN both runs reach is no randomness: no verdict when it falls in the steps compared, a note
    after them (with --full)."""
    train = script(tmp_path, "t.py", "".join(f"print({line!r})\n" for line in lines))
    result = run_reprofix("verify", *(["--full"] if code == 0 else []), "--", PY, train, cwd=tmp_path, check_code=code)
    assert words in (result.stdout if code == 0 else result.stderr)
    if code == 0:
        assert "note: both runs reach NaN at step 3; every step before it agrees bitwise\n" in result.stdout


@pytest.mark.parametrize("option, value", [("--atol", "-1"), ("--rtol", "nan"), ("--atol", "inf"),
                                           ("--timeout", "nan"), ("--no-loss-timeout", "-5")])
def test_bad_tolerances_and_timeouts_are_usage_errors(tmp_path: Path, option: str, value: str):
    result = run_reprofix("verify", option, value, "--", PY, "-c", "pass", cwd=tmp_path, check_code=2)
    assert result.stderr.startswith(f"reprofix: {option} ") and "must be a finite number" in result.stderr


def test_gives_up_when_no_loss_appears(tmp_path: Path):
    quiet = script(tmp_path, "quiet.py", "print('loading the data', flush=True)\ntime.sleep(60)\n")
    result = run_reprofix("verify", "--no-loss-timeout", "2", "--", PY, quiet, cwd=tmp_path, check_code=2)
    assert ("could not judge: run 1: no loss found in 1 line(s) of output (stopped after 2 s without one: "
            "--no-loss-timeout). Its last lines:\n    loading the data\n") in result.stderr


def test_long_output_is_read_in_linear_time(tmp_path: Path):
    """250,000 lines before the losses: every line is read once, so the losses are found well within the
    timeout (reading them again at every line took minutes for 100,000)."""
    chatty = script(tmp_path, "chatty.py", (
        "out = sys.stdout\n"
        "for i in range(250000):\n"
        "    out.write(f'batch {i} of 250000: shapes (32, 3, 224, 224), lr 0.1\\n')\n"
        "print('loss: 2.5')\nprint('loss: 2.25')\n"
    ))
    result = run_reprofix("verify", "--timeout", "120", "--json", "--", PY, chatty, cwd=tmp_path, check_code=0)
    assert [s["values"] for s in json.loads(result.stdout)["steps"]] == [[2.5, 2.5], [2.25, 2.25]]


def test_a_backtracking_loss_pattern_cannot_outlast_the_timeout(tmp_path: Path):
    line = script(tmp_path, "line.py", "print('a' * 40, flush=True)\ntime.sleep(60)\n")
    result = run_reprofix("verify", "--timeout", "2", "--loss-pattern", r"(?:a+)+b([0-9.]+)", "--", PY, line,
                          cwd=tmp_path, check_code=2)
    assert "timed out after 2 s while --loss-pattern was matching a line" in result.stderr


def alive(pid: int) -> bool:
    """Is the process there and not a zombie?"""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds processes through /proc")
@pytest.mark.parametrize("full", [False, True])
def test_nothing_the_command_started_survives(tmp_path: Path, full: bool):
    """A background child, and one that left for a session of its own, are stopped with the run; with
    --full verify does not wait for them (the timeout would say so)."""
    pids = tmp_path / "pids"
    shell = (f"sleep 301 & echo $! >> {pids}; setsid sleep 302 & echo $! >> {pids}; "
             "echo loss: 1.0; echo loss: 0.5")
    args = ["--full"] if full else []
    result = run_reprofix("verify", *args, "--timeout", "100", "--", "sh", "-c", shell, cwd=tmp_path, check_code=0)
    assert "reproducible: all 2 runs agree" in result.stdout
    started = [int(p) for p in pids.read_text().split()]
    assert len(started) == 4 and not any(alive(pid) for pid in started)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds processes through /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_the_run_and_says_what_was_done(tmp_path: Path, signum: int):
    pids = tmp_path / "pids"
    train = script(tmp_path, "train.py", (
        "import subprocess\n"
        "n = int(open('n').read()) if os.path.exists('n') else 0\n"
        "open('n', 'w').write(str(n + 1))\n"
        "print('loss: 1.0', flush=True)\n"
        "if n == 0:\n    print('loss: 0.5')\n    sys.exit(0)\n"
        "child = subprocess.Popen(['sleep', '303'])\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
        "time.sleep(300)\n"
    ))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    verify = subprocess.Popen([PY, "-m", "codemod", "verify", "--", PY, train], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(600):  # up to a minute for run 2 to start
        if pids.exists() and len(pids.read_text().split()) == 2:
            break
        time.sleep(0.1)
    verify.send_signal(signum)
    _, stderr = verify.communicate(timeout=60)
    assert verify.returncode == 128 + signum
    name = signal.Signals(signum).name
    assert (f"reprofix: interrupted by {name} during run 2 of 2: it was stopped, with every process it started; "
            "run 1 read 2 loss(es); nothing was judged. To finish, run the same verify command again.") in stderr
    assert not any(alive(int(pid)) for pid in pids.read_text().split())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_command_dies_with_reprofix_even_on_sigkill(tmp_path: Path):
    pid_file = tmp_path / "pid"
    train = script(tmp_path, "train.py", f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(300)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    verify = subprocess.Popen([PY, "-m", "codemod", "verify", "--", PY, train], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.1)
    verify.kill()
    verify.wait()
    pid = int(pid_file.read_text())
    for _ in range(100):  # the kernel delivers SIGKILL to the orphan; it is reaped by init
        if not alive(pid):
            break
        time.sleep(0.1)
    assert not alive(pid)


def test_a_run_failing_after_the_steps_compared_is_no_verdict(tmp_path: Path):
    """Run 2 prints the steps compared and then fails (its output arrives at once, at its exit): the
    failure is said, with the end of its stderr, and there is no verdict."""
    train = script(tmp_path, "train.py", (
        "n = int(open('n').read()) if os.path.exists('n') else 0\n"
        "open('n', 'w').write(str(n + 1))\n"
        "for step in range(1, 4):\n"
        "    print(f'step {step} loss {2.0 / step:.6f}')\n"  # block-buffered: written out at the exit
        "if n == 1:\n"
        "    raise RuntimeError('CUDA error: an illegal memory access was encountered')\n"
    ))
    result = run_reprofix("verify", "--", PY, train, cwd=tmp_path, check_code=2)
    assert ("could not judge: run 2 printed the 2 step(s) compared, then failed with exit status 1; a verdict "
            "would hide that. The end of its stderr:\n") in result.stderr
    assert "RuntimeError: CUDA error: an illegal memory access was encountered" in result.stderr


def test_a_forward_pass_differing_in_its_last_bits_is_said(tmp_path: Path):
    train = script(tmp_path, "train.py", (
        "n = int(open('n').read()) if os.path.exists('n') else 0\n"
        "open('n', 'w').write(str(n + 1))\n"
        "print(f'loss: {2.5 + n * 1e-6:.8f}')\nprint(f'loss: {2.25 + n * 0.1:.8f}')\n"
    ))
    result = run_reprofix("verify", "--", PY, train, cwd=tmp_path, check_code=1)
    assert ("verdict: not reproducible: the first step agrees only within tolerance (bitwise different, |\u0394| = "
            "1e-06): the forward pass already differs in its last bits, and the second step differs beyond the "
            "tolerance\n") in result.stdout


def test_losses_below_atol_are_warned_about(tmp_path: Path):
    train = script(tmp_path, "train.py", "print('loss: 0.00052311')\nprint('loss: 0.00041172')\n")
    result = run_reprofix("verify", "--", PY, train, cwd=tmp_path, check_code=0)
    assert ("warning: losses below atol (0.001) always agree with each other (|0.00052311| at step 1): the check says "
            "little there; pass a smaller --atol (--atol 0 keeps the relative tolerance alone)\n") in result.stdout
    assert "but the printed losses cannot show all of it (see the warnings)" in result.stdout


def test_too_few_digits_are_warned_about(tmp_path: Path):
    """timm's `Loss: 6.91 (6.93)` (3 significant digits) cannot show the tolerance at 6.9 (0.0079)."""
    train = script(tmp_path, "train.py", "".join(
        f"sys.stderr.write('Train: 0 [{50 * i:>4d}/2502 ({i:>3d}%)]  Loss: {v} ({v})  Time: 0.412s\\n')\n"
        for i, v in enumerate(["6.91", "6.88"])))
    result = run_reprofix("verify", "--", PY, train, cwd=tmp_path, check_code=0)
    assert ("warning: Loss is printed with too few digits to show the tolerance: 6.88 is printed to 0.01, but the "
            "tolerance there is 0.0079, so the runs may differ by up to 0.01 unseen; print more digits") in result.stdout


@pytest.mark.parametrize("lines, words", [
    (["step 1 loss 2.30", "step 1 loss 2.41", "step 2 loss 2.20", "step 2 loss 2.35"],
     "loss at step 1 was printed twice, as 2.3 and 2.41: several processes print the same steps"),
    (["      1/3         0G      1.234      2.345      3.456         16        640: 100%|##########| 2/2"],
     "no loss found in 1 line(s) of output"),  # YOLO's unlabelled columns
    (["Epoch 1/1  \u2501\u2501\u2501\u2501 4/4 0:00:00 \u2022 0:00:00 68.44it/s v_num: 0.000 train_loss: 0.689"],
     "run 1 ended with 1 loss(es); 2 are needed"),  # Lightning's Rich bar: one drawing, at the end
])
def test_outputs_that_allow_no_verdict(tmp_path: Path, lines: list, words: str):
    """Ranks printing alike with no prefix, unlabelled columns, a bar drawn only at the end: never a
    verdict, always the reason."""
    train = script(tmp_path, "train.py", "".join(f"print({line!r})\n" for line in lines))
    result = run_reprofix("verify", "--", PY, train, cwd=tmp_path, check_code=2)
    assert words in result.stderr


def test_every_verdict_names_the_next_step(tmp_path: Path):
    train = counter(tmp_path)
    failed = run_reprofix("verify", "--", PY, train, str(tmp_path / "n"), "1", cwd=tmp_path, check_code=1)
    assert (f"next: reprofix verify --locate -- {PY} {train} {tmp_path / 'n'} 1   (finds the step, phase and layer "
            "where the runs first part)\n") in failed.stdout
    assert f"next: reprofix apply {train}   (fixes the randomness reprofix knows" in failed.stdout
    config = tmp_path / "hyp.yaml"  # what `-c`/`--config=` name is the script's to rewrite too (PaddleClas, yolov5)
    config.write_text("shuffle: true\n")
    failed = run_reprofix("verify", "--", PY, train, str(tmp_path / "n"), "1", "-c", str(config),
                          f"--hyp={config}", cwd=tmp_path, check_code=1)
    assert (f"next: reprofix apply {train} {config}   (fixes the randomness reprofix knows: seeds, shuffling, "
            "augmentation, dropout, in the configuration too)\n") in failed.stdout
    passed = run_reprofix("verify", "--", PY, train, str(tmp_path / "n"), "99", cwd=tmp_path, check_code=0)
    assert "next:" not in passed.stdout
    (tmp_path / "reprofix.patch").write_bytes(with_journal(b"", "train.py"))
    applied = run_reprofix("verify", "--", PY, train, str(tmp_path / "n"), "99", cwd=tmp_path, check_code=0)
    assert (f"next: reprofix minimize -- {PY} {train} {tmp_path / 'n'} 99   (keeps only the changes of reprofix.patch "
            "these runs need)\nnext: reprofix revert   (once the bug is found: takes reprofix.patch out; the changes "
            "slow training)\n") in applied.stdout
    failed = run_reprofix("verify", "--", PY, train, str(tmp_path / "n"), "1", cwd=tmp_path, check_code=1)
    assert "reprofix apply" not in failed.stdout
