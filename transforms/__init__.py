"""The rewrites. Public surface for the engine (`codemod`), which knows nothing about any framework:
`rewrite(source, options, script=...)`, `Options`, `might_need_rewrite`, `parsed_text`, `RULES`,
`MARKERS`, `SourceError`, and `text_findings(source, disabled)`: the engine's own rules, found
in the text with no parse (what `scan --leftovers` needs). The pipeline is `transforms.pipeline`;
what it reads before and while parsing is `transforms.parse`; a framework is a table
(`transforms.tables.mindspore`, ...); a kind of fact is handled by one fixer (`transforms.fixers`).

Loading this package is cheap: libcst and the tables load on first use of what needs them.
"""

from __future__ import annotations

from importlib import import_module

from .markers import MARKERS
from .rule import NOTE, REPORT, REWRITE, Finding, Invalid, Rule, SourceError, Valid

_LAZY = {
    "rewrite": "pipeline", "Options": "options", "Rewritten": "pipeline", "might_need_rewrite": "pipeline",
    "parsed_text": "pipeline", "RULES": "tables.frameworks", "FRAMEWORKS": "tables.frameworks",
    "imported_frameworks": "parse.textcheck", "exported_classes": "pipeline", "text_findings": "tables.textrules",
    "rewrite_config": "configs", "is_config": "configs", "config_mentions": "configs", "config_bases": "configs",
}

__all__ = [
    "MARKERS", "NOTE", "REPORT", "REWRITE", "Finding", "Invalid", "Rule", "SourceError", "Valid", *_LAZY,
]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
