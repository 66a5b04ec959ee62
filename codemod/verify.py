"""`reprofix verify`: run a command several times and judge reproducibility as the procedure's step 6
does: the first two iterations' losses must agree within `numpy.allclose(atol=1e-3, rtol=1e-3)`.

Works for any command that prints losses (MindSpore, PyTorch, Keras, anything): losses are read from
its output line by line (codemod/losses.py), and each run is stopped as soon as it has printed the
steps needed. A run is a process session of its own: whatever it starts (a background `sleep &`, a
process that changed its group or session) is stopped with it, on every way out, including when
reprofix itself gets SIGINT, SIGTERM or SIGHUP. --timeout bounds everything, matching a
--loss-pattern included.
"""

from __future__ import annotations

import collections
import math
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from .losses import LossReader

GRACE = 1.0  # seconds to read what is left once the command itself has exited
TERMINATE = 5.0  # seconds between SIGTERM and SIGKILL
LONGEST_LINE = 1 << 20  # a line without end longer than this is read as a line
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class CannotJudge(Exception):
    """Exit 2: the runs do not allow a verdict; the message says why and what to do."""


class Interrupted(Exception):
    """reprofix got SIGINT, SIGTERM or SIGHUP; the run under way has been stopped."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _Deadline(Exception):
    pass


@dataclass
class Run:
    series: dict = field(default_factory=dict)  # name -> losses, in the order the series appeared
    epochs: list = field(default_factory=list)  # (epoch, step) from LossMonitor lines
    returncode: int | None = None
    stopped: bool = False  # stopped by us once it printed enough
    timed_out: bool = False
    slow_pattern: bool = False  # the deadline struck while --loss-pattern was matching a line
    no_loss: bool = False  # stopped because no loss appeared within --no-loss-timeout
    seconds: float = 0.0
    lines: int = 0
    bare_integers: int = 0
    evaluation_lines: int = 0
    output_tail: list = field(default_factory=list)
    stderr_tail: list = field(default_factory=list)

    @property
    def losses(self) -> list:
        """The first series (the only one, usually)."""
        return next(iter(self.series.values()), [])


class Signals:
    """While active, SIGINT/SIGTERM/SIGHUP raise Interrupted in the main thread (so the run under way
    is stopped on the way out) and SIGALRM is the deadline of the run under way. While `shielded`
    (stopping a run), a signal is kept and raised afterwards."""

    def __init__(self):
        self.shielded = False
        self.pending: int | None = None
        self.armed = False
        self.previous: dict = {}

    def __enter__(self):
        if _main_thread():
            for signum in FORWARDED:
                self.previous[signum] = signal.signal(signum, self._interrupt)
            self.previous[signal.SIGALRM] = signal.signal(signal.SIGALRM, self._deadline)
        return self

    def __exit__(self, *exc):
        self.disarm()
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        return False

    def _interrupt(self, signum, frame):
        if self.shielded:
            self.pending = self.pending or signum
            return
        raise Interrupted(signum)

    def _deadline(self, signum, frame):
        if self.armed and not self.shielded:
            self.armed = False
            raise _Deadline()

    def arm(self, seconds: float) -> None:
        if self.previous:
            self.armed = True
            signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))

    def disarm(self) -> None:
        self.armed = False
        if self.previous:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def raise_pending(self) -> None:
        if self.pending is not None:
            signum, self.pending = self.pending, None
            raise Interrupted(signum)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def become_subreaper() -> None:
    """Linux: processes a run orphans (a `setsid cmd &` that escaped its session) become our
    children rather than init's, so they can still be found and stopped."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
        except (OSError, AttributeError):
            pass


def run_once(command: list, *, steps: int, full: bool, timeout: float, pattern=None, on_loss=None,
             no_loss_timeout: float | None = None, env: dict | None = None, ready=None,
             signals: Signals | None = None) -> Run:
    """Run the command, reading stdout and stderr line by line (\\r counts as a line end, for progress
    bars); stop it once `steps` losses are in (and `ready()` says so), unless `full`."""
    signals = signals or Signals()
    run = Run()
    start = time.monotonic()
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            start_new_session=True, env=env, preexec_fn=_die_with_parent(),
        )
    except OSError as error:
        raise CannotJudge(f"cannot start {command[0]!r}: {error.strerror}") from None
    output = _Output(process, run, pattern, on_loss)
    first_signal = signal.SIGTERM
    signals.arm(timeout)
    try:
        _watch(output, start, steps=steps, full=full, timeout=timeout, no_loss_timeout=no_loss_timeout, ready=ready)
    except _Deadline:
        run.timed_out = True
    except Interrupted as stop:  # the run gets the signal reprofix got (a training may save on SIGINT)
        first_signal = stop.signum
        raise
    finally:
        signals.disarm()
        signals.shielded = True
        try:
            output.selector.close()
            stop_all(process, first_signal)
        finally:
            signals.shielded = False
        run.returncode = process.returncode
        run.seconds = time.monotonic() - start
    if not run.timed_out:
        run.slow_pattern = False
    output.finish()
    signals.raise_pending()
    return run


class _Output:
    """The command's stdout and stderr, read as they come, line by line: each line goes to the loss
    reader and to the tails kept for messages."""

    def __init__(self, process: subprocess.Popen, run: Run, pattern, on_loss):
        self.process, self.run, self.pattern, self.on_loss = process, run, pattern, on_loss
        self.reader = LossReader(pattern)
        self.tail, self.stderr_tail = collections.deque(maxlen=20), collections.deque(maxlen=20)
        self.selector = selectors.DefaultSelector()
        self.buffers = {process.stdout: b"", process.stderr: b""}  # the open streams, and their partial lines
        for stream in self.buffers:
            os.set_blocking(stream.fileno(), False)
            self.selector.register(stream, selectors.EVENT_READ)

    def read(self) -> None:
        """What the streams hold now (waiting 0.2 s at most); a stream that ends is closed."""
        for key, _ in self.selector.select(timeout=0.2):
            stream = key.fileobj
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                self.selector.unregister(stream)
                rest = self.buffers.pop(stream)
                if rest:
                    self.take(rest, stream)
                continue
            *complete, rest = re.split(rb"\r\n|\r|\n", self.buffers[stream] + chunk)
            if len(rest) > LONGEST_LINE:
                complete.append(rest)
                rest = b""
            self.buffers[stream] = rest
            for raw in complete:
                self.take(raw, stream)

    def take(self, line_bytes: bytes, stream) -> None:
        line = line_bytes.decode("utf-8", "replace")
        self.run.lines += 1
        self.tail.append(line)
        if stream is self.process.stderr:
            self.stderr_tail.append(line)
        self.run.slow_pattern = self.pattern is not None
        found = self.reader.feed(line)
        self.run.slow_pattern = False
        if found and self.on_loss is not None:
            self.on_loss(found)

    def finish(self) -> None:
        """The losses and the tails into the run."""
        run, reader = self.run, self.reader
        run.series, run.epochs = reader.series, reader.epochs
        run.bare_integers, run.evaluation_lines = reader.bare_integers, reader.evaluation_lines
        run.output_tail, run.stderr_tail = list(self.tail), list(self.stderr_tail)


def _watch(output: _Output, start: float, *, steps: int, full: bool, timeout: float, no_loss_timeout: float | None,
           ready) -> None:
    """Read the output until the run is over: out of time, no loss in time, the command gone (with
    what is left of its output), or `steps` losses in (and `ready()` says so) unless `full`."""
    run, reader = output.run, output.reader
    exited_at = None
    while output.buffers:
        now = time.monotonic()
        if _out_of_time(run, reader, now - start, timeout, no_loss_timeout):
            break
        if output.process.poll() is not None:
            exited_at = exited_at or now
            if now - exited_at > GRACE:  # what is left holds the pipes: a background child
                break
        output.read()
        if not full and reader.count() >= steps and (ready is None or ready()):
            run.stopped = True
            break


def _out_of_time(run: Run, reader: LossReader, elapsed: float, timeout: float, no_loss_timeout: float | None) -> bool:
    if elapsed >= timeout:
        run.timed_out = True
        return True
    if no_loss_timeout is not None and not reader.count() and elapsed >= no_loss_timeout:
        run.no_loss = True
        return True
    return False


def _die_with_parent():
    """What the child runs before exec (Linux): if reprofix dies, even by SIGKILL, the command gets
    SIGKILL (PR_SET_PDEATHSIG). None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGKILL, 0, 0, 0)


def stop_all(process: subprocess.Popen, first_signal: int = signal.SIGTERM) -> None:
    """Stop the command and everything it started: its process group, its session, their
    descendants, and orphans handed to us; `first_signal` (SIGTERM, or the signal reprofix got)
    first, SIGKILL after TERMINATE seconds."""
    if process.poll() is None or _members(process.pid):
        _signal_all(process.pid, first_signal)
        limit = time.monotonic() + TERMINATE
        while time.monotonic() < limit and (process.poll() is None or _members(process.pid)):
            _reap(process.pid)
            time.sleep(0.05)
        _signal_all(process.pid, signal.SIGKILL)
    process.wait()
    _reap(process.pid)
    for stream in (process.stdout, process.stderr):
        stream.close()


def _signal_all(leader: int, signum: int) -> None:
    try:
        os.killpg(leader, signum)
    except (ProcessLookupError, PermissionError):
        pass
    for pid in _members(leader):
        try:
            os.kill(pid, signum)
        except (ProcessLookupError, PermissionError):
            pass


def _processes() -> dict:
    """pid -> (ppid, process group, session, state) of every process (Linux /proc; empty elsewhere)."""
    table = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return table
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                data = stat.read()
        except OSError:
            continue
        fields = data[data.rindex(b")") + 2:].split()
        table[int(entry)] = (int(fields[1]), int(fields[2]), int(fields[3]), fields[0])
    return table


def _members(leader: int) -> set:
    """Live processes of the run started as `leader`: its session and group, their descendants, and
    orphans re-parented to us."""
    table = _processes()
    me = os.getpid()
    found = {pid for pid, (ppid, group, session, _) in table.items()
             if pid != me and (session == leader or group == leader or ppid == me)}
    found.add(leader)
    _add_descendants(found, table, me)
    return {pid for pid in found if pid in table and table[pid][3] != b"Z"}


def _add_descendants(found: set, table: dict, me: int) -> None:
    """Every descendant of the processes `found` (never this one) joins them."""
    children = collections.defaultdict(list)
    for pid, (ppid, *_rest) in table.items():
        children[ppid].append(pid)
    todo = list(found)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found and child != me:
                found.add(child)
                todo.append(child)


def _reap(leader: int) -> None:
    """Collect orphans re-parented to us (never the leader: Popen waits for it)."""
    me = os.getpid()
    for pid, (ppid, *_rest) in _processes().items():
        if ppid == me and pid != leader:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


@dataclass
class Step:
    number: int
    values: list
    abs_diff: float
    rel_diff: float
    agree: bool

    @property
    def bitwise(self) -> bool:
        return self.abs_diff == 0 and all(_same(v, self.values[0]) for v in self.values)


@dataclass
class Series:
    name: str
    steps: list
    first_difference: int | None


@dataclass
class Verdict:
    series: list  # Series, one per loss series printed (usually one, "loss")
    reproducible: bool
    first_difference: int | None
    message: str
    notes: list = field(default_factory=list)

    @property
    def steps(self) -> list:
        return self.series[0].steps if self.series else []


def close(a: float, b: float, atol: float, rtol: float) -> bool:
    """numpy.allclose's test for one pair: |a - b| <= atol + rtol * |b|; nan is never close."""
    if math.isnan(a) or math.isnan(b):
        return False
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * abs(b)


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def judge(runs: list, *, steps: int, full: bool, atol: float, rtol: float) -> Verdict:
    """Compare the runs step by step against the first, each loss series on its own; say where they
    part, in the procedure's words."""
    for number, run in enumerate(runs, 1):
        check_judgeable(number, run, steps)
    compared, notes = _compared(runs, steps, full, atol, rtol)
    firsts = [s.first_difference for s in compared if s.first_difference is not None]
    first = min(firsts) if firsts else None
    count = max(len(s.steps) for s in compared)
    message = _message(compared, first, len(runs), count, atol, rtol)
    return Verdict(compared, first is None, first, message, notes)


def _compared(runs: list, steps: int, full: bool, atol: float, rtol: float) -> tuple[list, list]:
    """Each series every run printed often enough, compared; and a note for each of the others."""
    notes, compared = [], []
    for name in runs[0].series:
        lengths = [len(r.series.get(name, [])) for r in runs]
        count = min(lengths) if full else steps
        if min(lengths) < count or count == 0:
            notes.append(f"{name}: printed {min(lengths)} time(s) in some run, not compared")
            continue
        compared.append(Series(name, *_table([r.series[name] for r in runs], count, atol, rtol)))
    return compared, notes


def _table(values_per_run: list, count: int, atol: float, rtol: float):
    table = [_step(i + 1, [run[i] for run in values_per_run], atol, rtol) for i in range(count)]
    first = next((s.number for s in table if not s.agree), None)
    return table, first


def _step(number: int, values: list, atol: float, rtol: float) -> Step:
    """One step of every run against the first run's."""
    base = values[0]
    abs_diff = max([_difference(v, base) for v in values[1:]] or [0.0])
    if abs_diff == 0:
        rel_diff = 0.0
    else:
        rel_diff = abs_diff / abs(base) if base != 0 and math.isfinite(base) else math.inf
    return Step(number, values, abs_diff, rel_diff, all(close(v, base, atol, rtol) for v in values[1:]))


def _difference(a: float, b: float) -> float:
    if _same(a, b):
        return 0.0
    if math.isnan(a) or math.isnan(b):
        return math.inf
    return abs(a - b)


def _message(compared: list, first: int | None, runs: int, count: int, atol: float, rtol: float) -> str:
    def agreed(upto: int) -> str:
        """How the steps before `upto` agreed: bitwise, or within tolerance with the largest |diff|."""
        steps = [s for series in compared for s in series.steps if s.number < upto]
        if all(s.bitwise for s in steps):
            return ""
        return f" within tolerance (bitwise different, |\u0394| = {max(s.abs_diff for s in steps):.3g})"

    which = ""
    if len(compared) > 1:
        parts = [f"{s.name} from step {s.first_difference}" if s.first_difference else f"{s.name} agrees"
                 for s in compared]
        which = f" ({'; '.join(parts)})"
    if first is None:
        return (f"reproducible: all {runs} runs agree on the first {count} step(s){agreed(count + 1)} "
                f"(numpy.allclose, atol={atol:g}, rtol={rtol:g}){which}")
    if first == 1:
        return f"not reproducible: the first step differs, so forward-pass randomness remains{which}"
    if first == 2:
        how = agreed(2) or " (the forward pass is fixed)"
        return (f"not reproducible: the first step agrees{how} but the second differs, so backward-pass "
                f"randomness remains{which}")
    how = agreed(first) or " (forward and backward are fixed)"
    return (f"not reproducible: the first two steps agree{how} but step {first} differs, so randomness "
            f"enters later (data order, a schedule, ...){which}")


HINT = ("Print a loss per step (e.g. MindSpore's LossMonitor(1), or `print(f\"loss: {loss}\")`), or pass "
        "--loss-pattern with a regular expression whose one group captures the loss, "
        "e.g. --loss-pattern 'train loss ([0-9.]+)'")


def check_ran(number: int, run: Run) -> None:
    """The command itself failed: nothing can be judged."""
    if run.returncode not in (0, None) and not run.stopped and not run.timed_out and not run.no_loss:
        tail = "\n".join("    " + line for line in run.stderr_tail[-10:]) or "    (no output on stderr)"
        raise CannotJudge(f"run {number}: the command failed with exit status {run.returncode}; "
                          f"the end of its stderr:\n{tail}")


def check_judgeable(number: int, run: Run, steps: int) -> None:
    check_ran(number, run)
    if run.slow_pattern:
        raise CannotJudge(f"run {number} timed out after {run.seconds:.0f} s while --loss-pattern was matching a "
                          "line: the pattern backtracks too much (nested repeats such as (a+)+); simplify it")
    if not run.losses:
        raise CannotJudge(_no_loss(number, run))
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


def _no_loss(number: int, run: Run) -> str:
    """Why no loss was read, with the run's last lines, the lines left out, and how to print one."""
    tail = "\n".join("    " + line for line in run.output_tail[-10:]) or "    (no output)"
    why = [f"run {number}: no loss found in {run.lines} line(s) of output"]
    if run.no_loss:
        why.append(f"(stopped after {run.seconds:.0f} s without one: --no-loss-timeout)")
    elif run.timed_out:
        why.append(f"(timed out after {run.seconds:.0f} s)")
    extra = ""
    if run.bare_integers:
        extra += (f"{run.bare_integers} line(s) were bare whole numbers: a step counter is not a loss, so they "
                  "were not read as losses. ")
    if run.evaluation_lines:
        extra += f"{run.evaluation_lines} evaluation line(s) (test, validation) were left out. "
    return f"{' '.join(why)}. Its last lines:\n{tail}\n{extra}{HINT}"


def _per_epoch(epochs: list) -> bool:
    """LossMonitor in sink mode prints one line per epoch: steps jump, or epochs change every line."""
    if len(epochs) < 2:
        return bool(epochs) and epochs[0][1] > 1
    steps = [s for _, s in epochs]
    new_epoch_each_line = len({e for e, _ in epochs}) == len(epochs)
    jumps = any(b - a > 1 for a, b in zip(steps, steps[1:]) if b > a)
    return new_epoch_each_line and (jumps or steps[0] > 1)


def strict_json(value):
    """JSON has no NaN or Infinity: they become the strings "NaN", "Infinity", "-Infinity"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    return value


def plot(runs: list, verdict: Verdict, path: str) -> None:
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
