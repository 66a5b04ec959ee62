"""The tables reprofix knows: one per framework, and the engine's own text rules."""

from __future__ import annotations

from ..rule import Rule
from . import configrules, keras, mindspore, paddle, pytorch, textrules
from .table import FrameworkTable

FRAMEWORKS: tuple[FrameworkTable, ...] = (mindspore.TABLE, pytorch.TABLE, keras.TABLE, paddle.TABLE)
TABLES: tuple[FrameworkTable, ...] = (*FRAMEWORKS, textrules.TABLE, configrules.TABLE)
FRAMEWORK_ROOTS = tuple(root for table in FRAMEWORKS for root in table.import_roots)
RULES: dict[str, Rule] = {rule.id: rule for table in TABLES for rule in table.rules}
