"""Data sources and loaders: their order (shuffle, samplers, shuffle calls) and their workers."""

from __future__ import annotations

import libcst as cst

from .. import cstutil
from .. import flow
from ..context import Context, name_is_free, short
from ..facts import EpochSamplers, Param, ResumeHint, Samplers, SeededLoader, SeededShuffles, ShuffleCalls, Sources, SourceSetting, WorkerSeeding
from ..rule import NOTE, REPORT, Rule
from . import Fixer


def sampler_arg(ctx: Context, call: cst.Call, sources: Sources, name: str) -> cst.BaseExpression | None:
    """The sampler a source call is given (an argument, or an entry of its **kwargs dict literal),
    unless it is literally None."""
    found = None
    for param in sources.sampler_params:
        arg = cstutil.find_arg(call, sources.param(name, param)) if param in sources.signatures[name] else None
        value = arg.value if arg is not None else _kwargs_entry(ctx, call, param)
        if value is not None and not cstutil.is_literal(value, "None"):
            found = value
    return found


def _fixed_here(ctx: Context, fact: Samplers, node) -> bool:
    """A call of a sampler the table fixes, with arguments reprofix can see."""
    return isinstance(node, cst.Call) and ctx.qualname(node.func) in fact.fixes and not cstutil.has_star_args(node)


def _origins(ctx: Context, node: cst.BaseExpression, depth: int = 0) -> list[cst.BaseExpression | None]:
    """What a sampler expression may be, as far as the file shows: through names bound by plain
    assignments, `a if c else b`, an object's field (`self._batch_sampler`, every assignment to it
    in the class) and a call of the file's own function (what it returns). None: a function whose
    returns the file does not show."""
    if depth > 4:
        return [node]
    if isinstance(node, cst.IfExp):
        return _origins(ctx, node.body, depth + 1) + _origins(ctx, node.orelse, depth + 1)
    values = None
    if isinstance(node, cst.Name):
        values = flow.assigned_values(ctx, node)
    elif isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        values = _field_values(ctx, node)
    elif isinstance(node, cst.Call) and ctx.qualname(node.func) is None and isinstance(node.func, cst.Name):
        function = next((b for b in ctx.index.binding_statements(node.func) if isinstance(b, cst.FunctionDef)), None)
        if function is not None and len(ctx.index.binding_statements(node.func)) == 1:
            returns = _returns(function.body)
            return [o for r in returns for o in _origins(ctx, r, depth + 1)] if returns else [None]
    if not values:
        return [node]
    return [o for v in values for o in _origins(ctx, v, depth + 1)]


def _field_values(ctx: Context, field: cst.Attribute) -> list[cst.BaseExpression] | None:
    """Every value `self.<field>` is assigned in the class around `field` (None if it is bound some
    other way too, or outside a class)."""
    owner = ctx.parent(field)
    while owner is not None and not isinstance(owner, cst.ClassDef):
        owner = ctx.parent(owner)
    if owner is None:
        return None
    values = []
    for assign in ctx.index.assigns:
        for target in assign.targets:
            t = target.target
            if (isinstance(t, cst.Attribute) and t.attr.value == field.attr.value and isinstance(t.value, cst.Name)
                    and t.value.value == "self" and ctx.inside(assign, owner)):
                if len(assign.targets) != 1:
                    return None
                values.append(assign.value)
    return values or None


def _returns(body: cst.CSTNode) -> list[cst.BaseExpression]:
    """The values a function body returns (not its nested functions'); a bare return is None."""
    found: list[cst.BaseExpression] = []

    class Returns(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Return(self, node: cst.Return) -> None:
            found.append(node.value if node.value is not None else cst.Name("None"))

    body.visit(Returns())
    return found


def _kwargs_entry(ctx: Context, call: cst.Call, key: str) -> cst.BaseExpression | None:
    star = _double_star(call)
    display = flow.kwargs_literal(ctx, star.value) if star is not None else None
    element = cstutil.dict_entry(display, key) if display is not None else None
    return element.value if element is not None else None


def _double_star(call: cst.Call) -> cst.Arg | None:
    return next((a for a in reversed(call.args) if a.star == "**"), None)


class SourceSettings(Fixer):
    """Every source or loader gets the setting (`shuffle=False`, `num_workers=0`): the argument is
    replaced whatever expression it holds, or added. A setting that can also arrive through
    `**kwargs` is never added beside it (that raises "got multiple values"): where the dict is a
    literal bound beside the call and used only as `**kwargs`, its entry is set; otherwise the
    dict is overridden in place, `**{**kwargs, "shuffle": False}`. Where `*args` could carry the
    argument by position, the call is reported."""

    fact = SourceSetting

    def on_call(self, ctx: Context, fact: SourceSetting, rule: Rule, call: cst.Call, name: str) -> None:
        if fact.param not in fact.sources.signatures[name]:
            return
        param = fact.sources.param(name, fact.param)
        given = cstutil.find_arg(call, param) is not None
        if self.left_to_the_sampler(ctx, fact, call, name, given):
            return
        star = _double_star(call)
        if given or (star is None and not cstutil.has_star_args(call)):
            self.as_argument(ctx, fact, rule, call, name, given)
        elif any(a.star == "*" for a in call.args) and param.position is not None:
            if not fact.only_if_given:
                ctx.finding(rule, call, f"{short(name)} gets *args: make sure they do not carry {fact.param}, "
                                        f"and pass {fact.param}={fact.value}", REPORT)
        else:
            self.through_kwargs(ctx, fact, rule, call, name, star)

    @staticmethod
    def left_to_the_sampler(ctx: Context, fact: SourceSetting, call: cst.Call, name: str, given: bool) -> bool:
        if fact.beside_sampler == "set" or sampler_arg(ctx, call, fact.sources, name) is None:
            return False
        return fact.beside_sampler == "skip" or not given

    @staticmethod
    def as_argument(ctx: Context, fact: SourceSetting, rule: Rule, call: cst.Call, name: str, given: bool) -> None:
        if (given or not fact.only_if_given) and ctx.edit_arg(call, fact.sources.param(name, fact.param), fact.value):
            ctx.finding(rule, call, f"{short(name)}: {fact.param}={fact.value}")

    @staticmethod
    def through_kwargs(ctx: Context, fact: SourceSetting, rule: Rule, call: cst.Call, name: str, star: cst.Arg) -> None:
        setting = f"{fact.param}={fact.value}"
        display = flow.kwargs_literal(ctx, star.value)
        if display is not None:
            entry = cstutil.dict_entry(display, fact.param)
            if (entry is None and fact.only_if_given) or (entry is not None and cstutil.is_literal(entry.value, fact.value)):
                return
            if ctx.set_key(display, fact.param, fact.value):
                ctx.finding(rule, entry or call, f"{short(name)}: {setting} (in the dict passed as **{ctx.code(star.value)})")
        elif not fact.only_if_given and ctx.set_key(star.value, fact.param, fact.value, over=True):
            ctx.finding(rule, call, f"{short(name)}: {setting} (over **{ctx.code(star.value)})")


class SeedLoaders(Fixer):
    """`--keep-randomness`: a loader without a `generator=` gets one, seeded with the run's seed; one
    whose arguments may arrive through `*args`/`**kwargs` is reported instead."""

    fact = SeededLoader

    def on_call(self, ctx: Context, fact: SeededLoader, rule: Rule, call: cst.Call, name: str) -> None:
        if "generator" not in fact.sources.signatures[name]:
            return
        param = fact.sources.param(name, "generator")
        if cstutil.find_arg(call, param) is not None:
            return  # the project's own generator: its seed is the project's
        module = None if cstutil.has_star_args(call) else ctx.module_ref(fact.module, None)  # * or **
        if module is None:
            ctx.finding(rule, call, f"{short(name)} may get its generator through *args or **kwargs: pass "
                                    f"generator={fact.module}.Generator().manual_seed({ctx.options.seed})", REPORT)
            return
        value = f"{cst.Module([]).code_for_node(module)}.Generator().manual_seed({ctx.options.seed})"
        if ctx.edit_arg(call, param, value):
            ctx.finding(rule, call, f"{short(name)}: generator={value}")


class SeedWorkers(Fixer):
    """`--keep-randomness`: a loader with worker processes gets a `worker_init_fn` that seeds each
    worker apart (per worker and per rank, the same on every run); the project's own is wrapped, and
    reported where it seeds from the OS. Arguments that may arrive through `*args`/`**kwargs` are
    reported instead."""

    fact = WorkerSeeding

    def on_call(self, ctx: Context, fact: WorkerSeeding, rule: Rule, call: cst.Call, name: str) -> None:
        if "worker_init_fn" not in fact.sources.signatures[name]:
            return
        workers = cstutil.find_arg(call, fact.sources.param(name, "num_workers"))
        hidden = cstutil.has_star_args(call)  # *args or **kwargs
        if (workers is None and not hidden) or (workers is not None and cstutil.is_literal(workers.value, "0")):
            return  # no worker processes: the seed block seeds the one process
        param = fact.sources.param(name, "worker_init_fn")
        given = cstutil.find_arg(call, param)
        theirs = None if given is None or cstutil.is_literal(given.value, "None") else given.value
        if theirs is not None and fact.helper_name in ctx.code(theirs):
            return
        if hidden:
            ctx.finding(rule, call, f"{short(name)} may get num_workers or worker_init_fn through *args or "
                                    f"**kwargs: seed each worker by hand (NumPy and random, apart per worker and rank)",
                        REPORT)
            return
        value = fact.helper_name
        if theirs is not None:
            functools = ctx.module_ref("functools", None)
            if functools is None:
                ctx.finding(rule, call, f"{short(name)}: wrap worker_init_fn `{ctx.code(theirs)}` by hand to seed "
                                        "NumPy and random in each worker", REPORT)
                return
            value = f"{cst.Module([]).code_for_node(functools)}.partial({fact.helper_name}, then={ctx.code(theirs)})"
            self.report_os_seeds(ctx, fact, rule, theirs)
        if ctx.edit_arg(call, param, value):
            if name_is_free(fact.helper_name, ctx.index):
                ctx.plan.definitions[fact.helper_name] = (rule.id, fact.helper)
            ctx.finding(rule, call, f"{short(name)}: worker_init_fn={value}")

    @staticmethod
    def report_os_seeds(ctx: Context, fact: WorkerSeeding, rule: Rule, theirs: cst.BaseExpression) -> None:
        """The project's worker_init_fn, where this file defines it: each call in it that seeds from
        the OS (`np.random.seed()`) or draws from it (`time.time()`, `os.urandom`)."""
        if not isinstance(theirs, cst.Name):
            return
        functions = [b for b in ctx.index.binding_statements(theirs) if isinstance(b, cst.FunctionDef)]
        for function in functions:
            for call, called in ctx.calls_inside(function):
                bare = not call.args or cstutil.is_literal(call.args[0].value, "None")
                if called in fact.from_os or (called in fact.reseeds and bare):
                    ctx.finding(rule, call, f"worker_init_fn `{theirs.value}` seeds from the OS here "
                                            f"(`{ctx.code(call)}`): what it draws from that seed differs each run; "
                                            "the worker seeding reprofix adds runs after it", REPORT)


class SeedEpochSamplers(Fixer):
    """`--keep-randomness`: a distributed sampler that shuffles gets `seed=` (the run's seed) where it
    takes one; a missing `set_epoch` call in the file is reported."""

    fact = EpochSamplers

    def on_call(self, ctx: Context, fact: EpochSamplers, rule: Rule, call: cst.Call, name: str) -> None:
        spec = fact.samplers[name]
        shuffle = cstutil.find_arg(call, spec.shuffle)
        if cstutil.has_star_args(call):
            if spec.seed is not None and cstutil.find_arg(call, spec.seed) is None:
                ctx.finding(rule, call, f"{short(name)} may get shuffle and seed through *args or **kwargs: pass "
                                        f"seed={ctx.options.seed} by hand", REPORT)
        elif shuffle is None and not spec.shuffles_by_default or shuffle is not None and cstutil.is_literal(
                shuffle.value, "False"):
            return  # it does not shuffle
        elif spec.seed is not None and cstutil.find_arg(call, spec.seed) is None:
            if ctx.edit_arg(call, spec.seed, str(ctx.options.seed)):
                ctx.finding(rule, call, f"{short(name)}: seed={ctx.options.seed}")
        if not any(c.func.attr.value == "set_epoch" for c in ctx.method_calls):
            ctx.finding(rule, call, f"{short(name)} shuffles every epoch in the first epoch's order unless "
                                    "`sampler.set_epoch(epoch)` is called as each epoch starts: no call in this "
                                    "file; add one to the epoch loop", REPORT)


class FixSamplers(Fixer):
    """A random sampler is made sequential wherever it is built: renamed (`RandomSampler` to
    `SequentialSampler`, keeping what both take) or given `shuffle=False`. A sampler passed to a
    source that is neither one of those nor a name bound to one is reported with the framework's
    own advice."""

    fact = Samplers

    def on_call(self, ctx: Context, fact: Samplers, rule: Rule, call: cst.Call, name: str) -> None:
        fix = fact.fixes.get(name)
        if fix is not None:
            self.fix(ctx, rule, call, name, fix)
        elif name in fact.sources.signatures:
            sampler = sampler_arg(ctx, call, fact.sources, name)
            if sampler is None:
                return
            origins = _origins(ctx, sampler)
            unfixed = [o for o in origins if not (o is not None and (
                cstutil.is_literal(o, "None") or _fixed_here(ctx, fact, o)))]
            if not unfixed:
                return  # every sampler it can be is made sequential where it is built
            what = f"{short(name)} takes sampler `{ctx.code(sampler)}`"
            if any(o is not None and _fixed_here(ctx, fact, o) for o in origins) and None not in unfixed:
                others = ", ".join(f"`{ctx.code(o)}`" for o in unfixed)
                ctx.finding(rule, sampler, f"{what}: made sequential where it is built here, but it can also be "
                                           f"{others}: {fact.by_hand}", REPORT)
            else:
                ctx.finding(rule, sampler, f"{what}: {fact.by_hand}", REPORT)

    def fix(self, ctx: Context, rule: Rule, sampler: cst.Call, name: str, fix) -> None:
        if cstutil.has_star_args(sampler):
            ctx.finding(rule, sampler, f"{short(name)} gets *args/**kwargs: make it sequential by hand", REPORT)
        elif fix.action == "no_shuffle":
            if ctx.edit_arg(sampler, fix.shuffle, "False"):
                ctx.finding(rule, sampler, f"{short(name)}: shuffle=False")
        elif fix.action == "rename":
            self.rename(ctx, rule, sampler, name, fix.rename_to, fix.keep)

    @staticmethod
    def rename(ctx: Context, rule: Rule, sampler: cst.Call, name: str, rename_to: str, keep: tuple[Param, ...]) -> None:
        new_module, new_name = rename_to.rsplit(".", 1)
        ref = ctx.module_ref(new_module, sampler.func)
        if ref is None:
            ctx.finding(rule, sampler, f"replace {short(name)} by {new_name} by hand", REPORT)
            return
        new = cst.Call(func=cst.Attribute(value=ref, attr=cst.Name(new_name)))
        for param in keep:
            arg = cstutil.find_arg(sampler, param)
            if arg is not None and arg.keyword is None:  # positional stays positional
                new = cstutil.append_positional(new, arg.value)
            elif arg is not None:
                new = cstutil.set_arg(new, Param(param.name, None), arg.value)
        ctx.plan.replace[sampler] = lambda updated, new=new: new
        ctx.comment(sampler, rule, f"was: {ctx.code(sampler)}")
        ctx.finding(rule, sampler, f"{short(name)} -> {new_name}")


class ResumeNote(Fixer):
    """A note at a file's first data source: how to resume mid-way with the same order."""

    fact = ResumeHint

    def on_call(self, ctx: Context, fact: ResumeHint, rule: Rule, call: cst.Call, name: str) -> None:
        if not any(r == rule.id for r, *_ in ctx.pending):
            ctx.finding(rule, call, fact.text, NOTE)


class SeedShuffleCalls(Fixer):
    """`--keep-randomness`: `data = data.shuffle(1000)` gets `seed=` (the run's seed)."""

    fact = SeededShuffles

    def on_method(self, ctx: Context, fact: SeededShuffles, rule: Rule, call: cst.Call, method: str) -> None:
        if not call.args or isinstance(ctx.parent(call), cst.Expr) or cstutil.has_star_args(call):
            return
        if cstutil.find_arg(call, fact.seed) is None and ctx.edit_arg(call, fact.seed, str(ctx.options.seed)):
            ctx.finding(rule, call, f".{method}(...): seed={ctx.options.seed}")


class DisableShuffleCalls(Fixer):
    """`data = data.shuffle(1000)` is commented out; elsewhere the call gives way to its dataset
    (`data.shuffle(64).split(...)` becomes `data.split(...)`). A shuffle call that is a statement of
    its own (`random.shuffle(x)`, `rng.shuffle(x)`: in place, seeded by the seed block) is left alone."""

    fact = ShuffleCalls

    def on_method(self, ctx: Context, fact: ShuffleCalls, rule: Rule, call: cst.Call, method: str) -> None:
        if call.args and not isinstance(ctx.parent(call), cst.Expr):
            ctx.give_way(call, lambda node: node.func.value, rule)
            ctx.finding(rule, call, f".{method}(...) disabled")
