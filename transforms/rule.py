"""What a rule is, what it finds, and how it proves itself.

Every rule has a stable id (used in reports, comments the rewrite leaves behind, and the README
table), a one-paragraph doc, and before/after examples that one parametrised test runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REWRITE = "rewrite"  # apply changes the code
REPORT = "report"  # apply leaves the code alone and tells the user what to do
NOTE = "note"  # information only (the code is as fixed as it can be)


@dataclass(frozen=True)
class Example:
    """`before` run through the rewriter gives `after`; `after=None` means "left unchanged".

    `reports` lists the rule ids the report must name (beyond the rewrites themselves).
    `script=True` runs the example as an entry script, so the seed block is inserted.
    """

    before: str
    after: str | None = None
    reports: tuple[str, ...] = ()
    script: bool = False


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    framework: str
    fix: str  # REWRITE, REPORT or NOTE
    summary: str
    why: str
    examples: tuple[Example, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Finding:
    """One change made, or one thing a human must look at, at a 1-based line and column."""

    rule: str
    line: int
    col: int
    message: str
    kind: str  # REWRITE (a change made), REPORT (needs a human), NOTE (information)


class SourceError(Exception):
    """The file cannot be rewritten (syntax error, bad encoding); carries a position."""

    def __init__(self, message: str, line: int = 0, col: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
