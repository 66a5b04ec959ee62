"""Text scans that stand in for a parse where a parse would be wasted: the code of a file without its
strings and comments, and what its imports bind. Used to decide which files (and which statements of a
large file) are worth parsing, and by the engine to find which project modules an entry script imports."""

from __future__ import annotations

import functools
import re

STRINGS_AND_COMMENTS = re.compile(
    rb"#[^\n]*"
    rb'|"""(?:\\.|[^\\])*?"""'
    rb"|'''(?:\\.|[^\\])*?'''"
    rb'|"(?:\\.|[^"\\\n])*"'
    rb"|'(?:\\.|[^'\\\n])*'",
    re.DOTALL,
)
# An import statement, matched where one can start: a line start, after `;`, or after the `:` of a
# one-line `if`/`try` (only lines holding the word "import" are looked at).
_IMPORT = re.compile(
    rb"[ \t]*(?:from[ \t]+(?P<module>\.*[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#;]*)"
    rb"|import[ \t]+(?P<plain>[^\n#;]+))"
)
_STATEMENT_SEPARATOR = re.compile(rb"[;:]")
_AS = re.compile(r"\s+as\s+")


def words_pattern(words: set[bytes]) -> re.Pattern | None:
    """A pattern finding any of `words` as a whole word; None for no words."""
    if not words:
        return None
    return re.compile(rb"\b(?:" + b"|".join(re.escape(w) for w in sorted(words)) + rb")\b")


def code_only(source: bytes) -> bytes:
    """The source with every string literal and comment removed (a lexer's view, by regex: the
    leftmost match wins, as in a tokenizer, so quotes inside strings and comments do not confuse it)."""
    return STRINGS_AND_COMMENTS.sub(b"", source)


def _joined(source: bytes) -> bytes:
    """Backslash continuations joined, as Python joins them (`from a import b, \\` + `c`)."""
    return source.replace(b"\\\r\n", b" ").replace(b"\\\n", b" ") if b"\\" in source else source


@functools.lru_cache(maxsize=4)  # the engine and the text check ask for the same file in turn
def _import_statements(source: bytes) -> tuple[tuple[str | None, tuple[tuple[str, str], ...]], ...]:
    """(module, ((name, local), ...)) per import statement: module None for `import a.b as c`
    (name 'a.b', local 'c', or '' without `as`), else the from-import's module ('.a' relative)."""
    return tuple(statement for _, statement in _import_statements_at(_joined(source)))


def _import_statements_at(text: bytes) -> list:
    """(the offset of its line's start, the statement as `_import_statements` gives it), in `text`
    (continuations joined)."""
    found = []
    done = -1  # the last line looked at
    for word in re.finditer(b"import", text):
        line = text.rfind(b"\n", 0, word.start()) + 1
        if line <= done:
            continue
        done = line
        end = text.find(b"\n", word.start())
        end = len(text) if end < 0 else end
        for start in [line, *(m.end() for m in _STATEMENT_SEPARATOR.finditer(text, line, end))]:
            match = _IMPORT.match(text, start)
            if match is None:
                continue
            module = match.group("module")
            listed = (match.group("names") if module is not None else match.group("plain")).decode("latin-1")
            pairs = []
            for part in re.split(r"\s*,\s*", listed.strip("() \t\r\n")):
                name, local = (_AS.split(part.strip(), 1) + [""])[:2]
                pairs.append((name.strip(), local.strip()))
            found.append((line, (module.decode("latin-1") if module is not None else None, tuple(pairs))))
    return found


_BLOCK_HEADER = re.compile(rb"[ \t]*(async[ \t]+def|def|class)\b")


def _inside_definitions(code: bytes) -> set[int]:
    """The offsets of the line starts of `code` (strings and comments removed) that lie inside a
    `def` or `class` body, by indentation: a line belongs to the nearest header above it that is
    indented less. Lines inside brackets continue their statement and are not headers."""
    inside: set[int] = set()
    stack: list[tuple[int, bool]] = []  # (indent, a def or class) of the open blocks
    depth = 0
    start = 0
    for line in code.split(b"\n"):
        stripped = line.strip()
        if stripped and depth == 0:
            indent = len(line.expandtabs(8)) - len(line.expandtabs(8).lstrip())
            while stack and stack[-1][0] >= indent:
                stack.pop()
            if any(definition for _, definition in stack) or _BLOCK_HEADER.match(line) and b":" in stripped \
                    and not stripped.endswith(b":"):
                inside.add(start)  # (a one-line `def f(): import x` holds its import)
            if stripped.endswith(b":"):
                stack.append((indent, bool(_BLOCK_HEADER.match(line))))
        depth = max(0, depth + line.count(b"(") + line.count(b"[") + line.count(b"{")
                    - line.count(b")") - line.count(b"]") - line.count(b"}"))
        start += len(line) + 1
    return inside


@functools.lru_cache(maxsize=4)
def module_level_imports(source: bytes) -> tuple[tuple[str | None, tuple[tuple[str, str], ...]], ...]:
    """The import statements of `_import_statements` that run when the module is imported: at module
    level (in a top-level `try` or `if` too), not inside a `def` or `class`."""
    code = _joined(code_only(source))
    inside = _inside_definitions(code)
    found = []
    for line_start, statement in _import_statements_at(code):
        if line_start not in inside:
            found.append(statement)
    return tuple(found)


def imports(source: bytes, module_level: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """(module, names) for each import statement: `from .a import b, c` gives ('.a', ('b', 'c')),
    `import a.b as x, c` gives ('a.b', ()) and ('c', ()); a star import gives no names. With
    `module_level`, only those at module level (see `module_level_imports`)."""
    found = []
    for module, pairs in (module_level_imports(source) if module_level else _import_statements(source)):
        if module is not None:
            found.append((module, tuple(name for name, _ in pairs if name.isidentifier())))
        else:
            found += [(name, ()) for name, _ in pairs if name and all(p.isidentifier() for p in name.split("."))]
    return found


def aliases(source: bytes) -> dict[str, str]:
    """Local name -> qualified name for each `as` of the file's absolute imports:
    `from a.b import c as d` gives d -> a.b.c, `import a.b as e` gives e -> a.b."""
    found = {}
    for module, pairs in _import_statements(source):
        if module is not None and (module.startswith(".") or not module):
            continue
        for name, local in pairs:
            if name and local.isidentifier():
                found[local] = f"{module}.{name}" if module is not None else name
    return found


def import_bindings(source: bytes) -> dict[bytes, set[str]]:
    """Local name -> every qualified name the file's import statements bind it to: `import a.b`
    binds a -> a, `import a.b as c` c -> a.b, `from m import x as y` y -> m.x (relative ones keep
    their dots: `from . import z` binds z -> .z)."""
    found: dict[bytes, set[str]] = {}
    for module, pairs in _import_statements(source):
        for name, local in pairs:
            if module is None:
                local, target = local or name.split(".")[0], name if local else name.split(".")[0]
            else:
                local, target = local or name, module + name if module.endswith(".") else f"{module}.{name}"
            if local.isidentifier():
                found.setdefault(local.encode(), set()).add(target)
    return found
