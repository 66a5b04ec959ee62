"""`reprofix verify`: run a command several times and judge reproducibility as the procedure's step 6
does: the first two iterations' losses must agree within `numpy.allclose(atol=1e-3, rtol=1e-3)`.

Works for any command that prints losses (MindSpore, PyTorch, Keras, anything): a loss per step is
read from its output, each run is stopped as soon as it has printed the steps needed.
"""

from __future__ import annotations

import math
import os
import re
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass, field

NUMBER = r"[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf|infinity)"
# MindSpore's LossMonitor: "epoch: 1 step: 2, loss is 2.30" (older: "loss is Tensor(..., value= 2.30)")
LOSS_MONITOR = re.compile(
    r"epoch:\s*(\d+)\s+step:\s*(\d+),\s*loss is\s*(?:\(?Tensor\([^)]*?value=\s*)?\[?\s*(" + NUMBER + r")",
    re.IGNORECASE,
)
# "loss: 2.3", "loss=2.3", "loss 2.3", "'loss': 2.3", "Loss = tensor(2.3, grad_fn=...)", "loss is [2.3]"
KEYED = re.compile(
    r"(?<![\w])(?:train_)?loss\b['\"]?\s*(?:[:=]|is)?\s*(?:tensor\(|array\(|Tensor\([^)]*?value=\s*)?\[*\s*("
    + NUMBER + r")(?![\w.])",
    re.IGNORECASE,
)
# a line that is only a printed tensor or array: "tensor(2.3026, grad_fn=<NllLossBackward0>)", "[2.3026]"
BARE = re.compile(r"^\s*(?:tensor\(|array\(|Tensor\([^)]*?value=\s*)?\[*\s*(" + NUMBER + r")\s*\]*(?:,[^)]*)?\)?\s*$")


class CannotJudge(Exception):
    """Exit 2: the runs do not allow a verdict; the message says why and what to do."""


@dataclass
class Run:
    losses: list[float] = field(default_factory=list)
    epochs: list[tuple[int, int]] = field(default_factory=list)  # (epoch, step) from LossMonitor lines
    returncode: int | None = None
    stopped: bool = False  # stopped by us once it printed enough
    timed_out: bool = False
    seconds: float = 0.0
    output_tail: list[str] = field(default_factory=list)
    stderr_tail: list[str] = field(default_factory=list)


def parse_losses(lines: list[str], pattern: re.Pattern | None = None) -> tuple[list[float], list[tuple[int, int]]]:
    """One loss per matching line: a custom pattern, else MindSpore's LossMonitor and keyed losses,
    else (when nothing matched) lines that are only a printed tensor or array."""
    if pattern is not None:
        return [_number(m.group(1)) for line in lines if (m := pattern.search(line))], []
    losses, epochs = [], []
    for line in lines:
        monitor = LOSS_MONITOR.search(line)
        if monitor:
            epochs.append((int(monitor.group(1)), int(monitor.group(2))))
            losses.append(_number(monitor.group(3)))
            continue
        keyed = KEYED.search(line)
        if keyed:
            losses.append(_number(keyed.group(1)))
    if not losses:
        losses = [_number(m.group(1)) for line in lines if (m := BARE.match(line))]
    return losses, epochs


def _number(text: str) -> float:
    return float(text.lower().replace("infinity", "inf"))


def run_once(command: list[str], *, steps: int, full: bool, timeout: float, pattern, on_loss=None) -> Run:
    """Run the command, reading stdout and stderr line by line (\\r counts as a line end, for progress
    bars); stop it once `steps` losses are in, unless `full`."""
    run = Run()
    start = time.monotonic()
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        raise CannotJudge(f"cannot start {command[0]!r}: {error.strerror}") from None
    selector = selectors.DefaultSelector()
    buffers = {process.stdout: b"", process.stderr: b""}
    lines: list[str] = []
    for stream in buffers:
        os.set_blocking(stream.fileno(), False)
        selector.register(stream, selectors.EVENT_READ)
    open_streams = 2
    try:
        while open_streams:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                run.timed_out = True
                break
            for key, _ in selector.select(timeout=min(left, 0.5)):
                stream = key.fileobj
                chunk = os.read(stream.fileno(), 65536)
                if not chunk:
                    selector.unregister(stream)
                    open_streams -= 1
                    continue
                data = buffers[stream] + chunk
                *complete, buffers[stream] = re.split(rb"\r\n|\r|\n", data)
                for raw in complete:
                    line = raw.decode("utf-8", "replace")
                    _remember(run.output_tail, line)
                    if stream is process.stderr:
                        _remember(run.stderr_tail, line)
                    lines.append(line)
                    found, _ = parse_losses([line], pattern)
                    if found and on_loss is not None:
                        on_loss(found[0])
            run.losses, run.epochs = parse_losses(lines, pattern)
            if not full and len(run.losses) >= steps:
                run.stopped = True
                break
    finally:
        selector.close()
        for stream, rest in buffers.items():
            if rest:
                lines.append(rest.decode("utf-8", "replace"))
        _stop(process)
        run.returncode = process.returncode
        run.seconds = time.monotonic() - start
    run.losses, run.epochs = parse_losses(lines, pattern)
    return run


def _remember(tail: list[str], line: str, keep: int = 20) -> None:
    tail.append(line)
    del tail[:-keep]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    process.wait()
    for stream in (process.stdout, process.stderr):
        stream.close()


@dataclass
class Step:
    number: int
    values: list[float]
    abs_diff: float
    rel_diff: float
    agree: bool


@dataclass
class Verdict:
    steps: list[Step]
    reproducible: bool
    first_difference: int | None
    message: str


def close(a: float, b: float, atol: float, rtol: float) -> bool:
    """numpy.allclose's test for one pair: |a - b| <= atol + rtol * |b|; nan is never close."""
    if math.isnan(a) or math.isnan(b):
        return False
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * abs(b)


def judge(runs: list[Run], *, steps: int, full: bool, atol: float, rtol: float) -> Verdict:
    """Compare the runs step by step against the first; say where they part, in the procedure's words."""
    for number, run in enumerate(runs, 1):
        _check_judgeable(number, run, steps)
    count = min(len(r.losses) for r in runs) if full else steps
    table = []
    for i in range(count):
        values = [r.losses[i] for r in runs]
        base = values[0]
        diffs = [abs(v - base) for v in values[1:]] or [0.0]
        abs_diff = max(diffs)
        rel_diff = abs_diff / abs(base) if base not in (0.0,) and not math.isnan(base) else (0.0 if abs_diff == 0 else math.inf)
        agree = all(close(v, base, atol, rtol) for v in values[1:])
        table.append(Step(i + 1, values, abs_diff, rel_diff, agree))
    first = next((s.number for s in table if not s.agree), None)
    if first is None:
        message = (f"reproducible: all {len(runs)} runs agree on the first {count} step(s) "
                   f"(numpy.allclose, atol={atol:g}, rtol={rtol:g})")
    elif first == 1:
        message = "not reproducible: the first step differs, so forward-pass randomness remains"
    elif first == 2:
        message = ("not reproducible: the first step agrees (the forward pass is fixed) but the second "
                   "differs, so backward-pass randomness remains")
    else:
        message = (f"not reproducible: the first two steps agree (forward and backward are fixed) but "
                   f"step {first} differs, so randomness enters later (data order, a schedule, ...)")
    return Verdict(table, first is None, first, message)


def _check_judgeable(number: int, run: Run, steps: int) -> None:
    if run.returncode not in (0, None) and not run.stopped and not run.timed_out:
        tail = "\n".join("    " + line for line in run.stderr_tail[-10:]) or "    (no output on stderr)"
        raise CannotJudge(f"run {number}: the command failed with exit status {run.returncode}; "
                          f"the end of its stderr:\n{tail}")
    if not run.losses:
        tail = "\n".join("    " + line for line in run.output_tail[-10:]) or "    (no output)"
        raise CannotJudge(
            f"run {number}: no loss found in the output. Its last lines:\n{tail}\n"
            "Print a loss per step (e.g. MindSpore's LossMonitor(1), or `print(f\"loss: {loss}\")`), or "
            "pass --loss-pattern with a regular expression whose one group captures the loss, "
            "e.g. --loss-pattern 'train loss ([0-9.]+)'"
        )
    if _per_epoch(run.epochs):
        raise CannotJudge(
            f"run {number}: only per-epoch losses were printed (sink mode: steps {run.epochs[:3]}...). "
            "The check needs a loss per step: train with dataset_sink_mode=False and LossMonitor(1)"
        )
    if len(run.losses) < steps:
        why = f"timed out after {run.seconds:.0f} s" if run.timed_out else "ended"
        raise CannotJudge(
            f"run {number} {why} with {len(run.losses)} loss(es); {steps} are needed: run more steps, "
            "or lower --steps (the procedure compares the first two)"
        )


def _per_epoch(epochs: list[tuple[int, int]]) -> bool:
    """LossMonitor in sink mode prints one line per epoch: steps jump, or epochs change every line."""
    if len(epochs) < 2:
        return bool(epochs) and epochs[0][1] > 1
    steps = [s for _, s in epochs]
    new_epoch_each_line = len({e for e, _ in epochs}) == len(epochs)
    jumps = any(b - a > 1 for a, b in zip(steps, steps[1:]) if b > a)
    return new_epoch_each_line and (jumps or steps[0] > 1)


def plot(runs: list[Run], verdict: Verdict, path: str) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (curves, diffs) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    for number, run in enumerate(runs, 1):
        shown = run.losses[: max(len(verdict.steps), 1)] if verdict.steps else run.losses
        curves.plot(range(1, len(shown) + 1), shown, marker="o", label=f"run {number}", alpha=0.8)
    curves.set_ylabel("loss")
    curves.set_title(verdict.message, fontsize=9)
    curves.legend()
    diffs.bar([s.number for s in verdict.steps], [s.abs_diff for s in verdict.steps],
              color=["tab:green" if s.agree else "tab:red" for s in verdict.steps])
    diffs.set_xlabel("step")
    diffs.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    diffs.set_ylabel("largest |difference| to run 1")
    figure.tight_layout()
    figure.savefig(path, format="png")
    plt.close(figure)
