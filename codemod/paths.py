"""Paths and files as reprofix may touch them: only regular files, only inside the project, names in
any bytes the file system allows, shown to people without ambiguity.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)


class Refused(Exception):
    """A path named on the command line that reprofix will not take (a usage error, exit 2)."""


class Unreadable(Exception):
    """A file reprofix will not read; the message is one line, without the path."""


class NotRegular(Unreadable):
    pass


class TooLarge(Unreadable):
    pass


def kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_regular(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file, never following a final symbolic link and never blocking: a FIFO
    or a device named like a Python file is refused, not read. Over `limit` bytes, TooLarge."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if os.path.islink(path):
            raise NotRegular("is a symbolic link") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(f"is {kind(info.st_mode)}, not a regular file")
        if limit is not None and info.st_size > limit:
            raise TooLarge(f"{size_text(info.st_size)}, over the {size_text(limit)} limit")
        return _read_all(fd, limit)
    finally:
        os.close(fd)


def _read_all(fd: int, limit: int | None) -> bytes:
    """Read to the end; a file that grows over `limit` while it is read is TooLarge."""
    chunks = []
    left = (limit + 1) if limit is not None else None
    while True:
        chunk = os.read(fd, 1 << 20 if left is None else min(1 << 20, left))
        if not chunk:
            break
        chunks.append(chunk)
        if left is not None:
            left -= len(chunk)
            if left <= 0:
                raise TooLarge(f"grew over the {size_text(limit)} limit while being read")
    return b"".join(chunks)


def size_text(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"


def parse_size(text: str) -> int:
    """`5M`, `512K`, `2G` (powers of 1024) or a plain number of bytes; ValueError otherwise."""
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    number = text[:-1] if scale != 1 else text
    if not number.strip().isdigit() or int(number) * scale <= 0:
        raise ValueError(f"not a size: {text!r} (use bytes, or a number with K, M or G)")
    return int(number) * scale


def holds_marker(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in PROJECT_MARKERS)


def marked_root(folder: str | Path) -> Path | None:
    """The nearest (real) folder at or above `folder` holding pyproject.toml, setup.py, setup.cfg or
    .git: the project root, where the patch lives. None when there is none."""
    folder = Path(os.path.realpath(folder))
    for candidate in (folder, *folder.parents):
        if holds_marker(candidate):
            return candidate
    return None


def project_root_for(paths: list[str], cwd: Path, writes: bool = True) -> Path:
    """The patch's home for these paths: their project root (the nearest folder holding
    pyproject.toml, setup.py, setup.cfg or .git), or, when they have none, the current folder (for a
    command that only reads, the folder holding both it and them). Refused when they belong to
    different projects."""
    homes, folders = {}, []
    for path in paths:
        if os.path.exists(path):
            real = Path(os.path.realpath(path))
            folders.append(str(real if real.is_dir() else real.parent))
            homes.setdefault(marked_root(folders[-1]), path)
    if len(homes) > 1:
        (one, first), (other, second) = list(homes.items())[:2]
        raise Refused(f"{display(first)} and {display(second)} belong to different projects "
                      f"({one or 'none'}, {other or 'none'}); run reprofix once per project")
    found = next(iter(homes), None)
    if found is None and not writes and folders:
        return Path(os.path.commonpath([str(cwd), *folders]))
    return found or cwd


def resolve_named(path: str, cwd: Path, root: Path, what: str = "", writes: bool = True) -> Path:
    """The real path of a path named on the command line: it must exist, not be a link itself, and
    lead (every folder on the way resolved) to a regular file or a folder inside the project and, for
    a command that writes, inside the current folder. Refused otherwise, before anything is read."""
    label = what + display(path)
    if not os.path.lexists(path):
        raise Refused(f"{label}: no such file or directory")
    if os.path.islink(path):
        raise Refused(f"{label}: is a symbolic link; name the file it points to")
    real = Path(os.path.realpath(path))
    if writes and not inside(real, cwd):
        through = " (through a symbolic link)" if inside(Path(os.path.abspath(path)), cwd) else ""
        raise Refused(f"{label}: leads outside the current directory{through}; reprofix writes only inside "
                      "it: run it from the project root")
    if not inside(real, root):
        raise Refused(f"{label}: outside the project root {root}")
    if not real.is_dir() and not real.is_file():
        raise Refused(f"{label}: is {kind(os.lstat(real).st_mode)}, not a regular file")
    if real.is_file() and not readable_kind(real):
        raise Refused(f"{label}: not a Python file, notebook or YAML configuration (.py, .ipynb, .yaml, .yml, or a "
                      "script whose first line runs python); reprofix reads only those")
    return real


def readable_kind(path: Path) -> bool:
    """A file reprofix reads when it is named: by its name a Python file, a notebook or a YAML
    configuration, or a script without one of those names whose `#!` line runs Python."""
    name = path.name
    if name.lower().endswith((".py", ".yaml", ".yml")) or name.endswith(".ipynb"):
        return True
    try:
        with open(path, "rb") as file:
            first = file.readline(256)
    except OSError:
        return True  # reading it says what is wrong
    return first.startswith(b"#!") and b"python" in first


def inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def display(path: str) -> str:
    """A path as shown to a person: as it is, unless it holds control characters (a tab, a newline)
    or bytes that are not UTF-8; then quoted as git quotes it ("a\\tb.py", "caf\\351.py"), so every
    message stays one unambiguous line."""
    if path.isprintable():
        return path
    out = []
    for char in path:
        if "\udc80" <= char <= "\udcff":  # a byte that is not UTF-8 (surrogateescape)
            out.append(f"\\{ord(char) - 0xDC00:03o}")
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif not char.isprintable():
            out.extend(f"\\{byte:03o}" for byte in char.encode("utf-8", "surrogatepass"))
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


_ESCAPES = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r",
            '"': '\\"', "\\": "\\\\"}
