"""One command at a time on a patch, and Ctrl-C at a safe moment.

Every command that reads or writes the journal holds an exclusive OS lock (flock) on `PATCH.lock`,
beside the patch. While files are written, SIGINT only raises a flag, so a file is never left
half-way and the report can say exactly what was done.
"""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from ..paths import display

LOCK_WAIT = 3.0  # seconds a command waits for another one to finish (REPROFIX_LOCK_WAIT)
HELD_LOCKS: dict[int, str] = {}  # the locks this process holds: descriptor -> lock file (workers close them)


class Busy(Exception):
    """Another reprofix command holds the patch's lock (or the wait for it is set to no number)."""


def lock_wait() -> float:
    """REPROFIX_LOCK_WAIT, seconds from 0 to a day (LOCK_WAIT when unset): Busy for anything else (`abc`,
    empty, `nan`, which would wait forever, `-1`, `inf`)."""
    raw = os.environ.get("REPROFIX_LOCK_WAIT")
    if raw is None:
        return LOCK_WAIT
    try:
        wait = float(raw)
    except ValueError:
        wait = float("nan")
    if not 0 <= wait <= 86400:
        raise Busy(f"REPROFIX_LOCK_WAIT={raw!r} is not a number of seconds from 0 to 86400 (the wait for "
                   "another reprofix command); nothing was changed")
    return wait


@contextmanager
def locked(patch_path: str, label: str | None = None):
    """An exclusive OS lock (flock) on `PATCH.lock`, beside the patch, for as long as the command
    reads or writes the journal. Another command waits up to LOCK_WAIT seconds, then gives up with
    Busy. The lock file is removed on release (a crashed holder's file is taken over: the OS released
    its lock when it died)."""
    lock_path = patch_path + ".lock"
    wait = lock_wait()
    deadline = time.monotonic() + wait
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        fd = os.open(lock_path, flags, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            if time.monotonic() >= deadline:
                raise Busy(f"{display(label or patch_path)}: another reprofix command{_holder(lock_path)} is working on "
                           f"this patch; try again when it has finished") from None
            time.sleep(0.05)
            continue
        try:  # the file locked must still be the one at lock_path: the last holder removes it
            current = os.stat(lock_path, follow_symlinks=False).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(fd).st_ino:
            break
        os.close(fd)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    HELD_LOCKS[fd] = lock_path
    try:
        yield
    finally:
        if HELD_LOCKS.pop(fd, None):
            _release(fd, lock_path)


def _release(fd: int, lock_path: str) -> None:
    try:
        os.unlink(lock_path)
    except OSError:
        pass
    os.close(fd)


def release_locks() -> None:
    """Give up every lock now (before an immediate exit that skips `finally` blocks)."""
    while HELD_LOCKS:
        _release(*HELD_LOCKS.popitem())


def _holder(lock_path: str) -> str:
    try:
        pid = Path(lock_path).read_text().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


class Interrupted(Exception):
    """SIGINT arrived while files were being written; raised between two files."""

    def __init__(self, done: int, total: int):
        super().__init__(f"interrupted after {done} of {total} file(s)")
        self.done, self.total = done, total


@contextmanager
def deferred_interrupts():
    """While files are written, SIGINT only raises a flag: the file being written is finished, and
    the loop stops at the next file with Interrupted, so the report can say exactly what was done."""
    raised: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    previous = signal.signal(signal.SIGINT, lambda number, frame: raised.append(number))
    try:
        yield lambda: bool(raised)
    finally:
        signal.signal(signal.SIGINT, previous)
