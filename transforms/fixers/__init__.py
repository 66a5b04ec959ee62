"""Fixers: one per kind of fact, each small, each chosen by lookup.

A fixer handles one kind of fact (`transforms.facts`) for every rule that carries one. It says which
nodes it wants through hooks; the dispatcher below calls a hook only for the nodes a fact names
(qualified call names, method names) or for every node of a kind (classes, assignments, ...).
Which fixer acts on a node is decided by the facts, never by the order of branches.

Order of work, the only order there is: fixers that need the whole file first (random data ops are
taken out together with every use of them), then each call by its qualified name, each method call
by its method name, then classes, comparisons, `del` statements and assignments, and last the
catch-all fixers (`on_end`: a dropout rate passed by keyword to any call). A node that an earlier
fixer replaced or disabled is left to it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

import libcst as cst

from ..context import Context
from ..facts import Fact
from ..rule import Rule
from ..tables.table import FrameworkTable


class Fixer:
    """Handles one kind of fact. Override the hooks it needs; each gets the fact and its rule."""

    fact: type[Fact] = Fact
    # also called with `module.*` for `getattr(module, name)(...)`: any name of that module
    takes_any_of_module = False

    def on_file(self, ctx: Context, facts: list[tuple[Fact, Rule]]) -> None:
        """Once per file, before any node, with every fact of this kind."""

    def on_end(self, ctx: Context, facts: list[tuple[Fact, Rule]]) -> None:
        """Once per file, after every node: what is left to a catch-all rule."""

    def on_call(self, ctx: Context, fact, rule: Rule, call: cst.Call, name: str) -> None:
        """A call of a qualified name the fact names."""

    def on_other_call(self, ctx: Context, fact, rule: Rule, call: cst.Call, name: str) -> None:
        """A call of a name outside every framework and random-number module (the project's own
        classes, libraries)."""

    def on_method(self, ctx: Context, fact, rule: Rule, call: cst.Call, method: str) -> None:
        """A method call (`data.map(...)`) of a method the fact names."""

    def on_class(self, ctx: Context, fact, rule: Rule, node: cst.ClassDef) -> None: ...

    def on_comparison(self, ctx: Context, fact, rule: Rule, node: cst.Comparison) -> None: ...

    def on_del(self, ctx: Context, fact, rule: Rule, node: cst.Del) -> None: ...

    def on_assign(self, ctx: Context, fact, rule: Rule, node: cst.Assign) -> None: ...


def _hooked(name: str) -> set[type[Fact]]:
    """The kinds of fact whose fixer overrides hook `name`."""
    return {kind for kind, fixer in FIXERS.items() if getattr(type(fixer), name) is not getattr(Fixer, name)}


class Dispatch:
    """Which (fixer, fact, rule) acts on what, for the tables a file uses."""

    def __init__(self, tables: Iterable[FrameworkTable], disabled: frozenset[str]):
        self.tables = tuple(tables)  # (kept alive: _DISPATCH knows them by id)
        self.pairs: list[tuple[Fixer, Fact, Rule]] = [
            (FIXERS[type(fact)], fact, rule)
            for table in self.tables for rule in table.rules if rule.id not in disabled
            for fact in rule.facts if type(fact) in FIXERS
        ]
        self.hooks: dict[str, list[tuple[Fixer, Fact, Rule]]] = {}
        self.by_name = self.index("on_call", lambda fact: fact.names())
        self.by_method = self.index("on_method", lambda fact: fact.methods())

    def index(self, hook: str, keys) -> dict[str, list[tuple[Fixer, Fact, Rule]]]:
        """The entries whose fixer has `hook`, by each key their fact gives."""
        found: dict[str, list] = defaultdict(list)
        for entry in self.hooked(hook):
            for key in keys(entry[1]):
                found[key].append(entry)
        return found

    def for_name(self, name: str) -> list[tuple[Fixer, Fact, Rule]]:
        if not name.endswith(".*"):
            return self.by_name.get(name, [])
        prefix = name[:-1]
        return [entry for entry in self.pairs if entry[0].takes_any_of_module
                and any(n.startswith(prefix) for n in entry[1].names())]

    def hooked(self, hook: str) -> list[tuple[Fixer, Fact, Rule]]:
        if hook not in self.hooks:
            kinds = _hooked(hook)
            self.hooks[hook] = [entry for entry in self.pairs if type(entry[1]) in kinds]
        return self.hooks[hook]


# The dispatch of each set of tables and disabled rules, made once (a file's share: 0.5 ms).
_DISPATCH: dict[tuple[tuple[int, ...], frozenset[str]], Dispatch] = {}


def run(ctx: Context, tables: list[FrameworkTable]) -> None:
    """Every fixer of every table the file uses, over the file: the stages in order."""
    key = (tuple(map(id, tables)), ctx.options.disabled)
    dispatch = _DISPATCH.get(key)
    if dispatch is None:
        dispatch = _DISPATCH[key] = Dispatch(tables, ctx.options.disabled)
    _whole_file(ctx, dispatch, "on_file")
    _calls(ctx, dispatch)
    _methods(ctx, dispatch)
    for hook, nodes in (("on_class", ctx.index.classes), ("on_comparison", ctx.index.comparisons),
                        ("on_del", ctx.index.dels), ("on_assign", ctx.index.assigns)):
        entries = dispatch.hooked(hook)
        for node in nodes if entries else ():
            for fixer, fact, rule in entries:
                getattr(fixer, hook)(ctx, fact, rule, node)
    _whole_file(ctx, dispatch, "on_end")


def _calls(ctx: Context, dispatch: Dispatch) -> None:
    """Each call by the qualified name of what it calls; calls of the project's and libraries' names
    also to the fixers that watch those."""
    other_calls = dispatch.hooked("on_other_call")
    for call, name in ctx.named_calls:
        for fixer, fact, rule in dispatch.for_name(name):
            if not ctx.taken(call):
                fixer.on_call(ctx, fact, rule, call, name)
        if name.split(".")[0] in ctx.foreign or name.endswith(".*"):
            continue
        for fixer, fact, rule in other_calls:
            fixer.on_other_call(ctx, fact, rule, call, name)


def _methods(ctx: Context, dispatch: Dispatch) -> None:
    for call in ctx.method_calls:
        method = call.func.attr.value
        for fixer, fact, rule in dispatch.by_method.get(method, ()):
            if not ctx.taken(call):
                fixer.on_method(ctx, fact, rule, call, method)


def _whole_file(ctx: Context, dispatch: Dispatch, hook: str) -> None:
    by_fixer = defaultdict(list)
    for fixer, fact, rule in dispatch.hooked(hook):
        by_fixer[fixer].append((fact, rule))
    for fixer, facts in by_fixer.items():
        getattr(fixer, hook)(ctx, facts)


from .arguments import FixAttributes, FixCallArguments, FixMethodArguments, SeedRandomOps  # noqa: E402
from .data_ops import DisableRandomOps, ReplaceRandomOps  # noqa: E402
from .network import NeutraliseDropout, PassThroughCalls, ZeroRateKeywords  # noqa: E402
from .reports import (  # noqa: E402
    FlagCalls, ReportCheckpointPops, ReportLibraryAugmentation, ReportLibraryModels, ReportProjectClasses,
    ReportRandomHyperparameters, ReportUnfixedSeeds,
)
from .sources import (  # noqa: E402
    DisableShuffleCalls, FixSamplers, ResumeNote, SeedEpochSamplers, SeedLoaders, SeedShuffleCalls, SeedWorkers,
    SourceSettings,
)

FIXERS: dict[type[Fact], Fixer] = {
    fixer.fact: fixer
    for fixer in (
        ReplaceRandomOps(), DisableRandomOps(), SourceSettings(), SeedLoaders(), SeedWorkers(), SeedEpochSamplers(), FixSamplers(), ResumeNote(),
        DisableShuffleCalls(), SeedShuffleCalls(), FixMethodArguments(), FixCallArguments(), FixAttributes(), SeedRandomOps(),
        NeutraliseDropout(), PassThroughCalls(), ZeroRateKeywords(), FlagCalls(), ReportProjectClasses(),
        ReportLibraryAugmentation(), ReportLibraryModels(), ReportRandomHyperparameters(), ReportUnfixedSeeds(),
        ReportCheckpointPops(),
    )
}
