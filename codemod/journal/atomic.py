"""Writing a file so that a crash never leaves it half-written and nothing it does not own is lost.

Each file is written through a temporary file in its folder (named after the run, so that only the
run's own leftovers are ever cleaned), flushed, given the original's owner, group and mode, checked
once more against what was read, renamed over the original, and the folder flushed.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import stat
import tempfile
from pathlib import Path

from ..paths import Unreadable, display, inside, kind, read_regular


def crash_point(name: str) -> None:
    """Fault injection for the crash tests: REPROFIX_CRASH_AT=name:N sends this process SIGKILL (or
    the signal REPROFIX_CRASH_SIGNAL names, e.g. INT) the Nth time this point is reached. Unset, it
    costs one lookup."""
    wanted = os.environ.get("REPROFIX_CRASH_AT")
    if not wanted:
        return
    point, _, count = wanted.partition(":")
    if point in (name, "any"):
        left = int(count or 1) - 1
        os.environ["REPROFIX_CRASH_AT"] = f"{point}:{left}"
        if left == 0:
            os.kill(os.getpid(), getattr(signal, "SIG" + os.environ.get("REPROFIX_CRASH_SIGNAL", "KILL")))


class FileChanged(Exception):
    """A file is no longer what reprofix read: it was not written."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{display(path)}: {reason}")
        self.path = path  # absolute
        self.reason = reason


def read_refusal(path: Path, root: Path) -> str | None:
    """Why reprofix must not even read `path` (root/relative path) as a file of the project, or None."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return "no longer exists"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link; reprofix never writes through links"
    if os.path.realpath(path) != os.path.normpath(path) or not inside(path, root):
        return "leads outside the project or through a symbolic link; reprofix never writes through links"
    if not stat.S_ISREG(info.st_mode):
        return f"is {kind(info.st_mode)}, not a regular file"
    return None


def write_refusal(path: Path, root: Path) -> str | None:
    """Why reprofix must not replace `path` (root/relative path), or None. Checked before anything is
    written, and again just before each file's own write."""
    refusal = read_refusal(path, root)
    if refusal:
        return refusal
    info = os.lstat(path)
    if info.st_nlink > 1:
        return (f"has {info.st_nlink} hard links; reprofix replaces a file by renaming a new copy over it, "
                "which would split them: remove the other links first")
    if not info.st_mode & 0o222 or not os.access(path, os.W_OK):  # read-only, even for root
        return "is read-only; make it writable to rewrite it"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return "its folder is not writable"
    if os.geteuid() != 0:
        if info.st_uid != os.geteuid():
            return f"belongs to another user (uid {info.st_uid}); reprofix could not keep its owner: run it as that user"
        if info.st_gid != os.getegid() and info.st_gid not in os.getgroups():
            return f"its group (gid {info.st_gid}) is not one of yours; reprofix could not keep it"
    return None


def _check_unchanged(path: Path, root: Path, expected: bytes) -> None:
    refusal = write_refusal(path, root)
    if refusal:
        raise FileChanged(str(path), refusal)
    try:
        current = read_regular(path)
    except (OSError, Unreadable) as error:
        raise FileChanged(str(path), f"cannot be read again: {getattr(error, 'strerror', None) or error}") from None
    if current != expected:
        raise FileChanged(str(path), "changed since reprofix read it")


def write_atomic(path: str | Path, data: bytes, run: str, *, expected: bytes | None = None,
                 root: Path | None = None, patch_temporary: bool = False) -> None:
    """Write through a temporary file in the same folder (named after the run, so only this run's
    leftovers are ever cleaned), flushed, given the target's owner, group and mode, then renamed over
    the target; the folder is flushed so the rename survives a crash. With `expected`, the target is
    checked just before the rename: still a regular file of one link, still these bytes (FileChanged
    otherwise, and nothing is written)."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    before = _lstat(path)
    prefix = temporary_prefix(os.path.basename(path) if patch_temporary else None, run)
    fd, temporary = _temporary(path, directory, prefix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            mine = os.fstat(handle.fileno())
        _keep_owner_and_mode(temporary, mine, before)
        if before is not None and stat.S_ISREG(before.st_mode):
            _keep_extended_attributes(path, temporary)
        crash_point("write")  # the temporary file is complete, the target not yet replaced
        if expected is not None:
            _check_unchanged(Path(path), root or Path(directory), expected)
        os.replace(temporary, path)
    except BaseException as error:
        if os.path.exists(temporary):
            os.unlink(temporary)
        if isinstance(error, OSError) and error.filename != path and error.errno:
            raise type(error)(error.errno, error.strerror, path) from None
        raise
    crash_point("write")  # replaced, the folder not yet flushed
    sync_folder(directory)


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _temporary(path: str, directory: str, prefix: str) -> tuple[int, str]:
    try:
        return tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    except OSError as error:  # name the file being written, not the temporary one
        raise type(error)(error.errno, error.strerror, path) from None


def _keep_owner_and_mode(temporary: str, mine: os.stat_result, before: os.stat_result | None) -> None:
    """The target's owner, group and mode for the temporary file. A new file, or one that replaces a
    symbolic link (whose own mode, 0o777, says nothing), gets what the user's umask gives a new file."""
    if before is not None and stat.S_ISREG(before.st_mode):
        if (mine.st_uid, mine.st_gid) != (before.st_uid, before.st_gid):
            os.chown(temporary, before.st_uid, before.st_gid)
        os.chmod(temporary, stat.S_IMODE(before.st_mode))  # after chown, which clears set-id bits
    else:
        os.chmod(temporary, 0o666 & ~current_umask())


def _keep_extended_attributes(path: str, temporary: str) -> None:
    """The target's extended attributes on the temporary file: user attributes, POSIX ACLs
    (system.posix_acl_access), SELinux labels (security.selinux). One the new file cannot take
    (a filesystem without them, a label only an administrator may set) stops the write: the file
    keeps what it had, unchanged, and the error names it."""
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError as error:
        if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
            return  # a filesystem without extended attributes: nothing to keep
        raise
    for name in names:
        value = os.getxattr(path, name, follow_symlinks=False)
        try:
            if os.getxattr(temporary, name, follow_symlinks=False) == value:
                continue  # the folder's default ACL or label already gave it
        except OSError:
            pass
        try:
            os.setxattr(temporary, name, value, follow_symlinks=False)
        except OSError as error:
            raise OSError(error.errno, f"cannot keep its extended attribute {name} ({error.strerror})", path) from None


def current_umask() -> int:
    """The process's umask (read from /proc where it can be, which changes nothing; else set and
    restored at once)."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def temporary_prefix(patch_name: str | None, run: str) -> str:
    """`.reprofix-RUN-` beside source files; `.PATCH.reprofix-RUN-` for the patch itself, which is
    written before the journal exists, so that a crash then leaves a file recognisable by its name."""
    return f".{patch_name}.reprofix-{run}-" if patch_name else f".reprofix-{run}-"


def clean_temporaries(folders, run: str, patch_name: str) -> None:
    """Remove the temporary files a crashed run left behind (they never replaced anything): only
    those named after that run."""
    prefixes = (temporary_prefix(None, run), temporary_prefix(patch_name, run))
    for folder in sorted(set(folders)):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.startswith(prefixes) and name.endswith(".tmp"):
                _remove(os.path.join(folder, name))


def clean_patch_temporaries(patch_path: str) -> None:
    """Before a journal exists (a crash while the patch was first written), the only leftover can be
    the patch's own temporary file, named after the patch: `.PATCH.reprofix-RUN-*.tmp`."""
    folder, name = os.path.split(os.path.abspath(patch_path))
    pattern = re.compile(re.escape(temporary_prefix(name, "")[:-1]) + r"[0-9a-f]{16}-[^/]*\.tmp")
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for candidate in names:
        if pattern.fullmatch(candidate):
            _remove(os.path.join(folder, candidate))


def _remove(path: str) -> None:
    try:
        if stat.S_ISREG(os.lstat(path).st_mode):
            os.unlink(path)
    except OSError:
        pass


def sync_folder(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
