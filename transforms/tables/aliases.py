"""Names as the frameworks export them, read from the data derived from the frameworks themselves.

`transforms/tables/data/<framework>.json` is written by `python -m transforms.tables.derive` (a developer tool that
imports the installed frameworks); reprofix only reads it. It holds:

- aliases: the other public paths of the objects the facts name
  (`mindspore.dataset.engine.ImageFolderDataset` is `mindspore.dataset.ImageFolderDataset`).
  `canonical` maps an alias to the table's own name, so facts and fixers see one name per object;
  `names` gives every alias, for the text check before parsing;
- signatures: the parameter lists of the data sources and loaders the tables list.

Each file is read once, on first use. Nothing here imports libcst or a framework.
"""

from __future__ import annotations

import functools
import json
from importlib import resources


@functools.lru_cache(maxsize=None)
def derived(framework: str) -> dict:
    """The data derived for one framework (a table's name: `mindspore`, `pytorch`, ...)."""
    return json.loads((resources.files(__package__) / "data" / f"{framework}.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    files = sorted(e.name for e in (resources.files(__package__) / "data").iterdir() if e.name.endswith(".json"))
    merged: dict[str, str] = {}
    for name in files:
        merged.update(derived(name[: -len(".json")])["aliases"])
    return merged


def canonical(name: str) -> str:
    """The table's own name for an alias; any other name unchanged."""
    return _aliases().get(name, name)


def names() -> frozenset[str]:
    """Every alias."""
    return frozenset(_aliases())


def signatures(framework: str) -> dict[str, tuple[str, ...]]:
    """The parameter lists of a framework's data sources and loaders, by qualified name."""
    return {name: tuple(params) for name, params in derived(framework)["signatures"].items()}
