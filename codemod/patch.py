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
    lead: int = 0  # context lines before the first change
    trail: int = 0  # context lines after the last change
    text: bytes = b""  # the hunk as it stands in the patch


@dataclass(frozen=True)
class Conflict:
    path: str
    hunk: int  # 1-based number of the hunk in its file
    line: int  # where the hunk was expected, 1-based
    expected: bytes  # the first line reprofix wrote that is not there any more
    found: bytes  # what stands there instead

    def describe(self) -> str:
        return (
            f"{self.path}:{self.line}: hunk {self.hunk} no longer matches: expected "
            f"{_show(self.expected)}, found {_show(self.found)}"
        )


def _show(line: bytes) -> str:
    text = line.decode("utf-8", "replace").rstrip("\r\n").strip()
    return repr(text if len(text) <= 70 else text[:67] + "...") if line else "the end of the file"


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
        if patched.is_added_file or patched.is_removed_file or "/dev/null" in (patched.source_file, patched.target_file):
            raise PatchError(f"{patched.path}: the patch creates or deletes a file; reprofix patches never do")
        path = _strip_prefix(patched.target_file if not patched.is_removed_file else patched.source_file)
        hunks = []
        for hunk in patched:
            source, target = [], []
            previous_type = None
            kinds = [line.line_type for line in hunk if line.line_type != "\\"]
            changes = [i for i, kind in enumerate(kinds) if kind in "+-"]
            lead = changes[0] if changes else 0
            trail = len(kinds) - 1 - changes[-1] if changes else 0
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
            text = str(hunk).encode("latin-1")
            hunks.append(Hunk(hunk.source_start, tuple(source), hunk.target_start, tuple(target), lead, trail, text))
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
    """Undo `patch` on `current` (the rewritten file); raise PatchError naming the first conflict."""
    result, conflicts = apply_hunks(current, patch, undo=True)
    if conflicts:
        raise PatchError(conflicts[0].describe())
    return result


def apply_hunks(current: bytes, patch: FilePatch, *, undo: bool, fuzz: int = 2, only=None):
    """Undo (or redo) the hunks of `patch` on `current`, as `patch` does: each hunk is located by
    its lines near the line it records, wherever earlier edits moved it, and may match with up to
    `fuzz` lines of its outer context changed. Returns (new bytes, conflicts); hunks that conflict
    (and those not in `only`, a set of hunk numbers) are left as they are."""
    lines = split_lines(current)
    out: list[bytes] = []
    position = 0
    offset = 0
    conflicts: list[Conflict] = []
    for number, hunk in enumerate(patch.hunks, 1):
        have, want = (hunk.target, hunk.source) if undo else (hunk.source, hunk.target)
        start = (hunk.target_start if undo else hunk.source_start) - (1 if have else 0) + offset
        if only is not None and number not in only:
            continue
        for trim in range(0, fuzz + 1):
            lead, trail = min(trim, hunk.lead), min(trim, hunk.trail)
            expected = list(have[lead : len(have) - trail])
            found = _locate(lines, expected, start + lead, position)
            if found is not None:
                break
        if found is None:
            conflicts.append(_conflict(patch.path, number, lines, list(have), max(start, position)))
            continue
        offset = found - lead - (start - offset)
        out.extend(lines[position:found])
        out.extend(want[lead : len(want) - trail])
        position = found + len(expected)
    out.extend(lines[position:])
    return b"".join(out), conflicts


def _conflict(path: str, number: int, lines: list[bytes], expected: list[bytes], at: int) -> Conflict:
    """Where the hunk fits best near `at` (most of its lines in place), and its first line that differs."""
    def score(start: int) -> int:
        return sum(1 for i, line in enumerate(expected) if start + i < len(lines) and lines[start + i] == line)

    window = range(max(0, at - 50), min(len(lines), at + 50) + 1)
    best = max(window, key=lambda start: (score(start), -abs(start - at)), default=at)
    for i, line in enumerate(expected):
        found = lines[best + i] if best + i < len(lines) else b""
        if found != line:
            return Conflict(path, number, best + i + 1, line, found)
    return Conflict(path, number, best + 1, expected[0] if expected else b"", b"")


def _locate(lines: list[bytes], expected: list[bytes], start: int, floor: int) -> int | None:
    """The index nearest to `start` (not before `floor`) where `expected` stands in `lines`."""
    size = len(expected)
    limit = len(lines) - size
    for distance in range(0, max(limit, start) + 1):
        for index in (start - distance, start + distance) if distance else (start,):
            if floor <= index <= limit and lines[index : index + size] == expected:
                return index
    return None


STATE = re.compile(rb"^# reprofix-state: (\w+)\n", re.MULTILINE)
DIGEST = re.compile(rb"^# reprofix-sha256: ([0-9a-f]{64}) (.+)\n", re.MULTILINE)


def state(data: bytes) -> str | None:
    """What the patch says was under way: applying, applied or reverting (None: not ours)."""
    match = STATE.search(data)
    return match.group(1).decode() if match else None


def with_state(data: bytes, new: str) -> bytes:
    return STATE.sub(b"# reprofix-state: " + new.encode() + b"\n", data, count=1)


def digests(data: bytes) -> dict[str, str]:
    """The sha256 of each file as apply left it, by path."""
    return {m.group(2).decode("utf-8", "surrogateescape"): m.group(1).decode() for m in DIGEST.finditer(data)}
