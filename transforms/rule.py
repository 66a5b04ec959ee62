"""What a rule is, what it finds, and how it proves itself.

A rule has a stable id (used in reports, in the comments a rewrite leaves, in the configuration and
in the README's table), a one-paragraph doc, the facts it acts on (`transforms.facts`), and its own
examples, Fixit style: `Valid` code it must leave alone without a single finding, and `Invalid` code
with the exact rewrite and the exact findings (`"line:col RULE"`, every one of them). One
parametrised test runs every example.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

REWRITE = "rewrite"  # apply changes the code
REPORT = "report"  # apply leaves the code alone and tells the user what to do
NOTE = "note"  # information only (the code is as fixed as it can be)


def _code(text: str) -> str:
    """A dedented triple-quoted block without its first (empty) line."""
    return textwrap.dedent(text).removeprefix("\n")


@dataclass(frozen=True)
class Valid:
    """Code the rules leave alone: no change and no finding at all. `script=True` runs it as an entry
    script (it would get the seed block)."""

    code: str
    script: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", _code(self.code))


@dataclass(frozen=True)
class Invalid:
    """Code a rule finds: `expected` is the rewrite (None: the code stays as it is, a report), and
    `findings` lists every finding the rules make, as `"line:col RULE"`, in order."""

    code: str
    expected: str | None = None
    findings: tuple[str, ...] = ()
    script: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", _code(self.code))
        if self.expected is not None:
            object.__setattr__(self, "expected", _code(self.expected))


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    framework: str
    fix: str  # REWRITE, REPORT or NOTE
    summary: str
    why: str
    facts: tuple = field(default=(), repr=False)  # what the rule acts on (transforms.facts)
    valid: tuple[Valid, ...] = field(default=(), repr=False)
    invalid: tuple[Invalid, ...] = field(default=(), repr=False)
    language: str = "python"  # what its examples are written in: "python", or "yaml" (configuration files)

    @property
    def examples(self) -> tuple[Valid | Invalid, ...]:
        return (*self.invalid, *self.valid)


@dataclass(frozen=True)
class Finding:
    """One change made, or one thing a human must look at, at a 1-based line and column."""

    rule: str
    line: int
    col: int
    message: str
    kind: str  # REWRITE (a change made), REPORT (needs a human), NOTE (information)

    def short(self) -> str:
        return f"{self.line}:{self.col} {self.rule}"


class SourceError(Exception):
    """The file cannot be rewritten (syntax error, bad encoding); carries a position."""

    def __init__(self, message: str, line: int = 0, col: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
