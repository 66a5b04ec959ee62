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
    text = _joined(source)
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
            found.append((module.decode("latin-1") if module is not None else None, tuple(pairs)))
    return tuple(found)


def imports(source: bytes) -> list[tuple[str, tuple[str, ...]]]:
    """(module, names) for each import statement: `from .a import b, c` gives ('.a', ('b', 'c')),
    `import a.b as x, c` gives ('a.b', ()) and ('c', ()); a star import gives no names."""
    found = []
    for module, pairs in _import_statements(source):
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
