"""What a rule is, what it finds, and how it proves itself.

A rule has a stable id (used in reports, in the comments a rewrite leaves, in the configuration and
in docs/rules.md's table), a one-paragraph doc, the facts it acts on (`transforms.facts`), and its own
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


# What each rewrite rule's finding is a problem of, in the present tense, by rule name (shared by the
# frameworks): `scan`, which writes nothing, reports "<problem>: <the fix> (reprofix apply fixes this)".
PROBLEMS = {
    "seed-block": "no seed is set before the first random draw",
    "random-crop": "the crop position is random",
    "random-resized-crop": "the crop's area and aspect ratio are random",
    "random-crop-decode-resize": "the crop's area and aspect ratio are random",
    "random-data-op": "a random data op changes the data every epoch",
    "random-transform": "a random transform changes the data every epoch",
    "random-layer": "a random preprocessing layer changes the data every epoch",
    "random-function": "a random op changes its input every call",
    "source-shuffle": "the dataset source shuffles (MindSpore's do unless told not to)",
    "loader-shuffle": "the loader shuffles the batch order",
    "sampler": "the sampler draws the order at random",
    "dataset-shuffle-call": "the dataset is shuffled",
    "dataset-shuffle": "the dataset is shuffled",
    "fit-shuffle": "fit shuffles the training data every epoch",
    "directory-shuffle": "the loader shuffles the files it lists",
    "parallel-workers": "parallel workers can reorder the rows",
    "loader-workers": "worker processes draw their own random numbers and can reorder work",
    "deterministic-option": "parallel work may yield elements in a different order each run",
    "cudnn-benchmark": "cuDNN's autotuner may pick a different algorithm each run",
    "dropout-layer": "dropout draws a new mask every step",
    "dropout-function": "dropout draws a new mask every call",
    "dropout-primitive": "dropout draws a new mask every call",
    "dropout-argument": "the layer applies dropout inside",
    "dropout-keyword": "a dropout rate is set",
    "seeded-dropout": "dropout draws without a fixed seed",
    "seeded-loader": "the loader shuffles without a generator of its own",
    "seeded-workers": "the loader's worker processes are seeded alike on every rank",
    "distributed-sampler-seed": "the sampler shuffles from its default seed, not the run's",
    "seeded-dataset-shuffle": "the shuffle has no seed of its own",
    "seeded-random-layer": "the random layer or op has no seed of its own",
    "random-op-seed": "the random op has no fixed seed",
    "config-shuffle": "the configuration turns shuffling on",
    "config-workers": "the configuration loads with several workers",
    "config-rate": "the configuration sets a dropout rate",
    "config-random-op": "the configuration lists a random data op",
}


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

    @property
    def problem(self) -> str:
        """What its rewrite fixes, in the present tense (PROBLEMS; its summary for a rule without one)."""
        return PROBLEMS.get(self.name, self.summary)


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
