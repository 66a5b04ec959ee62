"""The rewrites (the `transforms` package) as the engine imports them, from a checkout or installed.

In a checkout, `codemod` and `transforms` are top-level folders side by side: `python -m codemod`
runs with them as top-level packages. Installed (pyproject.toml's `package-dir`), they are
`reprofix.codemod` and `reprofix.transforms`, so that reprofix puts nothing named `codemod` or
`transforms` into site-packages, where PyPI's packages of those names live. `import transforms`
works only in the first layout and `from .. import transforms` only in the second, so the engine
imports the rewrites through this module alone, which takes the `transforms` beside its own package
(never the other layout's: a Finding of one would not be a Finding of the other).
"""

from __future__ import annotations

from importlib import import_module

PACKAGE = ".".join(filter(None, (__package__.rpartition(".")[0], "transforms")))  # ("reprofix.")transforms

transforms = import_module(PACKAGE)  # cheap: the rest loads on first use (see transforms/__init__.py)
NOTE, REPORT, REWRITE = transforms.NOTE, transforms.REPORT, transforms.REWRITE
Finding, Rule, SourceError = transforms.Finding, transforms.Rule, transforms.SourceError


def load(module: str):
    """One of the rewrites' modules, loaded on demand: `load("parse.textscan")` is
    `transforms.parse.textscan` (or `reprofix.transforms.parse.textscan`)."""
    return import_module(f"{PACKAGE}.{module}")
