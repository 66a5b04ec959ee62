"""`reprofix verify`: run a command, reading the losses it prints as they come, and stop it once it
has printed the steps to compare (judge.py compares them).

Works for any command that prints losses (MindSpore, PyTorch, Keras, anything): losses are read from
its output line by line (losses.py). In a distributed launch, each rank process writes through
a channel of its own (channel.py), so ranks are told apart whatever the launcher prints. A run
is a process session of its own: whatever it starts (a background `sleep &`, a process that changed its
group or session) is stopped with it, on every way out, including when reprofix itself gets SIGINT,
SIGTERM or SIGHUP. --timeout bounds everything, matching a --loss-pattern included.
"""

from __future__ import annotations

import collections
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from .channel import Server, header
from .losses import LossReader, Source

GRACE = 1.0  # seconds to read what is left once the command itself has exited
ENDING = 0.1  # seconds a command that has printed its steps gets to end by itself (and say how it ended)
SILENT_RANKS = 3.0  # seconds the ranks that print get to wait for those that print nothing yet
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
    series: dict = field(default_factory=dict)  # SeriesId -> losses.Series; ranks first, each rank's main one first
    epochs: list = field(default_factory=list)  # (epoch, step) from LossMonitor lines
    returncode: int | None = None
    stopped: bool = False  # stopped by us once it printed enough
    exited: bool = False  # it ended by itself, before we stopped it
    timed_out: bool = False
    slow_pattern: bool = False  # the deadline struck while --loss-pattern was matching a line
    no_loss: bool = False  # stopped because no loss appeared within --no-loss-timeout
    seconds: float = 0.0
    loss_times: dict = field(default_factory=dict)  # SeriesId -> when each of its losses came (monotonic)
    lines: int = 0
    bare_integers: int = 0
    evaluation_lines: int = 0
    world: int = 0  # processes a distributed launcher announced (0: one process)
    output_tail: list = field(default_factory=list)
    stderr_tail: list = field(default_factory=list)

    @property
    def main(self):
        """The main series of the first rank (the only series, usually); None when none was read."""
        return next(iter(self.series.values()), None)

    @property
    def losses(self) -> list:
        main = self.main
        return main.values if main is not None else []


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
    """Run the command, reading stdout, stderr and the rank channels line by line (\\r counts as a line
    end, for progress bars); stop it once every series has its `steps` (and `ready()` says so), unless
    `full`."""
    signals = signals or Signals()
    run = Run()
    start = time.monotonic()
    server = Server()
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            start_new_session=True, env=server.environment(env), preexec_fn=_die_with_parent(),
        )
    except OSError as error:
        server.close()
        raise CannotJudge(_cannot_start(command, error)) from None
    _guard(process.pid, True)
    output = _Output(process, run, pattern, on_loss, server)
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
        run.exited = process.poll() is not None
        try:
            output.close()
            stop_all(process, first_signal)
            _guard(process.pid, False)
        finally:
            signals.shielded = False
            server.close()
        run.returncode = process.returncode
        run.seconds = time.monotonic() - start
    if not run.timed_out:
        run.slow_pattern = False
    output.finish()
    signals.raise_pending()
    return run


def step_seconds(run: Run, steps: int) -> float:
    """The time of one training step: between the first and the last of the compared losses of the run's
    first series, per step (start-up and the work before the first loss left out); 0.0 without two."""
    times = next(iter(run.loss_times.values()), [])[:steps]
    return (times[-1] - times[0]) / (len(times) - 1) if len(times) >= 2 else 0.0


def _cannot_start(command: list, error: OSError) -> str:
    """Why the command could not start (a Python file named as the program is refused before: see
    the command line's _python_file)."""
    return f"cannot start {command[0]!r}: {error.strerror}"


@dataclass
class _Stream:
    """One stream being read: the command's stdout or stderr, or a rank channel (its source known once
    its header line is in)."""
    source: Source | None
    main: bool  # the command's own stdout or stderr (tails for messages)
    buffer: bytes = b""
    pid: int = 0  # the process behind a channel


class _Output:
    """The command's stdout and stderr, and the rank channels, read as they come, line by line: each
    line goes to the loss reader, and the command's own lines to the tails kept for messages."""

    def __init__(self, process: subprocess.Popen, run: Run, pattern, on_loss, server: Server):
        self.process, self.run, self.pattern, self.on_loss, self.server = process, run, pattern, on_loss, server
        self.reader = LossReader(pattern)
        self.tail, self.stderr_tail = collections.deque(maxlen=20), collections.deque(maxlen=20)
        self.selector = selectors.DefaultSelector()
        self.streams: dict = {}  # the open streams -> _Stream
        self.launchers: set = set()  # pids whose channels carry the output of ranks started below them
        for stream, name in ((process.stdout, "stdout"), (process.stderr, "stderr")):
            os.set_blocking(stream.fileno(), False)
            self._register(stream, _Stream(Source(None, name), True))
        self.selector.register(server.socket, selectors.EVENT_READ, None)

    def _register(self, stream, state: _Stream) -> None:
        self.streams[stream] = state
        self.selector.register(stream, selectors.EVENT_READ, state)

    def read(self) -> None:
        """What the streams hold now (waiting 0.2 s at most); a stream that ends is closed. New
        channels first, then channels, then the command's own streams: a tee writes to its channel
        before the command's output, so a rank's line is known as the rank's before its copy arrives."""
        events = self.selector.select(timeout=0.2)
        for key, _ in sorted(events, key=lambda event: -1 if event[0].data is None else event[0].data.main):
            if key.data is None:
                self._accept()
            elif key.fileobj in self.streams:
                self._read(key.fileobj, key.data)

    def _accept(self) -> None:
        for _ in range(64):
            link = self.server.accept()
            if link is None:
                return
            self._register(link, _Stream(None, False))

    def _read(self, stream, state: _Stream) -> None:
        try:
            chunk = os.read(stream.fileno(), 65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._close(stream, state)
            return
        *complete, rest = re.split(rb"\r\n|\r|\n", state.buffer + chunk)
        if len(rest) > LONGEST_LINE:
            complete.append(rest)
            rest = b""
        state.buffer = rest
        for raw in complete:
            if state.source is None and not self._header(stream, state, raw):
                return
            self.take(raw, state)

    def _header(self, stream, state: _Stream, raw: bytes) -> bool:
        """A channel's first line: who is writing. A channel whose header is not one is dropped."""
        data = header(raw)
        if data is None:
            self._close(stream, state, flush=False)
            return False
        state.source, state.pid = Source(data["rank"], data["stream"], True), data.get("pid", 0)
        self.reader.channels = True
        self.reader.world = max(self.reader.world, data.get("world", 0))
        if isinstance(data.get("launcher_of"), int):
            self.launchers.add(data["launcher_of"])
        return False  # the header is not output

    def _close(self, stream, state: _Stream, flush: bool = True) -> None:
        self.selector.unregister(stream)
        del self.streams[stream]
        if flush and state.buffer and state.source is not None:
            self.take(state.buffer, state)
        if not state.main:
            stream.close()

    def take(self, line_bytes: bytes, state: _Stream) -> None:
        line = line_bytes.decode("utf-8", "replace")
        if state.main:
            self.run.lines += 1
            self.tail.append(line)
            if state.source.stream == "stderr":
                self.stderr_tail.append(line)
        if state.pid and state.pid in self.launchers:
            return  # its ranks' own channels bring these lines
        self.run.slow_pattern = self.pattern is not None
        found = self.reader.feed(line, state.source)
        self.run.slow_pattern = False
        for series, _ in found:
            self.run.loss_times.setdefault(series, []).append(time.monotonic())
        if found and self.on_loss is not None and (state.source.channel or not self.reader.channels):
            self.on_loss(found, self.reader)

    def close(self) -> None:
        for stream, state in list(self.streams.items()):
            if not state.main:
                stream.close()
        self.selector.close()

    def finish(self) -> None:
        """The losses and the tails into the run."""
        run, reader = self.run, self.reader
        run.series, run.epochs, run.world = reader.series(), reader.epochs, reader.world
        if run.stopped:  # a progress bar's latest drawing may be the step before's, redrawn a moment later
            for series in run.series.values():
                series.unsettle()
        run.bare_integers, run.evaluation_lines = reader.bare_integers, reader.evaluation_lines
        run.output_tail, run.stderr_tail = list(self.tail), list(self.stderr_tail)


def _watch(output: _Output, start: float, *, steps: int, full: bool, timeout: float, no_loss_timeout: float | None,
           ready) -> None:
    """Read the output until the run is over: out of time, no loss in time, the command gone (with
    what is left of its output), or `steps` losses in (and `ready()` says so) unless `full`."""
    run, reader = output.run, output.reader
    exited_at = ready_at = None
    while output.streams:
        now = time.monotonic()
        if _out_of_time(run, reader, now - start, timeout, no_loss_timeout):
            break
        if output.process.poll() is not None:
            exited_at = exited_at or now
            if now - exited_at > GRACE:  # what is left holds the pipes: a background child
                break
        output.read()
        if not full and reader.ready(steps) and (ready is None or ready()):
            ready_at = ready_at or now
            if reader.silent() and now - ready_at < SILENT_RANKS:
                continue  # a rank that prints nothing yet (or only rank 0 prints): wait a little for it
            _let_end(output)
            run.stopped = True
            break


def _let_end(output: _Output) -> None:
    """The steps are in: a command that is ending anyway (its output all came at its exit, as a
    block-buffered print does) is let end, and what it wrote last is read, so that a failure after
    the steps compared is seen, not stopped away. A command still training is not waited for."""
    try:
        output.process.wait(ENDING)
    except subprocess.TimeoutExpired:
        return
    limit = time.monotonic() + GRACE
    while output.streams and time.monotonic() < limit:
        output.read()


def _out_of_time(run: Run, reader: LossReader, elapsed: float, timeout: float, no_loss_timeout: float | None) -> bool:
    if elapsed >= timeout:
        run.timed_out = True
        return True
    if no_loss_timeout is not None and not reader.any() and elapsed >= no_loss_timeout:
        run.no_loss = True
        return True
    return False


# The watchdog: a small process of its own session that outlives reprofix. reprofix tells it, on its
# stdin, each run's session as it starts ("+PID") and ends ("-PID"); when its stdin closes while a
# run is still listed (reprofix was killed, even by SIGKILL, which no handler sees), it kills every
# process of that session: DataLoader workers and the launcher's children, which PR_SET_PDEATHSIG
# (for the direct child only) does not reach.
_WATCHDOG = r"""
import os, signal, sys
live = set()
for line in sys.stdin:
    (live.add if line[0] == "+" else live.discard)(int(line[1:]))
for session in live:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry, "rb") as stat:
                    fields = stat.read().rsplit(b")", 1)[1].split()
                if int(fields[3]) == session or int(fields[2]) == session:
                    os.kill(int(entry), signal.SIGKILL)
            except (OSError, ValueError, IndexError):
                pass
"""
_watchdog: subprocess.Popen | None = None


def _guard(pid: int, live: bool) -> None:
    """Tell the watchdog (started on first use, Linux only) that the run `pid` started or ended."""
    global _watchdog
    if not sys.platform.startswith("linux"):
        return
    try:
        if _watchdog is None or _watchdog.poll() is not None:
            _watchdog = subprocess.Popen([sys.executable, "-c", _WATCHDOG], stdin=subprocess.PIPE,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         start_new_session=True)
        _watchdog.stdin.write(f"{'+' if live else '-'}{pid}\n".encode())
        _watchdog.stdin.flush()
    except OSError:
        pass  # no watchdog: PR_SET_PDEATHSIG still stops the command itself


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
