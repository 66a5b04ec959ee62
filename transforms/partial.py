"""Parse only what can matter in a large file.

Most of a large library module is statements no rule can touch. Parsing them with libcst is most of
the cost of a run over a big tree, so for a large file that is not an entry script the rewrite parses
a *skeleton*: the file with each run of statements that cannot matter replaced by one marker comment.
The rules see every statement that can matter; findings are moved back to their lines in the file;
after the rewrite each marker is replaced by the original text, byte for byte. The same file parsed
whole gives the same code and the same findings: tests check this on the rule examples, on
generated programs and on real libraries.

The statements are the top-level ones, and inside a class the members (a big class is most of some
files: `Cell`, `Tensor`, `Dataset`); the class line and its first member always stay. A statement is
kept when
- the file's text check finds something a rule reacts to in its code (strings and comments aside),
  or it uses a name such a statement assigns (in the module, or in the same class body): what
  flows between statements stays visible;
- it contains an import, or it stands before the first compound statement (where new imports go);
- it binds a name such a statement mentions (in the module, or in the same class body), so that
  shadowing and "bound once" mean what they mean in the whole file;
- it holds the class line of a member that is kept;
- it is a member calling `super()` in a class whose line is relevant (it stands for the base).

The statements are found by a lexer's view of the text (strings and comments blanked, brackets and
backslash continuations followed). When that view is unsure (unbalanced brackets, form feeds, old Mac
line endings, a marker already in the file) or the skeleton does not come back whole, the file is
parsed whole instead. A syntax error in a statement that cannot matter goes unreported, as it does
for a file that cannot matter at all.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Callable

from .textscan import STRINGS_AND_COMMENTS, words_pattern

MIN_BYTES = 16 * 1024  # smaller files (most of a training project) are parsed whole: little to gain
MARK = b"#~reprofix-skipped~"

_CLAUSE = re.compile(rb"(?:else|elif|except|finally)\b")
_COMPOUND = re.compile(rb"@|(?:async[ \t]+)?(?:def|class|if|for|while|try|with)\b")
_DEFINES = re.compile(rb"^[ \t]*(?:async[ \t]+)?(def|class)[ \t]+(\w+)", re.MULTILINE)
_GLOBAL = re.compile(rb"\bglobal[ \t]+(\w+(?:[ \t]*,[ \t]*\w+)*)")
_IMPORT = re.compile(rb"\bimport\b")
_WORD = re.compile(rb"\b[A-Za-z_]\w*")
_ASSIGN_SIGN = re.compile(rb"(?<![=!<>:])=(?!=)")
_COMPREHENSION_TARGET = re.compile(rb"\bfor\b(.*?)\bin\b", re.DOTALL)
_WALRUS_TARGET = re.compile(rb"(\w+)\s*:=")
_INDENT = re.compile(rb"\n([ \t]+)[^ \t\r\n]")
_BRACKETS = (b"(", b"[", b"{"), (b")", b"]", b"}")


def _blank(match: re.Match) -> bytes:
    text = match.group()
    return b"" if text[:1] == b"#" else b'""' + b"\n" * text.count(b"\n")


@dataclass
class Chunk:
    start: int  # 0-based index of its first line
    end: int  # one past its last line
    code: bytes  # its code from its first character, strings and comments blanked
    parent: int | None = None  # for a class member: the index of the chunk holding its class line

    def __post_init__(self) -> None:
        self.compound = bool(_COMPOUND.match(self.code))
        self.has_import = bool(_IMPORT.search(self.code))
        match = _DEFINES.search(self.code) if self.code[:1] == b"@" else _DEFINES.match(self.code)
        self.kind = match.group(1) if match else None  # b"def", b"class" or None
        self.defined = match.group(2) if match else None

    def words(self) -> set[bytes]:
        return set(_WORD.findall(self.code))

    def binds(self) -> set[bytes]:
        """Names it may bind at module level (a superset; a member's are taken as module-level too)."""
        names = {n.strip() for m in _GLOBAL.finditer(self.code) for n in m.group(1).split(b",")}
        if self.defined is not None:
            return names | {self.defined}
        if self.compound or self.has_import:
            return names | self.words()
        code = self.code
        for pattern in (_COMPREHENSION_TARGET, _WALRUS_TARGET):  # what the file's index counts too
            for target in pattern.findall(code):
                names.update(_WORD.findall(target))
        last = 0
        for sign in _ASSIGN_SIGN.finditer(code):  # `a = b = c`, `x += 1`, `x: int = 1`
            if _depth(code, 0, sign.start()) == 0:
                last = sign.start()
        if last:
            return names | set(_WORD.findall(code, 0, last))
        return names | (self.words() if b":" in code else set())  # `x: int` binds x


def split(source: bytes) -> list[Chunk] | None:
    """The top-level statements of `source` (decorators with their definition, `else`/`except`/
    `finally` clauses with their statement), each class with two members or more split into its class
    line with the first member, then the other members; None when the text view is unsure."""
    if b"\x0c" in source or source.count(b"\r") != source.count(b"\r\n"):
        return None
    code = STRINGS_AND_COMMENTS.sub(_blank, source)
    if code.count(b"\n") != source.count(b"\n"):
        return None
    tops = _statements(code, 0, len(code), b"", 0)
    if tops is None:
        return None
    total = code.count(b"\n") + 1
    chunks: list[Chunk] = []
    for i, (line, at) in enumerate(tops):
        end, stop = tops[i + 1] if i + 1 < len(tops) else (total, len(code))
        chunk = Chunk(line, end, code[at:stop])
        members = _members(code, chunk, at, stop) if chunk.kind == b"class" else None
        if not members or len(members) < 2:
            chunks.append(chunk)
            continue
        header = len(chunks)
        chunks.append(Chunk(line, members[1][0], code[at:members[1][1]]))
        for k, (m_line, m_at) in enumerate(members[1:], 1):
            m_end, m_stop = members[k + 1] if k + 1 < len(members) else (end, stop)
            chunks.append(Chunk(m_line, m_end, code[m_at:m_stop], header))
    return chunks


def _members(code: bytes, chunk: Chunk, at: int, stop: int) -> list[tuple[int, int]] | None:
    """(line, offset) of each statement of a class body; None for a one-line body."""
    for indent in _INDENT.finditer(code, at, stop):  # the first indented line outside brackets
        if _depth(code, at, indent.start()) == 0 and not _continued(code, indent.start() + 1):
            break
    else:
        return None
    found = _statements(code, at, stop, indent.group(1), chunk.start)
    return [(line, offset + len(indent.group(1))) for line, offset in found] if found else None


def _statements(code: bytes, lo: int, hi: int, indent: bytes, line: int) -> list[tuple[int, int]] | None:
    """(line, offset) of each statement starting at exactly `indent` in code[lo:hi] (brackets and
    backslash continuations followed); `line` is the line at `lo`. None when brackets do not add up."""
    starts: list[tuple[int, int]] = []
    depth = 0
    last = lo
    decorated = False
    for match in _line_start(indent).finditer(code, lo, hi):
        at = match.start()
        line += code.count(b"\n", last, at)
        depth += _depth(code, last, at)
        last = at
        if depth < 0:
            return None
        if depth or _continued(code, at):
            continue
        first = at + len(indent)
        if not decorated and not _CLAUSE.match(code, first):
            starts.append((line, at))
        decorated = code[first] == 0x40  # "@"
    if depth + _depth(code, last, hi) or decorated:
        return None
    return starts


@functools.lru_cache(maxsize=64)
def _line_start(indent: bytes) -> re.Pattern:
    return re.compile(rb"^" + re.escape(indent) + rb"[^ \t\r\n]", re.MULTILINE)


def _depth(code: bytes, lo: int, hi: int) -> int:
    opened, closed = _BRACKETS
    return sum(code.count(c, lo, hi) for c in opened) - sum(code.count(c, lo, hi) for c in closed)


def _continued(code: bytes, at: int) -> bool:
    """Does the line before offset `at` (a line start) end with a backslash?"""
    j = at - 2
    while j >= 0 and code[j] in b" \t\r":
        j -= 1
    return j >= 0 and code[j] == 0x5C  # "\\"


def keep(chunks: list[Chunk], relevant: Callable[[bytes], bool], imported: set[bytes]) -> set[int]:
    """Indexes of the chunks a rewrite must see: those where a rule can fire (`relevant`), and those
    that bind a name they mention (see the module doc). `imported`: every name the file's imports
    bind. A member's bindings belong to its class."""
    live = {i for i, c in enumerate(chunks) if relevant(c.code)}
    # `super().__init__(...)` in a member stands for the class's base: relevant where the class is
    live |= {i for i, c in enumerate(chunks) if c.parent in live and b"super" in c.code}
    binds: list[set[bytes] | None] = [None] * len(chunks)

    def bound(i: int) -> set[bytes]:
        if binds[i] is None:
            binds[i] = chunks[i].binds()
        return binds[i]

    # What a live assignment binds carries randomness to where it is used: anywhere for a
    # module-level name, in the same class body for a class attribute. (What a def or class binds
    # does not: rules judge calls by what they call through imports.)
    flows: dict[int | None, set[bytes]] = {}  # scope (None: the module, else a class) -> names
    todo = sorted(live)
    while todo:
        for i in todo:
            if not chunks[i].has_import and chunks[i].defined is None:
                flows.setdefault(chunks[i].parent, set()).update(bound(i))
        patterns = {scope: words_pattern(names) for scope, names in flows.items()}
        todo = []
        for i, chunk in enumerate(chunks):
            if i in live:
                continue
            for scope in (None, chunk.parent) if chunk.parent is not None else (None,):
                pattern = patterns.get(scope)
                if pattern is not None and pattern.search(chunk.code):
                    todo.append(i)
                    break
        live.update(todo)
    # Context: imports, what stands before the first compound statement, the other bindings of the
    # names the live statements mention (in their own scope), and the class line of every member kept.
    mentioned: dict[int | None, set[bytes]] = {None: set(imported)}
    for i in live:
        words = chunks[i].words()
        mentioned[None] |= words
        if chunks[i].parent is not None:
            mentioned.setdefault(chunks[i].parent, set()).update(words)
    first_compound = next((i for i, c in enumerate(chunks) if c.parent is None and c.compound), len(chunks) - 1)
    kept = set(live) | set(range(first_compound + 1))
    for i, chunk in enumerate(chunks):
        if i in kept:
            continue
        if chunk.has_import or bound(i) & mentioned.get(chunk.parent, set()):
            kept.add(i)
        elif chunk.parent is not None and b"global" in chunk.code and chunk.binds() & mentioned[None]:
            kept.add(i)
    kept |= {chunks[i].parent for i in kept if chunks[i].parent is not None}
    return kept


@dataclass
class Skeleton:
    code: bytes  # what is parsed: each run of skipped statements is one marker line
    runs: list[bytes]  # the original text of each run, by marker number
    marker_lines: list[int]  # 1-based line of each marker in `code`
    shifts: list[int]  # lines the original has beyond the skeleton after each marker

    def original_line(self, line: int) -> int:
        """The line in the original file of a line of the skeleton."""
        k = bisect.bisect_left(self.marker_lines, line)
        return line + (self.shifts[k - 1] if k else 0)

    def restore(self, rendered: bytes) -> bytes | None:
        """The rewritten skeleton with every marker replaced by its original text; None when the
        markers did not come back once each and in order."""
        out = rendered.split(MARK)
        if len(out) != len(self.runs) + 1:
            return None
        result = [out[0]]
        for number, (run, piece) in enumerate(zip(self.runs, out[1:])):
            tag = b"%d" % number + (b"\r" if run.endswith(b"\r") else b"")
            if not piece.startswith(tag) or piece[len(tag):len(tag) + 1] not in (b"\n", b""):
                return None
            result += [run, piece[len(tag):]]
        return b"".join(result)


def skeleton(source: bytes, relevant: Callable[[bytes], bool], imported: set[bytes],
             min_bytes: int = MIN_BYTES) -> Skeleton | None:
    """The skeleton to parse instead of `source` (files of `min_bytes` or more), or None to parse the
    file whole."""
    if len(source) < min_bytes or MARK in source:
        return None
    chunks = split(source)
    if not chunks:
        return None
    kept = keep(chunks, relevant, imported)
    if len(kept) == len(chunks):
        return None
    lines = source.split(b"\n")
    parts: list[bytes] = []
    runs: list[bytes] = []
    marker_lines: list[int] = []
    shifts: list[int] = []
    done = shift = 0  # original lines copied or replaced so far; lines saved so far
    i = 0
    while i < len(chunks):
        if i in kept:
            i += 1
            continue
        first = chunks[i].start
        while i < len(chunks) and i not in kept:
            i += 1
        last = chunks[i - 1].end
        parts += lines[done:first]
        run = lines[first:last]
        parts.append(MARK + b"%d" % len(runs) + (b"\r" if run[-1].endswith(b"\r") else b""))
        runs.append(b"\n".join(run))
        marker_lines.append(first - shift + 1)
        shift += len(run) - 1
        shifts.append(shift)
        done = last
    parts += lines[done:]
    return Skeleton(b"\n".join(parts), runs, marker_lines, shifts)
