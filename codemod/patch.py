"""The patch: a plain unified diff that `git apply -R` and `patch -R -p1` accept, and its reversal.

Everything works on bytes, so files in any encoding and with any line endings round-trip exactly.
The patch is parsed with unidiff through latin-1, which maps every byte to one character and back.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

import unidiff

NO_NEWLINE = b"\\ No newline at end of file\n"
_LINE = re.compile(rb"[^\n]*\n|[^\n]+\Z")


class PatchError(Exception):
    """The patch cannot be read or does not fit the files; the message is one line."""


def split_lines(data: bytes) -> list[bytes]:
    """Lines with their endings, split on LF only (as git and patch do)."""
    return _LINE.findall(data)


def file_diff(path: str, old: bytes, new: bytes) -> bytes:
    """A git-style unified diff of one file, `path` relative to where the patch is applied."""
    body = difflib.diff_bytes(
        difflib.unified_diff, split_lines(old), split_lines(new), b"a/" + path.encode(), b"b/" + path.encode()
    )
    out = [b"diff --git a/%s b/%s\n" % (path.encode(), path.encode())]
    for line in body:
        out.append(line if line.endswith(b"\n") else line + b"\n" + NO_NEWLINE)
    return b"".join(out)


@dataclass(frozen=True)
class Hunk:
    source_start: int  # 1-based line in the original file
    source: tuple[bytes, ...]  # the original lines (context and removed)
    target_start: int  # 1-based line in the rewritten file
    target: tuple[bytes, ...]  # the rewritten lines (context and added)


@dataclass(frozen=True)
class FilePatch:
    path: str
    hunks: tuple[Hunk, ...]


def parse(data: bytes) -> list[FilePatch]:
    """Read a patch; raise PatchError on anything that is not a plain unified diff of text files."""
    try:
        patch_set = unidiff.PatchSet(io.StringIO(data.decode("latin-1")))
    except unidiff.UnidiffParseError as error:
        raise PatchError(f"not a unified diff: {error}") from None
    files = []
    for patched in patch_set:
        if patched.is_binary_file:
            raise PatchError(f"{patched.path}: binary patches are not supported")
        path = _strip_prefix(patched.target_file if not patched.is_removed_file else patched.source_file)
        hunks = []
        for hunk in patched:
            source, target = [], []
            previous_type = None
            for line in hunk:
                value = line.value.encode("latin-1")
                if line.line_type == "\\":
                    # the line before has no newline at end of file
                    if previous_type in (" ", "-"):
                        source[-1] = source[-1].rstrip(b"\n")
                    if previous_type in (" ", "+"):
                        target[-1] = target[-1].rstrip(b"\n")
                    continue
                if line.line_type in (" ", "-"):
                    source.append(value)
                if line.line_type in (" ", "+"):
                    target.append(value)
                previous_type = line.line_type
            hunks.append(Hunk(hunk.source_start, tuple(source), hunk.target_start, tuple(target)))
        files.append(FilePatch(path, tuple(hunks)))
    if not files:
        raise PatchError("the patch describes no file")
    return files


def _strip_prefix(name: str) -> str:
    name = name.split("\t")[0]
    if name.startswith(("a/", "b/")):
        name = name[2:]
    return name


def check_path(path: str) -> None:
    """Refuse paths that would leave the directory the patch is applied in."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise PatchError(f"{path}: refusing a path outside the current directory")


def reverse(current: bytes, patch: FilePatch) -> bytes:
    """Undo `patch` on `current` (the rewritten file), locating each hunk by its content near its
    recorded line; raise PatchError naming the first hunk that no longer fits."""
    lines = split_lines(current)
    out: list[bytes] = []
    position = 0
    offset = 0
    for number, hunk in enumerate(patch.hunks, 1):
        expected = list(hunk.target)
        start = (hunk.target_start - 1 if expected else hunk.target_start) + offset
        found = _locate(lines, expected, start, position)
        if found is None:
            raise PatchError(
                f"{patch.path}:{hunk.target_start}: hunk {number} does not match the file "
                "(was it edited after apply?)"
            )
        offset = found - (start - offset)
        out.extend(lines[position:found])
        out.extend(hunk.source)
        position = found + len(expected)
    out.extend(lines[position:])
    return b"".join(out)


def _locate(lines: list[bytes], expected: list[bytes], start: int, floor: int) -> int | None:
    """The index nearest to `start` (not before `floor`) where `expected` stands in `lines`."""
    size = len(expected)
    limit = len(lines) - size
    for distance in range(0, max(limit, start) + 1):
        for index in (start - distance, start + distance) if distance else (start,):
            if floor <= index <= limit and lines[index : index + size] == expected:
                return index
    return None
