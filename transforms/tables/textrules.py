"""The engine's own rules (RP*): found in a file's text, whatever frameworks it uses, with no parse."""

from __future__ import annotations

import re

from ..facts import TextPattern
from ..markers import MARKERS
from ..parse import syspath
from ..rule import NOTE, REPORT, Finding, Invalid, Rule, Valid
from .table import FrameworkTable

FRAMEWORK = "any"

RULES = (
    Rule(
        "RP001", "sys-path-import", FRAMEWORK, REPORT,
        "Changes to `sys.path` that reprofix cannot compute are reported: imports that rely on them are "
        "not followed.",
        "reprofix follows a script's imports the way Python resolves them from the script's folder and "
        "the project root, and from the folders a module-level `sys.path.append/insert` computes from "
        "the file's own location (`os.path.join(os.path.dirname(__file__), '..')`, "
        "`Path(__file__).resolve().parents[1]`); any other folder added at run time is not guessed. "
        "Name the files found through it on the command line (or pass their folder).",
        facts=(TextPattern(
            b"sys.path", rb"\bsys\.path\.(?:append|insert|extend)\b|\bsys\.path[ \t]*(?:\+=|=)",
            "sys.path is changed here: imports found through it are not followed; name those files on the "
            "command line", skip_lines=syspath.computable_lines,
        ),),
        invalid=(
            Invalid(
                """
                import sys
                import mindspore
                sys.path.append("../common")
                """,
                None,
                findings=("3:1 RP001",),
            ),
        ),
        valid=(
            Valid(
                """
                import sys
                import mindspore
                print(sys.path[0])
                """
            ),
            Valid(  # PaddleClas's tools/train.py: computed from the file's location, so followed
                """
                import os
                import sys
                import paddle
                __dir__ = os.path.dirname(os.path.abspath(__file__))
                sys.path.append(os.path.abspath(os.path.join(__dir__, '../')))
                """
            ),
        ),
    ),
    Rule(
        "RP002", "reprofix-leftover", FRAMEWORK, NOTE,
        "A file already holds changes `reprofix apply` made.",
        "The seed block's markers and the `# [reprofix ...]` comments show the file was rewritten and "
        "not reverted; `reprofix scan --leftovers` fails on them, to keep them out of commits.",
        facts=(TextPattern(
            b"reprofix", b"|".join(re.escape(m.encode()) for m in MARKERS),
            "reprofix changes are in this file ({count} marked line(s)); `reprofix revert` takes them out",
            once=True,
        ),),
        invalid=(
            Invalid(
                """
                import mindspore
                # [reprofix MS201] was: nn.Dropout(0.5)
                """,
                None,
                findings=("2:1 RP002",),
            ),
        ),
        valid=(
            Valid(
                """
                import mindspore
                # reprofix was here, in prose only
                """
            ),
        ),
    ),
)

TABLE = FrameworkTable(FRAMEWORK, (), RULES)


def findings(source: bytes, disabled: frozenset[str] = frozenset()) -> list[Finding]:
    """Every text rule's findings in `source`."""
    found = []
    for fact, rule in TABLE.facts(TextPattern):
        if rule.id in disabled or fact.literal not in source:
            continue
        matches = list(re.finditer(fact.pattern, source))
        if fact.skip_lines is not None and matches:
            skipped = fact.skip_lines(source)
            matches = [m for m in matches if source.count(b"\n", 0, m.start()) + 1 not in skipped]
        if fact.once and matches:
            lines = {source.count(b"\n", 0, m.start()) for m in matches}
            line, col = _position(source, matches[0].start())
            found.append(Finding(rule.id, line, 1, fact.message.format(count=len(lines)), rule.fix))
        elif not fact.once:
            found += [Finding(rule.id, *_position(source, m.start()), fact.message, rule.fix) for m in matches]
    return found


def _position(source: bytes, offset: int) -> tuple[int, int]:
    line = source.count(b"\n", 0, offset) + 1
    return line, offset - (source.rfind(b"\n", 0, offset) + 1) + 1


text_findings = findings  # the name the package exports
