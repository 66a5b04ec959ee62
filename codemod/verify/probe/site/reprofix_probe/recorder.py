"""The trace one process writes: one JSON line per event, in execution order, for the first N steps.

An event holds a digest of a tensor, never the tensor: its shape, dtype, a hash of its exact bytes,
a few statistics, and a fixed sample of its values (all of them for small tensors), enough to tell
whether two runs differ and by how much. Runs inside the user's process: standard library and
numpy only, every failure swallowed (the command's own behaviour must not change).
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import json
import os
import sys
import time

SAMPLE = 256  # values kept per tensor: every value of a tensor this small, an even spread otherwise
PHASES = ("data", "forward", "backward", "update")


class Recorder:
    """Steps, phases and the trace file of this process. A step ends at an optimizer step (or, where
    no optimizer is seen, at the first top-level model call after a backward pass)."""

    def __init__(self, directory: str, steps: int):
        from .ranks import own_rank

        self.directory = directory
        self.steps = steps
        self.step = 1
        self.pid = os.getpid()
        self.rank, self.world = own_rank(os.environ) or (None, 0)  # a distributed launch's rank, else None
        self.parallel_mode = None
        self.active = True
        self.backward_seen = False
        self.file = None
        self.on_finish: list = []  # callables that take the hooks out again

    def recording(self) -> bool:
        return self.active and os.getpid() == self.pid  # a forked child (a data-loader worker) records nothing

    def _write(self, record: dict | str) -> None:
        """A record as a JSON line (a str is one already). Written through a buffer flushed at the end of
        each step and at exit: a line written at once per event cost more than some models' steps."""
        if self.file is None:
            name = f"trace-{self.pid}-{time.time_ns()}.jsonl"
            self.file = open(os.path.join(self.directory, name), "w", encoding="utf-8", buffering=1 << 20)
            atexit.register(self.flush)
            self._write({"kind": "process", "pid": self.pid, "argv": list(sys.argv), "start": time.time(),
                         "rank": self.rank, "world": self.world})
        self.file.write((record if isinstance(record, str) else json.dumps(record)) + "\n")

    def flush(self) -> None:
        if self.file is not None and not self.file.closed:
            try:
                self.file.flush()
            except (OSError, ValueError):
                pass

    def event(self, phase: str, module: str, type_: str, source: str, what: str, digest, tensor: int = 0,
              step: int | None = None) -> None:
        """One event; `tensor` identifies the forward tensor a gradient belongs to within this run,
        so that events about the same tensor (a layer's output is its parent's) can be grouped.
        `digest`: a dict, or its JSON already (the fields without the braces); `step`: the step it
        belongs to, when it is seen after that step ended."""
        if digest is None or not self.recording():
            return
        if phase == "backward":
            self.backward_seen = True
        head = json.dumps({"kind": "event", "step": self.step if step is None else step, "phase": phase,
                           "module": module, "type": type_, "source": source, "what": what, "tensor": tensor})
        self._write(head[:-1] + ", " + (digest if isinstance(digest, str) else json.dumps(digest)[1:-1]) + "}")

    def parallel(self, mode: str) -> None:
        """The model is trained data-parallel (a DDP wrapper, MindSpore's DATA_PARALLEL): its ranks hold
        replicas, whose parameters must stay equal."""
        if self.recording() and self.parallel_mode != mode:
            self.parallel_mode = mode
            self._write({"kind": "parallel", "mode": mode})

    def note(self, text: str) -> None:
        if self.recording():
            self._write({"kind": "note", "text": text})

    def top_level_call(self) -> None:
        """A new top-level model call after a backward pass, with no optimizer step seen: a new step."""
        if self.backward_seen:
            self.end_step()

    def end_step(self) -> None:
        if not self.recording():
            return
        self.flush()
        self.step += 1
        self.backward_seen = False
        if self.step > self.steps:
            self.finish()

    def finish(self) -> None:
        """N steps recorded: close the trace, say so (verify waits for this), take the hooks out."""
        self.active = False
        for remove in self.on_finish:
            guarded(remove)
        if self.file is not None:
            self.file.write(json.dumps({"kind": "done", "steps": self.steps}) + "\n")
            self.file.close()
        with open(os.path.join(self.directory, f"done-{self.pid}"), "w"):
            pass


def guarded(function, *args):
    """Run a probe function; a failure is noted in the trace, never raised into the user's program."""
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 - the probe must never break the command
        failure(error)
        return None


def failure(error: BaseException) -> None:
    directory = os.environ.get("REPROFIX_PROBE_DIR")
    if directory:
        try:
            with open(os.path.join(directory, f"error-{os.getpid()}"), "a", encoding="utf-8") as out:
                out.write(f"{type(error).__name__}: {error}\n")
        except OSError:
            pass


def digest(shape, dtype: str, raw, values) -> dict:
    """shape, dtype, a hash of the exact bytes (`raw`), statistics and a sample; `values` is a flat
    numpy array of the elements in their own dtype. Nothing the size of the tensor is copied, so
    memory stays flat (a mask of one byte per element for the NaN count aside)."""
    import numpy

    count = int(values.size)
    if values.dtype.kind == "c":
        values = numpy.abs(values)
    elif values.dtype.kind == "b":
        values = values.view(numpy.uint8)
    elif values.dtype.kind not in "iuf":
        values = values[:0].astype(numpy.float64)  # not numbers: the hash alone
    stats = {}
    if values.size:
        with numpy.errstate(all="ignore"):
            if values.dtype.kind == "f":
                stats.update(nan=int(numpy.isnan(values).sum()), inf=int(numpy.isinf(values).sum()))
            stats.update(min=float(values.min()), max=float(values.max()), mean=float(values.mean(dtype=numpy.float64)))
    if values.size > SAMPLE:
        values = values[numpy.linspace(0, values.size - 1, SAMPLE).astype(numpy.int64)]
    return {
        "shape": [int(n) for n in shape],
        "dtype": dtype,
        "count": count,
        "hash": hashlib.blake2b(raw, digest_size=16).hexdigest(),
        "stats": stats,
        "sample": base64.b64encode(values.astype("<f8").tobytes()).decode("ascii"),
    }


BLOCK = 4096  # bytes summed together as 32-bit words in a fingerprint


def fingerprint(raw, sums=None) -> str:
    """A 128-bit fingerprint of a tensor's exact bytes (`raw`: a flat numpy uint8 array), at memory
    speed: CRC-32 of every byte (hardware-accelerated) and wrapping sums of each 4 KiB as 32-bit
    words (`sums`, when the framework computed them faster), hashed together. Equal bytes always give
    equal fingerprints; different bytes a different one, but for differences made to collide on
    purpose."""
    import zlib

    import numpy

    body = raw.size - raw.size % BLOCK
    if sums is None:
        sums = raw[:body].view(numpy.int32).reshape(-1, BLOCK // 4).sum(axis=1, dtype=numpy.int32) if body else raw[:0]
    hasher = hashlib.blake2b(zlib.crc32(raw).to_bytes(4, "little"), digest_size=16)
    hasher.update(sums.tobytes())
    hasher.update(raw[body:].tobytes())
    return hasher.hexdigest()


def numpy_digest(array, dtype: str | None = None) -> dict:
    import numpy

    flat = numpy.ascontiguousarray(array).reshape(-1)
    return digest(numpy.shape(array), dtype or str(flat.dtype), flat.view(numpy.uint8), flat)


def class_source(cls) -> str:
    """`file:line` of a class, relative to the current folder when inside it."""
    import inspect

    try:
        path = inspect.getsourcefile(cls) or ""
        line = inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        return ""
    return f"{relative(path)}:{line}"


def relative(path: str) -> str:
    try:
        here = os.getcwd()
        full = os.path.abspath(path)
        return os.path.relpath(full, here) if full.startswith(here + os.sep) else full
    except (OSError, ValueError):
        return path


def caller(skip_prefixes: tuple) -> str:
    """`file:line` of the innermost frame outside the framework and the probe: where the user's code
    called the model."""
    frame = sys._getframe(1)
    here = os.path.dirname(os.path.abspath(__file__))
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(skip_prefixes) and not filename.startswith(here):
            return f"{relative(filename)}:{frame.f_lineno}"
        frame = frame.f_back
    return ""
