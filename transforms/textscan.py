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
# An import statement: at a line start, after `;`, or after the `:` of a one-line `if`/`try`.
_IMPORT = re.compile(
    rb"(?:^|[;:])[ \t]*(?:from[ \t]+(?P<module>\.*[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#;]*)"
    rb"|import[ \t]+(?P<plain>[^\n#;]+))",
    re.MULTILINE,
)


def code_only(source: bytes) -> bytes:
    """The source with every string literal and comment removed (a lexer's view, by regex: the
    leftmost match wins, as in a tokenizer, so quotes inside strings and comments do not confuse it)."""
    return STRINGS_AND_COMMENTS.sub(b"", source)


def _joined(source: bytes) -> bytes:
    """Backslash continuations joined, as Python joins them (`from a import b, \\` + `c`)."""
    return source.replace(b"\\\r\n", b" ").replace(b"\\\n", b" ") if b"\\" in source else source


@functools.lru_cache(maxsize=4)  # the engine and the text check ask for the same file in turn
def imports(source: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(module, names) for each import statement: `from .a import b, c` gives ('.a', ('b', 'c')),
    `import a.b as x, c` gives ('a.b', ()) and ('c', ()); a star import gives no names."""
    found = []
    for match in _IMPORT.finditer(_joined(source)):
        if match.group("module") is not None:
            names = match.group("names").decode("latin-1").strip("() \t\r\n")
            parts = [n.split(" as ")[0].strip() for n in re.split(r"\s*,\s*", names)]
            found.append((match.group("module").decode("latin-1"), tuple(p for p in parts if p.isidentifier())))
        else:
            for part in match.group("plain").decode("latin-1").split(","):
                name = part.split(" as ")[0].strip()
                if name and all(p.isidentifier() for p in name.split(".")):
                    found.append((name, ()))
    return tuple(found)


def aliases(source: bytes) -> dict[str, str]:
    """Local name -> qualified name for each `as` of the file's absolute imports:
    `from a.b import c as d` gives d -> a.b.c, `import a.b as e` gives e -> a.b."""
    found = {}
    for match in _IMPORT.finditer(_joined(source)):
        module = match.group("module")
        text = match.group("names") if module is not None else match.group("plain")
        if module is not None and (module.startswith(b".") or not module):
            continue
        for part in re.split(rb"\s*,\s*", text.strip(b"() \t\r\n")):
            name, _, local = (p.strip() for p in part.partition(b" as "))
            if name and local.decode("latin-1").isidentifier():
                found[local.decode("latin-1")] = (module.decode("latin-1") + "." if module is not None else "") + name.decode("latin-1")
    return found


def imported_names(source: bytes) -> set[bytes]:
    """Every local name the file's import statements bind (`import a.b` binds a)."""
    names = {local.encode() for local in aliases(source)}
    for module, parts in imports(source):
        if parts:
            names.update(p.encode() for p in parts)
        elif not module.startswith("."):
            names.add(module.split(".")[0].encode())
    return names
