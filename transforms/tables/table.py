"""A framework's table: its name, the import roots that say a file uses it, and its rules (each with
its facts and examples). Adding a framework means adding a table like `transforms.tables.mindspore.TABLE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterator, TypeVar

from ..facts import Fact, SeedBlock
from ..rule import Rule

F = TypeVar("F", bound=Fact)


@dataclass(frozen=True)
class FrameworkTable:
    name: str
    import_roots: tuple[str, ...]
    rules: tuple[Rule, ...]

    def facts(self, kind: type[F]) -> Iterator[tuple[F, Rule]]:
        """Every fact of a kind, with the rule that owns it, in rule order."""
        for rule in self.rules:
            for fact in rule.facts:
                if isinstance(fact, kind):
                    yield fact, rule

    @cached_property
    def seed_block(self) -> tuple[SeedBlock, Rule] | None:
        return next(self.facts(SeedBlock), None)

    def names(self, kind: type[Fact]) -> frozenset[str]:
        """Every qualified name the facts of a kind react to."""
        return frozenset().union(*(fact.names() for fact, _ in self.facts(kind)))

    @cached_property
    def trigger_names(self) -> frozenset[str]:
        return self.names(Fact)

    @cached_property
    def trigger_keywords(self) -> frozenset[str]:
        return frozenset().union(*(fact.keywords() for fact, _ in self.facts(Fact)))

    @cached_property
    def trigger_methods(self) -> frozenset[str]:
        return frozenset().union(*(fact.methods() for fact, _ in self.facts(Fact)))

    @cached_property
    def trigger_patterns(self) -> tuple[tuple[bytes, bytes], ...]:
        return tuple(p for fact, _ in self.facts(Fact) for p in fact.patterns())
