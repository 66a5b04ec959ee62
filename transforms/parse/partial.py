"""Parse only what can matter in a file.

Most of a file is statements no rule can touch. Parsing them with libcst is most of the cost of a
run over a big tree, so the rewrite parses a *skeleton*: the file with each run of statements that
cannot matter replaced by one marker comment, and so are the comment lines before its first
statement (a licence: libcst's module header, which no rule reads). The rules see every statement
that can matter; findings are moved back to their lines in the file; after the rewrite each marker
is replaced by the original text, byte for byte. The same file parsed whole gives the same code and
the same findings: tests check this on the rule examples, on generated programs and on real code
(`bench/fastpath.py` on a whole model zoo).

The statements are the top-level ones and, inside every block whose clauses all have indented
bodies (a class, a def, `if`, `for`, `while`, `with`, `try`; decorators stay with their definition),
the statements of each body in turn. The lines of a block holding a kept statement and its clauses
always stay, and so does the first statement of each of its bodies that keeps no other (a body is
never empty; a docstring before a kept statement goes). A statement is kept when
- the file's text check finds something a rule reacts to in its code (strings and comments aside),
  or it uses a name such a statement binds, in a scope it sees: what flows between statements stays
  visible;
- it contains an import, or it stands before the first compound statement (where new imports and
  the seed block go);
- it binds a name such a statement mentions (in a scope that statement sees; at module level also
  the names the file's imports bind and those a seed block may import), so that shadowing and "bound
  once" mean what they mean in the whole file;
- it uses a name a kept statement unpacks with `**`;
- it is a member calling `super()` in a class whose line is relevant (it stands for the base).

The statements are found by a lexer's view of the text (strings and comments blanked, brackets and
backslash continuations followed). When that view is unsure (unbalanced brackets, form feeds, old Mac
line endings, a marker already in the file) or the skeleton does not come back whole, the file is
parsed whole instead. A syntax error in a statement that cannot matter is not seen by libcst: the
engine's compile check of the result finds it when the file changes, and otherwise it goes
unreported, as it does for a file that cannot matter at all.
"""

from __future__ import annotations

import bisect
import keyword
import re
from dataclasses import dataclass
from typing import Callable

from .textscan import STRINGS_AND_COMMENTS, words_pattern

MIN_BYTES = 0  # every file: a small one has little to skip, but the text view costs less than a parse
MARK = b"#~reprofix-skipped~"

_CLAUSE = re.compile(rb"(?:else|elif|except|finally)\b")
_COMPOUND = re.compile(rb"@|(?:async[ \t]+)?(?:def|class|if|for|while|try|with)\b")
_DEFINES = re.compile(rb"^[ \t]*(?:async[ \t]+)?(def|class)[ \t]+(\w+)", re.MULTILINE)
_DEFINITION = re.compile(rb"(?:async[ \t]+)?(def|class)[ \t]+(\w+)")  # _DEFINES where the statement starts
_GLOBAL = re.compile(rb"\bglobal[ \t]+(\w+(?:[ \t]*,[ \t]*\w+)*)")
_SCOPE_DECLARATION = re.compile(rb"\b(?:global|nonlocal)\b")
_IMPORT = re.compile(rb"\bimport\b")
_WORD = re.compile(rb"\b[A-Za-z_]\w*")
# a word that may be a name a statement binds: not an attribute (`.x`), nor what an attribute,
# a subscript or a call is taken from (`self.x`, `table[i]`, `f(...)`)
_BINDABLE = re.compile(rb"(?<![\w.])[A-Za-z_]\w*(?![\w])(?![ \t]*[.(\[])")
_CODING = re.compile(rb"[ \t\f]*#.*?coding[:=]")  # PEP 263, on line 1 or 2
_COMMENT_OR_BLANK = re.compile(rb"[ \t]*(?:#|\r?\Z)")
_NONE: frozenset[bytes] = frozenset()
_KEYWORDS = frozenset(word.encode() for word in keyword.kwlist)  # `if`, `None`: never a name
_AS_TARGET = re.compile(rb"\bas\s*(\([^)]*\)|\w+)")
_BLOCK_COLON = re.compile(rb":[ \t]*\r?\n")
_UNPACKED = re.compile(rb"\*\*\s*([A-Za-z_]\w*)")
_ASSIGN_SIGN = re.compile(rb"(?<![=!<>:])=(?!=)")
_COMPREHENSION_TARGET = re.compile(rb"\bfor\b(.*?)\bin\b", re.DOTALL)
_WALRUS_TARGET = re.compile(rb"(\w+)\s*:=")
_INDENT = re.compile(rb"\n([ \t]+)[^ \t\r\n]")
_BRACKETS = (b"(", b"[", b"{"), (b")", b"]", b"}")
_BRACKET_TABLE = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"()[]{}\n")


def _blank(match: re.Match) -> bytes:
    text = match.group()
    return b"" if text[:1] == b"#" else b'""' + b"\n" * text.count(b"\n")


@dataclass
class Chunk:
    start: int  # 0-based index of its first line
    end: int  # one past its last line
    code: bytes  # its code from its first character, strings and comments blanked
    parent: int | None = None  # the chunk holding the line(s) of the block it stands in (None: top level)
    scope: int | None = None  # the chunk holding the class or def line of its scope (None: the module)
    clause: bool = False  # the line of an `elif`, `else`, `except` or `finally` clause (its parent: the statement's)
    header: bool = False  # only the line(s) of a compound statement or clause, its body in chunks of its own

    def __post_init__(self) -> None:
        self.compound = bool(_COMPOUND.match(self.code))
        self.has_import = bool(_IMPORT.search(self.code))
        match = _definition(self.code, 0, len(self.code)) if self.code else None
        self.kind = match.group(1) if match else None  # b"def", b"class" or None
        self.defined = match.group(2) if match else None

    def words(self) -> set[bytes]:
        return set(_WORD.findall(self.code))

    def binds(self) -> set[bytes]:
        """Names it may bind in its scope (a superset of what the file's index counts). A name an
        attribute, subscript or call is taken from (`self.x = 1`, `table[i] = 2`) is not bound;
        what `global` names is."""
        return self._binds() - _KEYWORDS

    def _binds(self) -> set[bytes]:
    # complexity: one case per kind of statement a chunk can be
        code = self.code
        names = {n.strip() for m in _GLOBAL.finditer(code) for n in m.group(1).split(b",")}
        if self.defined is not None:
            return names | {self.defined}
        if self.has_import:
            return names | self.words()
        names.update(word for pattern in (_COMPREHENSION_TARGET, _WALRUS_TARGET, _AS_TARGET)
                     for target in pattern.findall(code) for word in _WORD.findall(target))
        if self.header:  # `for x in`, `with a as x`, `except E as x`: its body's are its body's own
            return names
        if self.compound:  # assignments in its body, `for x in`, the defs it holds
            return names | set(_BINDABLE.findall(code)) | {name for _, name in _DEFINES.findall(code)}
        last = 0
        for sign in _ASSIGN_SIGN.finditer(code):  # `a = b = c`, `x += 1`, `x: int = 1`
            if _depth(code, 0, sign.start()) == 0:
                last = sign.start()
        if last:
            return names | set(_BINDABLE.findall(code, 0, last))
        return names | (set(_BINDABLE.findall(code)) if b":" in code else set())  # `x: int` binds x


def split(source: bytes) -> list[Chunk] | None:
    """The statements of `source`, in order, each a chunk (decorators with their definition): the
    top-level ones and, inside a compound statement (a class, a def, `if`, `for`, `while`, `with`,
    `try`) whose every clause has an indented body, a chunk for its line(s), one for each clause line,
    and the statements of each body in turn. A def that declares `global` or `nonlocal` names stays
    whole, and so does a statement with a one-line body. None when the text view is unsure."""
    if b"\x0c" in source or source.count(b"\r") != source.count(b"\r\n"):
        return None
    code = STRINGS_AND_COMMENTS.sub(_blank, source)
    if code.count(b"\n") != source.count(b"\n"):
        return None
    lines = _Lines(code)
    tops = lines.statements(0, len(lines.indents), b"") if lines.balanced else None
    if tops is None:
        return None
    chunks: list[Chunk] = []
    _add(chunks, lines, tops, len(lines.indents), None, None)
    return chunks


class _Lines:
    """The blanked code line by line: where each line starts, its indentation (None when blank), and
    whether it starts a logical line (outside brackets, not after a backslash)."""

    def __init__(self, code: bytes):
        self.code = code
        self.offsets: list[int] = []
        self.indents: list[bytes | None] = []
        self.logical: list[bool] = []
        at = depth = 0
        continued = negative = False
        brackets = code.translate(_BRACKET_TABLE, _NOT_BRACKETS).split(b"\n")  # `(` opens, `)` closes
        for text, opened in zip(code.split(b"\n"), brackets):
            content = text.lstrip(b" \t")
            self.offsets.append(at)
            self.indents.append(text[:len(text) - len(content)] if content not in (b"", b"\r") else None)
            self.logical.append(not depth and not continued)
            if opened:
                depth += 2 * opened.count(b"(") - len(opened)
                negative = negative or depth < 0
            continued = content[-3:].rstrip(b" \t\r").endswith(b"\\") if b"\\" in content else False
            at += len(text) + 1
        self.balanced = not depth and not negative

    def starts(self, lo: int, hi: int, indent: bytes) -> list[tuple[int, int, bool]] | None:
        """(line, offset of its first character, is a clause) of each statement and clause line at
        exactly `indent` among lines lo..hi-1 (decorators kept with their definition); None when a
        decorator has no definition."""
        found: list[tuple[int, int, bool]] = []
        decorated = False
        code, indents, logical = self.code, self.indents, self.logical
        for line in range(lo, hi):
            if indents[line] != indent or not logical[line]:
                continue
            first = self.offsets[line] + len(indent)
            if not decorated:
                found.append((line, first, bool(_CLAUSE.match(code, first))))
            decorated = code[first] == 0x40  # "@"
        return None if decorated else found

    def statements(self, lo: int, hi: int, indent: bytes) -> list[tuple[int, int]] | None:
        found = self.starts(lo, hi, indent)
        return None if found is None else [(line, offset) for line, offset, clause in found if not clause]

    def body(self, line: int, hi: int, indent: bytes) -> list[tuple[int, int]] | None:
        """(line, offset) of each statement of the indented body of the block whose line(s) start at
        `line` (at `indent`), among lines up to hi-1; None for a body on the block's own line."""
        for first in range(line + 1, hi):
            inner = self.indents[first]
            if inner is not None and self.logical[first]:
                if len(inner) <= len(indent) or not inner.startswith(indent):
                    return None
                return self.statements(first, hi, inner) or None
        return None


def _add(chunks: list[Chunk], lines: _Lines, starts: list[tuple[int, int]], end: int,
         parent: int | None, scope: int | None) -> None:
    """Chunks for the statements at `starts` (line, offset), the last one running to line `end`,
    each block split in turn."""
    code = lines.code
    for k, (line, at) in enumerate(starts):
        s_end = starts[k + 1][0] if k + 1 < len(starts) else end
        stop = _offset(lines, starts, k, end)
        compound = _COMPOUND.match(code, at)
        definition = _definition(code, at, stop) if compound else None
        blocks = _blocks(lines, line, s_end, at, stop, definition) if compound else None
        if blocks is None:
            chunks.append(Chunk(line, s_end, code[at:stop], parent, scope))
            continue
        main = len(chunks)
        inner = main if definition else scope  # a class or def body is a scope of its own
        for c_line, c_at, c_end, body in blocks:
            header = len(chunks)
            chunks.append(Chunk(c_line, body[0][0], code[c_at:body[0][1]], parent if header == main else main, scope,
                                clause=header != main, header=True))
            _add(chunks, lines, body, c_end, header, inner)


def _offset(lines: _Lines, starts: list[tuple[int, int]], k: int, end: int) -> int:
    """Where statement k of `starts` ends: where the next one starts, or at line `end`."""
    if k + 1 < len(starts):
        return starts[k + 1][1]
    return lines.offsets[end] if end < len(lines.offsets) else len(lines.code)


def _blocks(lines: _Lines, start: int, stop_line: int, at: int, stop: int, definition: re.Match | None):
    # complexity: each clause of a block and its body, found in one pass
    """For the compound statement at offset `at` (lines start..stop_line-1, code up to offset
    `stop`; `definition`: its `_definition`), if worth splitting, (line, offset, end line, the
    body's statements) of its first line(s) and of each clause; None for any other statement."""
    indent = lines.indents[start]
    splittable = _splittable(lines.code, at, stop, definition)
    heads = lines.starts(start, stop_line, indent) if splittable and indent is not None else None
    if not heads or heads[0][1] != at:
        return None
    blocks = []
    for k, (line, offset, _) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else stop_line
        body = lines.body(_definition_line(lines, line, end, indent) if k == 0 else line, end, indent)
        if body is None:
            return None
        blocks.append((line, offset, end, body))
    return blocks if sum(len(block[3]) for block in blocks) > 1 else None


def _splittable(code: bytes, at: int, stop: int, definition: re.Match | None) -> bool:
    """A compound statement, but not a def declaring `global` or `nonlocal` names (kept whole)."""
    return definition is None or definition.group(1) != b"def" or not _SCOPE_DECLARATION.search(code, at, stop)


def _definition(code: bytes, at: int, stop: int) -> re.Match | None:
    """The definition (decorated or not) starting at offset `at`: (b"def" or b"class", its name)."""
    return _DEFINES.search(code, at, stop) if code[at] == 0x40 else _DEFINITION.match(code, at, stop)  # "@"


def _definition_line(lines: _Lines, line: int, hi: int, indent: bytes) -> int:
    """The line a statement's body follows: past its decorators (`@...` lines at its indent), the
    `def` or `class` line; `line` itself for a statement without decorators."""
    while line < hi and lines.code[lines.offsets[line] + len(indent)] == 0x40:  # "@"
        line += 1
        while line < hi and (lines.indents[line] != indent or not lines.logical[line]):
            line += 1
    return line


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
    """Indexes of the chunks a rewrite must see: those where a rule can fire (`relevant`), those
    the randomness flows into, and their context (see the module doc). `imported`: every name the
    file's imports bind (and any other name whose every binding counts)."""
    scopes = _Scopes(chunks)
    live = {i for i, c in enumerate(chunks) if relevant(c.code)}
    # `super().__init__(...)` in a method stands for the class's base: relevant where the class is
    live |= {i for i, c in enumerate(chunks) if b"super" in c.code and any(a in live for a in scopes.holders(i))}
    _flow(chunks, live, scopes)
    kept = _context(chunks, live, scopes, imported)
    kept.add(_first_indented(chunks))  # libcst takes the file's indentation from its first indented line
    return scopes.enclosed(kept)


def _first_indented(chunks: list[Chunk]) -> int:
    """The chunk holding the first indented statement line (the last chunk when there is none)."""
    for i, chunk in enumerate(chunks):
        if chunk.parent is not None:
            return i
        if chunk.compound and not chunk.header:
            for indent in _INDENT.finditer(chunk.code):
                if _depth(chunk.code, 0, indent.start()) == 0 and not _continued(chunk.code, indent.start() + 1):
                    return i
    return len(chunks) - 1


class _Scopes:
    """What the chunks see: a statement sees its own scope, the functions around it and the module (a
    class body does not enclose the functions in it). What each chunk may bind is worked out once."""

    def __init__(self, chunks: list[Chunk]):
        self.chunks = chunks
        self.found: dict[int, set[bytes]] = {}
        self.mentions: dict[int, set[bytes]] = {}
        self.seen: dict[int, tuple[int | None, ...]] = {}
        self.clauses: dict[int, list[int]] = {}
        for i, chunk in enumerate(chunks):
            if chunk.clause:
                self.clauses.setdefault(chunk.parent, []).append(i)

    def binds(self, i: int) -> set[bytes]:
        if i not in self.found:
            self.found[i] = self.chunks[i].binds()
        return self.found[i]

    def words(self, i: int) -> set[bytes]:
        if i not in self.mentions:
            self.mentions[i] = self.chunks[i].words()
        return self.mentions[i]

    def users(self) -> dict[bytes, list[int]]:
        """Each word -> the chunks that use it."""
        found: dict[bytes, list[int]] = {}
        for i in range(len(self.chunks)):
            for word in self.words(i):
                found.setdefault(word, []).append(i)
        return found

    def holders(self, i: int):
        """The chunks holding the lines of the blocks around chunk `i`, innermost first."""
        parent = self.chunks[i].parent
        while parent is not None:
            yield parent
            parent = self.chunks[parent].parent

    def visible(self, i: int) -> tuple[int | None, ...]:
        if i not in self.seen:
            chunks = self.chunks
            own = chunks[i].scope
            outer = []
            scope = own
            while scope is not None:
                scope = chunks[scope].scope
                if scope is not None and chunks[scope].kind == b"def":
                    outer.append(scope)
            self.seen[i] = tuple(dict.fromkeys([own, *outer, None]))
        return self.seen[i]

    def enclosed(self, kept: set[int]) -> set[int]:
        """`kept` with the line(s) of every block holding a chunk in it, every clause of a statement
        whose line is kept (a `try` needs its `except`), and the first statement of every body whose
        line is kept and that holds no kept statement (a body is never empty)."""
        chunks = self.chunks
        todo = list(kept)
        while todo:
            while todo:
                i = todo.pop()
                for j in (chunks[i].parent, *self.clauses.get(i, ())):
                    if j is not None and j not in kept:
                        kept.add(j)
                        todo.append(j)
            filled = {chunks[i].parent for i in kept if not chunks[i].clause}
            todo = [i + 1 for i in kept if i not in filled and i + 1 < len(chunks) and chunks[i + 1].parent == i
                    and not chunks[i + 1].clause]
            kept.update(todo)
        return kept


def _flow(chunks: list[Chunk], live: set[int], scopes: _Scopes) -> None:
    """What a live statement binds carries randomness to where it is used: wherever its scope is
    seen (the module's names everywhere, a function's in its body and the functions in it, a class
    attribute in its class body); those chunks are live too. (What a def or class binds does not:
    rules judge calls by what they call through imports.)"""
    flows: dict[int | None, set[bytes]] = {}  # scope -> names
    users = scopes.users()
    todo = sorted(live)
    while todo:
        new: dict[int | None, set[bytes]] = {}  # what this round adds: a chunk not using the rest yet never will
        for i in todo:
            if not chunks[i].has_import and chunks[i].defined is None:
                scope = chunks[i].scope
                new.setdefault(scope, set()).update(scopes.binds(i) - flows.setdefault(scope, set()))
                flows[scope] |= new[scope]
        reached = {i for scope, names in new.items() for name in names for i in users.get(name, ())
                   if i not in live and scope in scopes.visible(i)}
        todo = sorted(reached)
        live.update(todo)


def _context(chunks: list[Chunk], live: set[int], scopes: _Scopes, imported: set[bytes]) -> set[int]:
    # complexity: four kinds of context, each one short rule
    """The live chunks and their context: what decides where new imports go, the other bindings of
    the names the live chunks mention (in the scopes they see), and every use of a name they unpack
    with `**`."""
    mentioned: dict[int | None, set[bytes]] = {None: set(imported)}
    for i in live:
        for scope in scopes.visible(i):
            mentioned.setdefault(scope, set()).update(scopes.words(i))
    kept = set(live) | _import_place(chunks)
    kept |= {i for i, chunk in enumerate(chunks) if i not in kept and _binds_what_matters(chunk, i, scopes, mentioned)}
    # `f(**options)`: whether `options` is a dict literal only ever unpacked depends on every use of it
    unpacked = words_pattern({name for i in live for name in _UNPACKED.findall(chunks[i].code)})
    if unpacked is not None:
        kept |= {i for i, chunk in enumerate(chunks) if unpacked.search(chunk.code)}
    return kept


def _import_place(chunks: list[Chunk]) -> set[int]:
    """What decides where new imports and the seed block go (after the docstring and the leading
    imports, up to the first compound statement that is not an import block): the first statement,
    and each top-level statement that may open a block, up to the first compound one holding no
    import or `try`; a `try` there whole (`cstutil.leading_imports_end` counts it as an import when
    its body holds only imports, nested `try`s of imports included). (Imports are kept anyway; a
    simple statement skipped between them changes nothing.)"""
    found = {0}
    for i, chunk in enumerate(chunks):
        if chunk.parent is None and (chunk.compound or _opens_block(chunk.code)):
            found.add(i)
            a_try = chunk.compound and chunk.code.startswith(b"try")  # (an import block or not: either way on)
            found.update(_main_body(chunks, i) if a_try and chunk.header else ())
            if chunk.compound and not chunk.has_import and not a_try:
                break
    return found


def _main_body(chunks: list[Chunk], i: int) -> list[int]:
    """The chunks of the first body of the block whose line(s) chunk `i` holds (its clauses aside)."""
    inside = {i}
    j = i + 1
    while j < len(chunks) and chunks[j].parent in inside and not (chunks[j].parent == i and chunks[j].clause):
        inside.add(j)
        j += 1
    return sorted(inside - {i})


def _opens_block(code: bytes) -> bool:
    """Ends a line with `:` outside brackets (`match x:`, which the compound pattern does not know)."""
    return any(_depth(code, 0, colon.start()) == 0 for colon in _BLOCK_COLON.finditer(code))


def _binds_what_matters(chunk: Chunk, i: int, scopes: _Scopes, mentioned: dict[int | None, set[bytes]]) -> bool:
    """An import, or a statement binding a name mentioned in its scope (a name it does not even
    mention, it cannot bind: that cheap test first)."""
    if chunk.has_import:
        return True
    if scopes.words(i) & mentioned.get(chunk.scope, _NONE) and scopes.binds(i) & mentioned[chunk.scope]:
        return True
    return chunk.scope is not None and b"global" in chunk.code and bool(scopes.binds(i) & mentioned[None])


@dataclass
class Skeleton:
    code: bytes  # what is parsed: each run of skipped statements is one marker line
    runs: list[bytes]  # the original text of each run, by marker number
    marker_lines: list[int]  # 1-based line of each marker in `code`
    shifts: list[int]  # lines the original has beyond the skeleton after each marker
    statement_lines: list[int]  # 1-based line in `code` where each top-level statement's code starts

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
    lines = source.split(b"\n")
    header = _header(lines, chunks[0].start)
    if len(kept) == len(chunks) and header is None:
        return None
    return _build(lines, chunks, kept, header)


def _header(lines: list[bytes], end: int) -> tuple[int, int] | None:
    """(first, last + 1) of the comment and blank lines before the first statement (a licence,
    mostly), when there are two or more: libcst makes them the module's header, which no rule
    reads, so a marker can stand for them. A coding declaration stays where it is. (A byte order
    mark is code to `split`: a file starting with one has no such lines.)"""
    first = 0
    while first < min(end, 2) and _CODING.match(lines[first]):
        first += 1
    if end - first < 2 or not all(_COMMENT_OR_BLANK.match(line) for line in lines[first:end]):
        return None
    return first, end


def _build(lines: list[bytes], chunks: list[Chunk], kept: set[int], header: tuple[int, int] | None) -> Skeleton:
    """The skeleton: the header's lines (if given) and each run of chunks not kept become one
    marker line each."""
    parts: list[bytes] = []
    runs: list[bytes] = []
    marker_lines: list[int] = []
    shifts: list[int] = []
    statement_lines: list[int] = []
    done = shift = 0  # original lines copied or replaced so far; lines saved so far

    def skip(first: int, last: int) -> None:
        nonlocal done, shift
        parts.extend(lines[done:first])
        run = lines[first:last]
        parts.append(MARK + b"%d" % len(runs) + (b"\r" if run[-1].endswith(b"\r") else b""))
        runs.append(b"\n".join(run))
        marker_lines.append(first - shift + 1)
        shift += len(run) - 1
        shifts.append(shift)
        done = last

    if header is not None:
        skip(*header)
    i = 0
    while i < len(chunks):
        if i in kept:
            if chunks[i].parent is None:
                statement_lines.append(chunks[i].start - shift + 1)
            i += 1
            continue
        first = chunks[i].start
        while i < len(chunks) and i not in kept:
            i += 1
        skip(first, chunks[i - 1].end)
    parts += lines[done:]
    return Skeleton(b"\n".join(parts), runs, marker_lines, shifts, statement_lines)
