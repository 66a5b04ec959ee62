"""The text check before any parse: can a rule fire in this file at all?

Derived from the tables' facts: a file matters if its code (strings and comments aside) names a
dotted name that its imports resolve to a name some fact reacts to (`nn.Dropout(` after `from
mindspore import nn`; also where it is only referred to, `{"cifar": ds.Cifar10Dataset}`), uses a name
an import binds to one (`Dropout as D`), or uses a keyword, method or pattern some fact reacts to
without an import (`shuffle=`, `.map(`, `RandomCrop`).
`bench/textcheck.py` proves it sound on real corpora: it parses every file the check skips.
"""

from __future__ import annotations

import functools
import re
from typing import Callable

from ..facts import Fact
from ..tables import aliases, common
from ..tables.frameworks import FRAMEWORKS
from . import textscan

_ROOTS = tuple((t.name, tuple(root.encode() for root in t.import_roots)) for t in FRAMEWORKS)
TRIGGER_NAMES = frozenset(name for table in FRAMEWORKS for name in table.trigger_names) | aliases.names()
_TRIGGER_LAST = frozenset(name.rsplit(".", 1)[-1].encode() for name in TRIGGER_NAMES)
_TRIGGER_MODULES = frozenset(name.rsplit(".", 1)[0] for name in TRIGGER_NAMES)
_IDENTIFIER = re.compile(rb"[A-Za-z_]\w*")
_ALWAYS = frozenset(n for t in FRAMEWORKS for fact, _ in t.facts(Fact) if not fact.needs() for n in fact.names())
# names that matter only in a file whose text matches what their facts need (a loaded checkpoint:
# only where something is popped or deleted): name -> the needs
_NEEDS = {name: fact.needs() for t in FRAMEWORKS for fact, _ in t.facts(Fact) if fact.needs()
          for name in fact.names() - _ALWAYS}
_NEED_PATTERNS = {needs: tuple((literal, re.compile(pattern)) for literal, pattern in needs)
                  for needs in set(_NEEDS.values())}
_GETATTR = re.compile(rb"\bgetattr\s*\(\s*([A-Za-z_][\w.]*)\s*,|(?<![\w.])([A-Za-z_][\w.]*?)\s*\.\s*__dict__\s*\[")
_SEPARATOR = rb"[\s\\]*"  # what may stand around the dots of a dotted name (in brackets: newlines)
# the dotted name ending where a trigger word ends (`ds.vision.RandomCrop`, `nn .Dropout`)
_CHAIN_ENDING = re.compile(rb"(?<![\w.])[A-Za-z_]\w*(?:" + _SEPARATOR + rb"\." + _SEPARATOR + rb"[A-Za-z_]\w*)*\Z")
_DEFINED = re.compile(rb"(?:def|class)[ \t]+\Z")  # a definition's own name is not a use
_SPACE = re.compile(rb"[\s\\]+")


def imported_frameworks(source: bytes, module_level: bool = False) -> tuple[str, ...]:
    """The frameworks a file's import statements import (a text scan, no parse); with `module_level`,
    only by imports that run when the module is imported (not inside a function)."""
    roots = {module.split(".")[0] for module, _ in textscan.imports(source, module_level)
             if not module.startswith(".")}
    return tuple(t.name for t in FRAMEWORKS if roots.intersection(t.import_roots))


def frameworks_named(source: bytes) -> tuple[str, ...]:
    """The frameworks whose import roots the file's text names at all."""
    return tuple(name for name, roots in _ROOTS if any(root in source for root in roots))


_DEF = re.compile(rb"^([ \t]*)def[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.MULTILINE)
_CLASS = re.compile(rb"^([ \t]*)class[ \t]+(\w+)", re.MULTILINE)


def rate_takers(source: bytes) -> tuple[str, ...]:
    """The file's own classes (by their `__init__`) and functions with a parameter named like a dropout
    rate or keep probability (`DropBlock(block_size, keep_prob)`): a call to one may pass the rate by
    position, so it matters wherever the name is called."""
    if b"drop" not in source and b"keep" not in source:
        return ()
    code = textscan.code_only(source)
    rate = re.compile(f"{common.RATE_KEYWORD}|{common.KEEP_KEYWORD}")
    found = set()
    for match in _DEF.finditer(code):
        params = [re.split(rb"[:=]", p.strip())[0].strip().lstrip(b"*") for p in match.group(3).split(b",")]
        if not any(rate.fullmatch(p.decode("latin-1")) for p in params if p):
            continue
        if match.group(2) != b"__init__":
            found.add(match.group(2).decode("latin-1"))
            continue
        indent = len(match.group(1))
        owner = [m for m in _CLASS.finditer(code, 0, match.start()) if len(m.group(1)) < indent]
        if owner:
            found.add(owner[-1].group(2).decode("latin-1"))
    return tuple(sorted(found))


@functools.lru_cache(maxsize=1)
def _rate_passed_a_name() -> re.Pattern:
    word = f"(?:{common.RATE_KEYWORD}|{common.KEEP_KEYWORD})".replace(r"\w", r"[\w\x80-\xff]")
    return re.compile(rf"[(,][\s\\]*(?<![\w.]){word}[\s\\]*=(?!=)[\s\\]*(?:self[\s\\]*\.[\s\\]*)?[A-Za-z_]\w*"
                      rf"[\s\\]*[,)\[]".encode())


_SAMPLER_FROM_AFAR = re.compile(rb"sampler\w*[\s\\]*=(?!=)[\s\\]*(?:self[\s\\]*\.|[A-Za-z_][\w.]*[\s\\]*\()")


def flows_need_the_whole_file(source: bytes) -> bool:
    """Does a value need flow from elsewhere in the file to be known: a rate keyword given a name (see
    `rates_need_the_whole_file`), or a sampler given an object's field (`batch_sampler=
    self._batch_sampler`) or a call's result (`sampler = build_sampler(...)`), which the fields'
    assignments and the function's returns decide?"""
    return rates_need_the_whole_file(source) or (
        b"sampler" in source and bool(_SAMPLER_FROM_AFAR.search(textscan.code_only(source))))


def rates_need_the_whole_file(source: bytes) -> bool:
    """Does a rate keyword get a bare name, a field (`self.dropout`) or a subscript (`dpr[0:d]`), or a
    class of the file take a rate by position? What such a value is (a rate, a list of rates, a layer)
    is known only from what binds it elsewhere in the file: it is parsed whole, not in pieces."""
    if b"drop" not in source and b"keep" not in source:
        return False
    return bool(_rate_passed_a_name().search(textscan.code_only(source))) or bool(rate_takers(source))


def relevance(source: bytes, extra_names: tuple[str, ...], frameworks: tuple[str, ...],
              defined: frozenset[str] = frozenset()) -> Callable[[bytes], bool]:
    """The file's trigger: a test of a piece of its code (strings and comments removed or blanked).
    `extra_names`: the project's own classes named in the configuration (and the file's own classes
    and functions taking a dropout rate, which a call may pass by position); `defined`: names whose
    definition matters (the classes a configuration file builds by name)."""
    generic = _generic_trigger(frameworks, tuple(sorted(set(extra_names) | set(rate_takers(source)))), source)
    here = sorted(name.encode() for name in defined if name.encode() in source) if b"class" in source else []
    definition = re.compile(rb"\bclass[ \t]+(?:" + b"|".join(map(re.escape, here)) + rb")\b") if here else None
    idle = _idle_names(source)
    aliases = textscan.words_pattern(_trigger_aliases(source, idle))
    targets = textscan.import_bindings(source)  # relative targets (".x") match no table name

    def names_a_trigger(code: bytes) -> bool:
        present = _TRIGGER_LAST.intersection(_IDENTIFIER.findall(code))  # a set test per word: cheap
        if not present:
            return False
        for word in textscan.words_pattern(present).finditer(code):
            chain = _CHAIN_ENDING.search(code, max(0, word.start() - 300), word.end())
            if chain is None or _DEFINED.search(code, max(0, chain.start() - 6), chain.start()):
                continue
            head, _, rest = _SPACE.sub(b"", chain.group()).partition(b".")
            if head not in targets:
                continue
            suffix = "." + rest.decode() if rest else ""
            if any(_triggers(target + suffix, idle) for target in targets[head]):
                return True
        return False

    def gets_from_a_module(code: bytes) -> bool:
        """`getattr(nn, rnn_type)`, `models.__dict__[arch]`: any name of a module some fact names a
        class of."""
        for pair in _GETATTR.findall(code) if b"getattr" in code or b"__dict__" in code else ():
            head, _, rest = (pair[0] or pair[1]).partition(b".")
            suffix = "." + rest.decode() if rest else ""
            if any(target + suffix in _TRIGGER_MODULES for target in targets.get(head, ())):
                return True
        return False

    def relevant(code: bytes) -> bool:
        return (generic(code) or bool(aliases and aliases.search(code)) or names_a_trigger(code)
                or gets_from_a_module(code) or bool(definition and definition.search(code)))

    return relevant


def _idle_names(source: bytes) -> frozenset[str]:
    """The names whose facts need what this file's text does not hold."""
    met = {needs for needs, checks in _NEED_PATTERNS.items()
           if any(literal in source and pattern.search(source) for literal, pattern in checks)}
    return frozenset(name for name, needs in _NEEDS.items() if needs not in met)


def _triggers(name: str, idle: frozenset[str]) -> bool:
    return name in TRIGGER_NAMES and not (idle and aliases.canonical(name) in idle)


def _trigger_aliases(source: bytes, idle: frozenset[str]) -> set[bytes]:
    """Local names the file's imports bind with `as` to a name some rule reacts to (`Dropout as D`)."""
    return {local.encode() for local, target in textscan.aliases(source).items() if _triggers(target, idle)}


def _word_checks(tables, extra: tuple[str, ...]):
    """(words, what stands before, what stands after) for keywords (`shuffle=`), methods (`.map(`)
    and the project's configured class names (`DropPath`, where it is used rather than defined)."""
    return (
        (set().union(*(t.trigger_keywords for t in tables)), rb"\b", rb"\s*="),
        (set().union(*(t.trigger_methods for t in tables)), rb"\.\s*", rb"\s*\("),
        ({e.rsplit(".", 1)[-1] for e in extra if e}, rb"\b(?<!class )(?<!def )\w*", b""),
    )


def _generic_trigger(frameworks: tuple[str, ...], extra: tuple[str, ...], source: bytes) -> Callable[[bytes], bool]:
    """What needs no import to matter, for the frameworks a file mentions: keywords, methods, the
    facts' own patterns, the project's configured class names. Each pattern runs only where its
    literal part occurs (a substring test costs a fraction of a regex search over the file), and
    only those whose literal part the file holds at all are tried on its pieces."""
    checks = [(literal, pattern) for literal, pattern in _generic_checks(frameworks, extra) if literal in source]
    return lambda code: any(literal in code and pattern.search(code) for literal, pattern in checks)


@functools.lru_cache(maxsize=32)
def _generic_checks(frameworks: tuple[str, ...], extra: tuple[str, ...]) -> list[tuple[bytes, re.Pattern]]:
    tables = [t for t in FRAMEWORKS if t.name in frameworks]
    patterns = sorted(set().union(*(t.trigger_patterns for t in tables)))
    checks = [(literal, re.compile(pattern)) for literal, pattern in patterns]
    for words, before, after in _word_checks(tables, extra):
        checks += [(w.encode(), re.compile(before + re.escape(w.encode()) + after)) for w in sorted(words)]
    return checks
