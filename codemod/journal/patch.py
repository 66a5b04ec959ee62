"""The patch: a plain unified diff that `git apply -R` and `patch -R -p1` accept, and its reversal.

Everything works on bytes, so files in any encoding and with any line endings round-trip exactly.
The patch is parsed with unidiff through latin-1, which maps every byte to one character and back.
"""

from __future__ import annotations

import difflib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import unidiff

from ..paths import display

NO_NEWLINE = b"\\ No newline at end of file\n"
_LINE = re.compile(rb"[^\n]*\n|[^\n]+\Z")


class PatchError(Exception):
    """The patch cannot be read or does not fit the files; the message is one line."""


def split_lines(data: bytes) -> list[bytes]:
    """Lines with their endings, split on LF only (as git and patch do)."""
    return _LINE.findall(data)


def file_diff(path: str, old: bytes, new: bytes) -> bytes:
    """A git-style unified diff of one file, `path` relative to where the patch is applied, its name
    written exactly as git writes it (quoted when it holds special bytes; a name with a space gets a
    tab after it on the ---/+++ lines), so that git apply and GNU patch read it back."""
    source, target = quote_path("a/" + path), quote_path("b/" + path)
    tab = b"\t" if b" " in source and not source.startswith(b'"') else b""
    body = _unified(split_lines(old), split_lines(new), source + tab, target + tab)
    out = [b"diff --git %s %s\n" % (source, target)]
    for line in body:
        out.append(line if line.endswith(b"\n") else line + b"\n" + NO_NEWLINE)
    return b"".join(out)


def _unified(a: list[bytes], b: list[bytes], fromfile: bytes, tofile: bytes, context: int = 3):
    """difflib.unified_diff's lines, for bytes, from _Matcher's alignment (difflib's own search is
    quadratic when thousands of changed lines stand between repeated ones)."""
    started = False
    for group in _Matcher(a, b).get_grouped_opcodes(context):
        if not started:
            started = True
            yield b"--- " + fromfile + b"\n"
            yield b"+++ " + tofile + b"\n"
        first, last = group[0], group[-1]
        yield b"@@ -%s +%s @@\n" % (_range(first[1], last[2]), _range(first[3], last[4]))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (b" " + line for line in a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                yield from (b"-" + line for line in a[i1:i2])
            if tag in ("replace", "insert"):
                yield from (b"+" + line for line in b[j1:j2])


def _range(start: int, stop: int) -> bytes:
    """A hunk's line range as unified diffs write it (difflib's _format_range_unified)."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return b"%d" % beginning
    if not length:
        beginning -= 1
    return b"%d,%d" % (beginning, length)


class _Matcher(difflib.SequenceMatcher):
    """difflib's matcher, aligned first on the lines that occur once in each file (patience diff's
    anchors, in an order both files share): difflib then only aligns the few lines between two
    anchors, so a rewrite of thousands of statements costs linear time, not quadratic. Any alignment
    gives a correct patch (the engine checks that it undoes exactly what was done)."""

    def __init__(self, a: list[bytes], b: list[bytes]):
        super().__init__(None, a, b, autojunk=False)

    def get_matching_blocks(self):
        if self.matching_blocks is not None:
            return self.matching_blocks
        a, b = self.a, self.b
        blocks: list[tuple[int, int, int]] = []
        previous_i = previous_j = 0
        for i, j in [*_anchors(a, b), (len(a), len(b))]:
            if i > previous_i and j > previous_j:
                between = difflib.SequenceMatcher(None, a[previous_i:i], b[previous_j:j], autojunk=False)
                blocks += [(previous_i + x, previous_j + y, size) for x, y, size in between.get_matching_blocks()[:-1]]
            if i < len(a):
                blocks.append((i, j, 1))
            previous_i, previous_j = i + 1, j + 1
        merged: list[list[int]] = []
        for i, j, size in blocks:
            if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
                merged[-1][2] += size
            elif size:
                merged.append([i, j, size])
        self.matching_blocks = [difflib.Match(*block) for block in merged] + [difflib.Match(len(a), len(b), 0)]
        return self.matching_blocks


def _anchors(a: list[bytes], b: list[bytes]) -> list[tuple[int, int]]:
    """(i, j) of the lines that occur exactly once in each of `a` and `b`, the longest run of them
    in increasing order in both (patience sorting)."""
    import bisect
    from collections import Counter

    count_a, count_b = Counter(a), Counter(b)
    where_b = {line: j for j, line in enumerate(b) if count_b[line] == 1}
    pairs = [(i, where_b[line]) for i, line in enumerate(a) if count_a[line] == 1 and line in where_b]
    tails: list[int] = []  # tails[k]: the smallest j ending an increasing run of length k + 1
    tail_index: list[int] = []
    back: list[int] = []
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k], tail_index[k] = j, index
        back.append(tail_index[k - 1] if k else -1)
    run, index = [], tail_index[-1] if tail_index else -1
    while index >= 0:
        run.append(pairs[index])
        index = back[index]
    return run[::-1]


_C_ESCAPES = {7: b"\\a", 8: b"\\b", 9: b"\\t", 10: b"\\n", 11: b"\\v", 12: b"\\f", 13: b"\\r",
              34: b'\\"', 92: b"\\\\"}
_C_UNESCAPES = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13, b'"': 34, b"\\": 92}


def quote_path(path: str) -> bytes:
    """A file name as git writes it in a patch (core.quotePath): as it is when it is printable ASCII,
    else in double quotes with C escapes, every byte outside ASCII in octal (`"a/\\350\\256\\255.py"`).
    Names that are not UTF-8 keep their bytes (surrogateescape)."""
    raw = os.fsencode(path)
    if not any(byte < 0x20 or byte >= 0x7F or byte in (34, 92) for byte in raw):
        return raw
    out = []
    for byte in raw:
        if byte in _C_ESCAPES:
            out.append(_C_ESCAPES[byte])
        elif byte < 0x20 or byte >= 0x7F:
            out.append(b"\\%03o" % byte)
        else:
            out.append(bytes((byte,)))
    return b'"' + b"".join(out) + b'"'


def unquote_path(name: bytes) -> str:
    """The file name a patch line holds, quoted or not (the inverse of quote_path)."""
    if not (len(name) >= 2 and name[:1] == name[-1:] == b'"'):
        return os.fsdecode(name)
    out = bytearray()
    body, i = name[1:-1], 0
    while i < len(body):
        byte = body[i : i + 1]
        if byte != b"\\":
            out += byte
            i += 1
            continue
        escape = body[i + 1 : i + 2]
        if escape in _C_UNESCAPES:
            out.append(_C_UNESCAPES[escape])
            i += 2
        elif re.fullmatch(rb"[0-3][0-7]{2}", body[i + 1 : i + 4]):
            out.append(int(body[i + 1 : i + 4], 8))
            i += 4
        else:
            raise PatchError(f"{name.decode('latin-1')}: a quoted file name with an unknown escape")
    return os.fsdecode(bytes(out))


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

    def describe(self, shown: str | None = None) -> str:
        expected, found = _show_pair(self.expected, self.found)
        return (
            f"{shown or self.path}:{self.line}: hunk {self.hunk} no longer matches: expected {expected}, "
            f"found {found}"
        )


def _show_pair(expected: bytes, found: bytes) -> tuple[str, str]:
    """The two lines as a person can tell them apart: stripped of indentation and line end when that
    is not where they differ; otherwise whole, with `\\r`, tabs and spaces visible."""
    def text(line: bytes, whole: bool) -> str:
        if not line:
            return "the end of the file"
        value = line.decode("utf-8", "replace")
        value = value[:-1] if value.endswith("\n") else value
        value = value if whole else value.strip()
        return repr(value if len(value) <= 70 else value[:67] + "...")

    whole = bool(expected and found) and expected.strip() == found.strip()
    if whole and expected.rstrip(b"\n") == found.rstrip(b"\n") and expected.endswith(b"\n") != found.endswith(b"\n"):
        # only the line end differs (an editor that adds the file's final newline): say so
        def end(line: bytes) -> str:
            return " ending in \\n" if line.endswith(b"\n") else " with no line end"
        return text(expected, True) + end(expected), text(found, True) + end(found)
    return text(expected, whole), text(found, whole)


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
    files = [_file_patch(patched) for patched in patch_set]
    if not files:
        raise PatchError("the patch describes no file")
    return files


def _file_patch(patched: unidiff.PatchedFile) -> FilePatch:
    """One file of the patch: a text file that exists before and after."""
    if patched.is_binary_file:
        raise PatchError(f"{patched.path}: binary patches are not supported")
    if patched.is_added_file or patched.is_removed_file or "/dev/null" in (patched.source_file, patched.target_file):
        raise PatchError(f"{patched.path}: the patch creates or deletes a file; reprofix patches never do")
    path = _strip_prefix(patched.target_file if not patched.is_removed_file else patched.source_file)
    return FilePatch(path, tuple(_hunk(hunk) for hunk in patched))


def _hunk(hunk: unidiff.Hunk) -> Hunk:
    kinds = [line.line_type for line in hunk if line.line_type != "\\"]
    changes = [i for i, kind in enumerate(kinds) if kind in "+-"]
    lead = changes[0] if changes else 0
    trail = len(kinds) - 1 - changes[-1] if changes else 0
    source, target = _sides(hunk)
    text = str(hunk).encode("latin-1")
    return Hunk(hunk.source_start, tuple(source), hunk.target_start, tuple(target), lead, trail, text)


def _sides(hunk: unidiff.Hunk) -> tuple[list[bytes], list[bytes]]:
    """The hunk's lines before and after the change, each with its line end as the file has it."""
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
    return source, target


def _strip_prefix(name: str) -> str:
    raw = name.encode("latin-1")
    path = unquote_path(raw if raw.startswith(b'"') else raw.split(b"\t")[0])
    return path[2:] if path.startswith(("a/", "b/")) else path


def check_path(path: str) -> None:
    """Refuse paths that would leave the directory the patch is applied in."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\0" in path:
        raise PatchError(f"{display(path)}: refusing a path outside the project root")


def reverse(current: bytes, patch: FilePatch) -> bytes:
    """Undo `patch` on `current` (the rewritten file); raise PatchError naming the first conflict."""
    result, conflicts = apply_hunks(current, patch, undo=True)
    if conflicts:
        raise PatchError(conflicts[0].describe())
    return result


MAX_OFFSET = 1000  # lines a hunk may have moved since apply (lines the user added or removed above it)


def apply_hunks(current: bytes, patch: FilePatch, *, undo: bool, fuzz: int = 2, only=None,
                moves: list | None = None):
    """Undo (or redo) the hunks of `patch` on `current`, as `patch` does, but stricter: each hunk is
    taken at the line it records (shifted by what earlier hunks moved), with up to `fuzz` lines of its
    outer context changed. Only where the lines there do not resemble the hunk at all (lines were
    added or removed above it) is it looked for nearby: within MAX_OFFSET lines, and only if it stands
    there once; `moves` hears (hunk number, offset) for each. A hunk whose place holds an edited copy
    of it is a conflict, never undone elsewhere (a copy of the code the user made). Returns (new
    bytes, conflicts); hunks that conflict (and those not in `only`, a set of hunk numbers) are left
    as they are."""
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
        found, lead, trail = _in_place(lines, hunk, have, start, position, fuzz)
        if found is None and not _resembles(lines, list(have), start):
            found, lead, trail = _nearby(lines, hunk, have, start, position, fuzz)
            if found is not None and moves is not None:
                moves.append((number, found - lead - start))
        if found is None:
            conflicts.append(_conflict(patch.path, number, lines, list(have), max(start, position)))
            continue
        size = len(have) - lead - trail
        offset = found - lead - (start - offset)
        out.extend(lines[position:found])
        out.extend(want[lead : len(want) - trail])
        position = found + size
    out.extend(lines[position:])
    return b"".join(out), conflicts


def _in_place(lines, hunk, have, start, floor, fuzz):
    """(index, lead, trail) where the hunk stands at its recorded place, its outer context trimmed by
    up to `fuzz` lines; (None, 0, 0) if it does not."""
    for trim in range(0, fuzz + 1):
        lead, trail = min(trim, hunk.lead), min(trim, hunk.trail)
        expected = list(have[lead : len(have) - trail])
        at = start + lead
        if floor <= at <= len(lines) - len(expected) and lines[at : at + len(expected)] == expected:
            return at, lead, trail
    return None, 0, 0


def _nearby(lines, hunk, have, start, floor, fuzz):
    """(index, lead, trail) of the one place within MAX_OFFSET lines where the hunk stands; (None, 0,
    0) where it stands nowhere near, or in two places (which one was reprofix's is not known)."""
    for trim in range(0, fuzz + 1):
        lead, trail = min(trim, hunk.lead), min(trim, hunk.trail)
        expected = list(have[lead : len(have) - trail])
        at = start + lead
        low, high = max(floor, at - MAX_OFFSET), min(len(lines) - len(expected), at + MAX_OFFSET)
        places = [i for i in range(low, high + 1) if lines[i : i + len(expected)] == expected]
        if len(places) == 1:
            return places[0], lead, trail
        if places:
            return None, 0, 0
    return None, 0, 0


def _resembles(lines: list[bytes], have: list[bytes], start: int) -> bool:
    """Whether the lines at `start` are the hunk's, but edited: at least half of them in place."""
    if not have:
        return False
    same = sum(1 for i, line in enumerate(have) if 0 <= start + i < len(lines) and lines[start + i] == line)
    return same * 2 >= len(have)


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


# The journal: comment lines at the top of the patch (git apply and patch skip them).
_HEADER = re.compile(rb"(?:#[^\n]*\n)*")
_FIELD = re.compile(rb"^# reprofix-(state|run|root|mode): ([^\n]*)$", re.MULTILINE)
_FILE = re.compile(rb"^# reprofix-file: ([0-9a-f]{64}) ([0-9a-f]{64}) ([^\n]+)$", re.MULTILINE)
_OLD_FILE = re.compile(rb"^# reprofix-sha256: ([0-9a-f]{64}) ([^\n]+)$", re.MULTILINE)  # before 0.2
# A run id names temporary files beside the project's own: anything but hex digits (a crafted
# `x/../../outside`) is ignored, and the run goes on under a fresh id.
_RUN_ID = re.compile(r"[0-9a-f]{8,64}")


@dataclass(frozen=True)
class Entry:
    path: str
    before: str | None  # sha256 of the file before apply (None in patches of reprofix 0.1)
    after: str  # sha256 of the file as apply left it


@dataclass
class Header:
    state: str  # applying, applied or reverting
    run: str | None  # the run id that names the run's temporary files
    root: str  # the project root, relative to the patch's folder ("." or "..", "../..")
    files: list[Entry] = field(default_factory=list)
    mode: str = ""  # "keep-randomness": apply seeded the randomness instead of taking it out


def header_block(data: bytes) -> bytes:
    return _HEADER.match(data).group()


def read_header(data: bytes) -> Header | None:
    """The journal at the top of a patch reprofix wrote; None when there is none."""
    block = header_block(data)
    fields = {m.group(1).decode(): m.group(2).decode("latin-1") for m in _FIELD.finditer(block)}
    if "state" not in fields:
        return None
    files = [Entry(unquote_path(m.group(3)), m.group(1).decode(), m.group(2).decode()) for m in _FILE.finditer(block)]
    files += [Entry(unquote_path(m.group(2)), None, m.group(1).decode()) for m in _OLD_FILE.finditer(block)]
    run = fields.get("run")
    return Header(fields["state"], run if run and _RUN_ID.fullmatch(run) else None, fields.get("root", "."), files,
                  fields.get("mode", ""))


def state(data: bytes) -> str | None:
    """What the patch says was under way: applying, applied or reverting (None: not ours)."""
    header = read_header(data)
    return header.state if header else None


def with_state(data: bytes, new: str, run: str | None = None) -> bytes:
    """The patch with its journal's state set to `new` and, given `run`, its run id too (a journal whose
    id was missing or not one reprofix writes gets the id its temporary files are now named by)."""
    block = header_block(data)
    changed = re.sub(rb"^# reprofix-state: \w+$", b"# reprofix-state: " + new.encode(), block, count=1, flags=re.MULTILINE)
    if run is not None:
        line = b"# reprofix-run: " + run.encode()
        changed, found = re.subn(rb"^# reprofix-run: [^\n]*$", line.replace(b"\\", b"\\\\"), changed, count=1,
                                 flags=re.MULTILINE)
        if not found:
            changed = re.sub(rb"^(# reprofix-state: \w+)$", lambda m: m.group(1) + b"\n" + line, changed, count=1,
                             flags=re.MULTILINE)
    return changed + data[len(block):]
