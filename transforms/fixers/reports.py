"""What reprofix does not rewrite but tells the user about: random hyper-parameters, unfixed seeds,
popped checkpoint keys, the project's own random classes, libraries asked to build randomness, and
calls that are only flagged (ops without a seed, Ascend's nondeterministic kernels)."""

from __future__ import annotations

import re

import libcst as cst

from .. import cstutil
from ..context import Context, short
from ..facts import (
    CheckpointLoaders, DisableOps, DropoutLayers, FlaggedCalls, LibraryAugmentation, LibraryModels, ProjectClasses,
    RandomValues, ReplaceOps, UnfixedSeeds,
)
from ..rule import Rule
from ..tables import common
from . import Fixer


class FlagCalls(Fixer):
    """Calls that are only reported or noted, with the fact's message."""

    fact = FlaggedCalls

    def on_call(self, ctx: Context, fact: FlaggedCalls, rule: Rule, call: cst.Call, name: str) -> None:
        ctx.finding(rule, call, fact.message.format(name=short(name)))


class ReportProjectClasses(Fixer):
    """The project's own `Random...` and `...Dropout...` classes where they are used, and classes that
    subclass a framework's dropout layer or random data op where they are defined: reprofix cannot
    know what they do, so it says where they are."""

    fact = ProjectClasses

    def on_other_call(self, ctx: Context, fact: ProjectClasses, rule: Rule, call: cst.Call, name: str) -> None:
        if ctx.configured(name, ctx.options.dropout_classes + ctx.options.random_data_ops):
            return
        last = short(name)
        if not (_random_name(fact, last) or fact.name_part in last):
            return
        local = ctx.local_class_name(call.func)
        if local is not None and any(isinstance(o, cst.ClassDef) and o.name.value == local
                                     for o, _ in _drawings(ctx, [(fact, rule)])):
            return  # reported where it draws, in this file
        ctx.finding(rule, call, f"{name} is not {rule.framework}'s, so it is left alone: if it is random, "
                                "make it deterministic while debugging")

    def on_class(self, ctx: Context, fact: ProjectClasses, rule: Rule, node: cst.ClassDef) -> None:
        name = self.random_base(ctx, rule, node)
        if name is not None:
            ctx.finding(rule, node.name, f"class {node.name.value} subclasses {name}: reprofix leaves project "
                                         f"classes alone; make it a no-op while debugging{_built_by_name(ctx, node)}")
        elif node.name.value in ctx.options.config_uses and _random_name(fact, node.name.value) and not any(
                owner is node for owner, _ in _drawings(ctx, [(fact, rule)])):
            ctx.finding(rule, node.name, f"class {node.name.value} is named as a random op and a configuration "
                                         f"builds it by name ({_where(ctx, node.name.value)}): reprofix takes it out "
                                         "of the configuration's list where it can (CF104); make it a no-op while "
                                         "debugging otherwise")

    @staticmethod
    def random_base(ctx: Context, rule: Rule, node: cst.ClassDef) -> str | None:
        table = ctx.tables[rule.framework]
        random = table.names(DropoutLayers) | table.names(ReplaceOps) | table.names(DisableOps)
        return next((n for n in (ctx.qualname(base.value) for base in node.bases) if n in random), None)

    def on_end(self, ctx: Context, facts: list[tuple[ProjectClasses, Rule]]) -> None:
        """The project's augmentations and layers that draw at random where they process data: each
        method (or function) once, at its first draw. A draw in any other function (`lr =
        random.uniform(...)` in `main`) is a setting, the random-hyper-parameter rule's."""
        for (owner, _), (call, rule, what, method) in _drawings(ctx, facts).items():
            if isinstance(owner, cst.ClassDef):
                if self.random_base(ctx, rule, owner) is not None:
                    continue  # reported at its definition as the subclass it is
                where = f"{owner.name.value}.{method.name.value}"
            else:
                where = f"{method.name.value}()"
            named = _built_by_name(ctx, owner, method)
            if method.name.value in _LAYER_METHODS:
                ctx.finding(rule, call, f"{where} draws at random on every step ({what}): noise or stochastic depth "
                                        "reprofix cannot turn off; set its rate to 0 or make it a no-op while "
                                        f"debugging{named}")
            else:
                ctx.finding(rule, call, f"{where} draws at random per sample ({what}): an augmentation of the "
                                        "project's, which reprofix leaves alone; take it out of the pipeline or "
                                        f"make it a no-op while debugging{named}")


def _drawings(ctx: Context, facts: list[tuple[ProjectClasses, Rule]]) -> dict:
    """The classes and functions that draw where they process data, each with its first draw, and
    apart from its class a method a configuration names: (class or function, the method or None) ->
    (the draw, its rule, what it calls, the method or function holding it). Dropout-like
    owners (`DropPath`, `drop_path`) are left out: their rate is rewritten where it is given."""
    draws = [(call, rule, f"{ctx.code(call.func)}()") for fact, rule in facts
             for call, name in ctx.named_calls if name in fact.draws]
    draws += [(call, rule, f".{call.func.attr.value}()") for fact, rule in facts for call in ctx.method_calls
              if call.func.attr.value in fact.draw_methods]
    found: dict = {}
    for call, rule, what in sorted(draws, key=lambda d: ctx.index.order.get(d[0], 0)):
        if ctx.taken(call):
            continue  # rewritten as the framework's random op it is
        owner, method = _drawing_owner(ctx, call)
        if owner is None or "drop" in owner.name.value.lower():
            continue
        # once per class, at its first draw; a method a configuration names (`func_name: mosaic`) on its own
        key = (owner, method if owner is method or method.name.value in ctx.options.config_uses else None)
        if key not in found:
            found[key] = (call, rule, what, method)
    return found


_LAYER_METHODS = frozenset({"forward", "construct", "call"})


def _random_name(fact: ProjectClasses, name: str) -> bool:
    return any(name.startswith(p) and name[len(p):len(p) + 1].isupper() for p in fact.prefixes)


def _where(ctx: Context, name: str) -> str:
    places = ctx.options.config_uses.get(name, ())
    return ", ".join(places[:3]) + (f" and {len(places) - 3} more" if len(places) > 3 else "")


def _built_by_name(ctx: Context, *owners: cst.CSTNode) -> str:
    """`; a configuration builds it by name (configs/x.yaml:12)`, for a class or method one does."""
    for owner in owners:
        if owner.name.value in ctx.options.config_uses:
            return f"; a configuration builds it by name ({_where(ctx, owner.name.value)})"
    return ""


def _drawing_owner(ctx: Context, call: cst.Call) -> tuple[cst.CSTNode | None, cst.FunctionDef | None]:
    """Who draws: the class whose method (or a function nested in it) holds the draw, if that method
    processes data (`__call__`, `forward`, `mosaic(self, sample)`); else the outermost function, if it
    does (`mixup_data(x, y)`); else nobody (a setting drawn at random)."""
    functions = []
    node = ctx.parent(call)
    while node is not None:
        if isinstance(node, cst.FunctionDef):
            functions.append(node)
        elif isinstance(node, cst.ClassDef) and functions:
            method = functions[-1]
            per_sample = method.name.value != "__init__" and _per_sample(ctx, method, method)
            return (node, method) if per_sample else (None, None)
        node = ctx.parent(node)
    if functions and _per_sample(ctx, functions[-1], functions[-1]):
        return functions[-1], functions[-1]
    return None, None


class ReportLibraryAugmentation(Fixer):
    """A library function asked to build randomness (`create_transforms(..., is_training=True)`):
    reported with the value to pass while debugging; a library's own augmentation (`timm.data.Mixup`)
    wherever it is built. The project's own functions are not libraries."""

    fact = LibraryAugmentation

    def on_call(self, ctx: Context, fact: LibraryAugmentation, rule: Rule, call: cst.Call, name: str) -> None:
        ctx.finding(rule, call, f"{name} builds randomness inside a library reprofix does not edit: "
                                f"{fact.factories[name]} while debugging")

    def on_other_call(self, ctx: Context, fact: LibraryAugmentation, rule: Rule, call: cst.Call, name: str) -> None:
        if name in fact.factories:
            return  # reported as the factory it is
        if name.startswith(".") or name.split(".")[0] in ctx.options.project_modules or ctx.local_class_name(call.func):
            return
        for arg in call.args:
            wanted = fact.values.get(arg.keyword.value) if arg.keyword is not None else None
            if wanted is not None and not cstutil.is_literal(arg.value, wanted):
                ctx.finding(rule, arg, f"{name}(..., {arg.keyword.value}={ctx.code(arg.value)}) builds randomness "
                                       f"inside a library reprofix does not edit: pass {arg.keyword.value}={wanted} "
                                       "while debugging")


class ReportLibraryModels(Fixer):
    """A library's models that keep dropout or stochastic depth by default, reported with the
    keywords that turn it off: where a builder is called without them, where a model is chosen by
    name (every family that needs them named), where one is loaded with its checkpoint's rates."""

    fact = LibraryModels
    takes_any_of_module = True

    def on_call(self, ctx: Context, fact: LibraryModels, rule: Rule, call: cst.Call, name: str) -> None:
        if name.endswith(".*"):
            if any(builder.startswith(name[:-1]) for builder in fact.builders):
                self.by_name(ctx, fact, rule, call, f"{ctx.code(call.func)}(...)")
        elif name in fact.lookups:
            chosen = _string(call.args[0].value) if call.args and call.args[0].keyword is None else None
            if chosen is None:
                self.by_name(ctx, fact, rule, call, f"{short(name)}({ctx.code(call.args[0].value) if call.args else ''})")
            elif f"{fact.lookups[name]}.{chosen}" in fact.builders:
                self.builder(ctx, rule, call, chosen, fact.builders[f"{fact.lookups[name]}.{chosen}"])
        else:
            self.builder(ctx, rule, call, short(name), fact.builders[name])

    @staticmethod
    def builder(ctx: Context, rule: Rule, call: cst.Call, name: str, keywords: tuple[str, ...]) -> None:
        if cstutil.has_star_args(call):
            return  # `**kwargs` may pass them
        passed = {arg.keyword.value for arg in call.args if arg.keyword is not None}
        missing = [k for k in keywords if k not in passed]
        if missing:
            ctx.finding(rule, call, f"{name} keeps its dropout or stochastic depth by default: pass "
                                    f"{', '.join(f'{k}=0.0' for k in missing)} while debugging")
        elif not keywords:
            ctx.finding(rule, call, f"{name} sets its stochastic depth itself, and no keyword turns it off: "
                                    f"{_SET_P} while debugging")

    @staticmethod
    def by_name(ctx: Context, fact: LibraryModels, rule: Rule, call: cst.Call, code: str) -> None:
        families: dict[tuple[str, ...], list[str]] = {}
        for builder, keywords in sorted(fact.builders.items()):
            family = re.match(r"[a-z]+", short(builder)).group()
            if family not in families.setdefault(keywords, []):
                families[keywords].append(family)
        needs = "; ".join(f"pass {', '.join(f'{k}=0.0' for k in keywords)} for {', '.join(names)}" if keywords
                          else f"for {', '.join(names)}, {_SET_P}"
                          for keywords, names in sorted(families.items(), key=lambda item: -len(item[1])))
        ctx.finding(rule, call, f"{code} builds a model chosen by name, which may keep dropout or stochastic "
                                f"depth by default: {needs}; while debugging")

    def on_other_call(self, ctx: Context, fact: LibraryModels, rule: Rule, call: cst.Call, name: str) -> None:
        parts = name.split(".")
        if (len(parts) < 3 or parts[-1] not in fact.loaders or not any(name.startswith(f"{p}.") for p in fact.pretrained)
                or not re.search(r"Model|For[A-Z]", parts[-2]) or cstutil.has_star_args(call)):
            return
        rate = re.compile(f"{common.RATE_KEYWORD}|{common.KEEP_KEYWORD}")
        if any(arg.keyword is not None and rate.fullmatch(arg.keyword.value) for arg in call.args):
            return  # the rates it passes are rewritten
        rates = ", ".join(f"{k}=0.0" for k in fact.pretrained_keywords)
        if parts[-1] == "from_pretrained":
            how = f"pass {rates} ({fact.pretrained_hint})"
        else:  # from_config(config): its keywords are not the configuration's
            how = f"set {rates} on the configuration first ({fact.pretrained_hint})"
        ctx.finding(rule, call, f"{parts[-2]}.{parts[-1]} keeps the dropout its configuration sets: {how} "
                                "while debugging")


_SET_P = "set `.p = 0.0` on the built model's torchvision.ops.StochasticDepth modules"


def _string(node: cst.BaseExpression) -> str | None:
    return node.evaluated_value if isinstance(node, cst.SimpleString) and isinstance(node.evaluated_value, str) else None


class ReportRandomHyperparameters(Fixer):
    """A value drawn at random into a setting named like a hyper-parameter (`lr`, `momentum`,
    `batch_size`, `dropout`, ...), assigned or passed by keyword."""

    fact = RandomValues

    def on_call(self, ctx: Context, fact: RandomValues, rule: Rule, call: cst.Call, name: str) -> None:
        target = ctx.value_target(call)
        if target is None or "seed" in target.lower() or not re.search(fact.hyperparameter, target, re.IGNORECASE):
            return
        if _per_sample(ctx, call):
            return  # an augmentation's draw (`alpha = random.uniform(...)` in `__call__`), not a setting
        ctx.finding(rule, call, f"`{target}` is drawn at random ({name}): fix the value while debugging")


# Where a draw is an augmentation's, made per sample or batch, not a setting chosen once: a method
# that transforms data, a function named like an augmentation, or one that takes the data itself.
_PER_SAMPLE_FUNCTIONS = re.compile(
    r"^(?:__call__|__getitem__|__iter__|__next__|forward|construct|call)$"
    r"|aug|mix|cut|transform|distort|jitter|crop|flip|rot|noise|collate|sample|perturb|random", re.IGNORECASE)
_DATA_PARAMETERS = frozenset({"img", "image", "images", "x", "sample", "samples", "batch", "data", "pts", "points",
                              "boxes", "bboxes", "inputs", "input", "feat", "features", "label", "labels"})


def _per_sample(ctx: Context, node: cst.CSTNode, function: cst.FunctionDef | None = None) -> bool:
    function = function or ctx.enclosing_function(node)
    if function is None:
        return False
    parameters = {p.name.value for p in (*function.params.posonly_params, *function.params.params)}
    return bool(_PER_SAMPLE_FUNCTIONS.search(function.name.value)) or bool(parameters & _DATA_PARAMETERS)


class ReportUnfixedSeeds(Fixer):
    """Seeds that change every run: a seed function given a random or changing value, a random value
    drawn into a name with `seed` in it, and an optional seed (`if args.seed is not None:`)."""

    fact = UnfixedSeeds

    def on_call(self, ctx: Context, fact: UnfixedSeeds, rule: Rule, call: cst.Call, name: str) -> None:
        if name in fact.seed_functions:
            if call.args and self.changes(ctx, fact, call.args[0].value):
                ctx.finding(rule, call, f"{short(name)} gets a seed that changes every run: use a fixed non-zero seed")
        elif name in fact.random_functions:
            target = ctx.value_target(call)
            if target is not None and "seed" in target.lower() and not self.seeded_before(ctx, fact, call, name):
                ctx.finding(rule, call, f"`{target}` is drawn at random ({short(name)}): use a fixed non-zero seed")

    @staticmethod
    def seeded_before(ctx: Context, fact: UnfixedSeeds, call: cst.Call, name: str) -> bool:
        """The generator the value comes from was given a fixed seed earlier in the same function (or
        at module level): `random.seed(1234)` then `seeds = [random.randint(...) ...]` is fixed."""
        generator = name.rsplit(".", 1)[0]
        scope = ctx.enclosing_function(call)
        for other, other_name in ctx.named_calls:
            if (other_name == f"{generator}.seed" and other_name in fact.seed_functions
                    and ctx.index.order.get(other, 0) < ctx.index.order.get(call, 0)
                    and ctx.enclosing_function(other) is scope and other.args
                    and isinstance(other.args[0].value, (cst.Integer, cst.Float))):
                return True
        return False

    @staticmethod
    def changes(ctx: Context, fact: UnfixedSeeds, node: cst.CSTNode) -> bool:
        return any(n in fact.random_functions or n in fact.changing for _, n in ctx.calls_inside(node))

    def on_comparison(self, ctx: Context, fact: UnfixedSeeds, rule: Rule, node: cst.Comparison) -> None:
        if (
            len(node.comparisons) == 1
            and isinstance(node.comparisons[0].operator, cst.IsNot)
            and cstutil.is_literal(node.comparisons[0].comparator, "None")
            and _ends_with_seed(node.left)
        ):
            ctx.finding(rule, node, f"`{ctx.code(node)}`: the seed is optional, so a run without it is not seeded; "
                                    "the seed block fixes it, or give the option a non-zero default")


def _ends_with_seed(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return "seed" in node.value.lower()
    if isinstance(node, cst.Attribute):
        return "seed" in node.attr.value.lower()
    return False


class ReportCheckpointPops(Fixer):
    """Keys popped or deleted from a loaded checkpoint: load the fixed checkpoint completely."""

    fact = CheckpointLoaders

    def on_file(self, ctx: Context, facts: list[tuple[CheckpointLoaders, Rule]]) -> None:
        for fact, rule in facts:
            for call in ctx.method_calls:
                if call.func.attr.value == "pop" and ctx.bound_to_call_of(call.func.value, fact.loaders):
                    ctx.finding(rule, call, "a key is popped from a loaded checkpoint: load the fixed checkpoint completely")

    def on_del(self, ctx: Context, fact: CheckpointLoaders, rule: Rule, node: cst.Del) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and ctx.bound_to_call_of(target.value, fact.loaders):
            ctx.finding(rule, node, "a key is deleted from a loaded checkpoint: load the fixed checkpoint completely")
