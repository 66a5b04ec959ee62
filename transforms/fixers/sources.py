"""Data sources and loaders: their order (shuffle, samplers, shuffle calls) and their workers."""

from __future__ import annotations

import libcst as cst

from .. import cstutil
from ..context import Context, short
from ..facts import Param, ResumeHint, Samplers, ShuffleCalls, Sources, SourceSetting
from ..rule import NOTE, REPORT, Rule
from . import Fixer


def sampler_arg(ctx: Context, call: cst.Call, sources: Sources, name: str) -> cst.BaseExpression | None:
    """The sampler a source call is given (an argument, or an entry of its **kwargs dict literal),
    unless it is literally None."""
    kwargs = ctx.kwargs_dict(call) or {}
    found = None
    for param in sources.sampler_params:
        arg = cstutil.find_arg(call, sources.param(name, param)) if param in sources.signatures[name] else None
        arg = arg or kwargs.get(param)
        if arg is not None and not cstutil.is_literal(arg.value, "None"):
            found = arg.value
    return found


def opaque(ctx: Context, call: cst.Call) -> bool:
    """Arguments come through *args/**kwargs that cannot be followed."""
    return cstutil.has_star_args(call) and ctx.kwargs_dict(call) is None


class SourceSettings(Fixer):
    """Every source or loader gets the setting (`shuffle=False`, `num_workers=0`): the argument is
    replaced whatever expression it holds, or added; inside a `**kwargs` dict literal bound beside the
    call, the dict's entry is fixed. Arguments that come through `*args`/`**kwargs` that cannot be
    followed are reported."""

    fact = SourceSetting

    def on_call(self, ctx: Context, fact: SourceSetting, rule: Rule, call: cst.Call, name: str) -> None:
        if fact.param not in fact.sources.signatures[name]:
            return
        setting = f"{fact.param}={fact.value}"
        if opaque(ctx, call):
            if not fact.only_if_given:
                ctx.finding(rule, call, f"{short(name)} gets *args/**kwargs: make sure they carry {setting}", REPORT)
            return
        if fact.unless_sampler and sampler_arg(ctx, call, fact.sources, name) is not None:
            return
        in_dict = (ctx.kwargs_dict(call) or {}).get(fact.param)
        if in_dict is not None:  # DataLoader(data, **loader_args) with loader_args a dict literal here
            if not cstutil.is_literal(in_dict.value, fact.value):
                ctx.plan.replace[in_dict.value] = lambda _, v=fact.value: cst.parse_expression(v)
                ctx.finding(rule, in_dict, f"{short(name)}: {setting} (in the dict passed as **kwargs)")
            return
        param = fact.sources.param(name, fact.param)
        if fact.only_if_given and cstutil.find_arg(call, param) is None:
            return
        if ctx.edit_arg(call, param, fact.value):
            ctx.finding(rule, call, f"{short(name)}: {setting}")


class FixSamplers(Fixer):
    """A sampler passed to a source is made sequential: renamed (`RandomSampler` to
    `SequentialSampler`, keeping what both take) or given `shuffle=False`; any other sampler is
    reported with the framework's own advice."""

    fact = Samplers

    def on_call(self, ctx: Context, fact: Samplers, rule: Rule, call: cst.Call, name: str) -> None:
        if name not in fact.sources.signatures or opaque(ctx, call):
            return
        sampler = sampler_arg(ctx, call, fact.sources, name)
        if sampler is None:
            return
        sampler_name = ctx.qualname(sampler.func) if isinstance(sampler, cst.Call) else None
        fix = fact.fixes.get(sampler_name) if sampler_name else None
        if fix is None or cstutil.has_star_args(sampler):
            ctx.finding(rule, sampler, f"{short(name)} takes sampler `{ctx.code(sampler)}`: {fact.by_hand}", REPORT)
        elif fix.action == "no_shuffle":
            if ctx.edit_arg(sampler, fix.shuffle, "False"):
                ctx.finding(rule, sampler, f"{short(sampler_name)}: shuffle=False")
        elif fix.action == "rename":
            self.rename(ctx, rule, sampler, sampler_name, fix.rename_to, fix.keep)

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


class DisableShuffleCalls(Fixer):
    """`data = data.shuffle(1000)` is commented out; elsewhere the call gives way to its dataset
    (`data.shuffle(64).split(...)` becomes `data.split(...)`). A shuffle call that is a statement of
    its own (`random.shuffle(x)`, `rng.shuffle(x)`: in place, seeded by the seed block) is left alone."""

    fact = ShuffleCalls

    def on_method(self, ctx: Context, fact: ShuffleCalls, rule: Rule, call: cst.Call, method: str) -> None:
        if call.args and not isinstance(ctx.parent(call), cst.Expr):
            ctx.give_way(call, lambda node: node.func.value, rule)
            ctx.finding(rule, call, f".{method}(...) disabled")
