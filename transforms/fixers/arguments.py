"""Arguments and attributes fixed to a known value: `num_parallel_workers=1` on `.map(...)`,
`dropout=0.0`, `keep_prob=1.0`, `cudnn.benchmark = False`, seeds of random ops."""

from __future__ import annotations

import libcst as cst

from .. import cstutil
from ..context import Context, short
from ..facts import ArgFix, AttributeFixes, CallArguments, MethodArguments, Param, SeededOps
from ..rule import Rule
from . import Fixer


def apply_fixes(ctx: Context, rule: Rule, call: cst.Call, fixes: tuple[ArgFix, ...], message: str, **names) -> None:
    """Each fix that does not hold yet is planned on `call`, with a finding worded by `message`."""
    for fix in fixes:
        if fix.only_if_given and cstutil.find_arg(call, fix.param) is None:
            continue
        if ctx.edit_arg(call, fix.param, fix.value):
            ctx.finding(rule, call, message.format(param=fix.param.name, value=fix.value, **names))


class FixMethodArguments(Fixer):
    """`.map(...)` and `.batch(...)` of a dataset get one worker, `.fit(...)` stops shuffling. Only a
    call that passes one of the framework's keywords counts (or, where the table names none, any
    argument), so `pool.map(f, xs)` and scikit-learn's `fit` are left alone; so is a call whose
    arguments come through `**kwargs`."""

    fact = MethodArguments

    def on_method(self, ctx: Context, fact: MethodArguments, rule: Rule, call: cst.Call, method: str) -> None:
        keywords = {a.keyword.value for a in call.args if a.keyword is not None}
        if not (keywords & fact.required if fact.required else call.args) or cstutil.has_star_star(call):
            return
        apply_fixes(ctx, rule, call, fact.fixes, fact.message, method=method)


class FixCallArguments(Fixer):
    """Known calls get fixed arguments (`nn.LSTM(..., dropout=0.0)`, `ops.Dropout(keep_prob=1.0)`,
    `set_num_parallel_workers(1)`); a call with `*args`/`**kwargs` is left alone."""

    fact = CallArguments
    takes_any_of_module = True

    def on_call(self, ctx: Context, fact: CallArguments, rule: Rule, call: cst.Call, name: str) -> None:
        if cstutil.has_star_args(call):
            return
        if name.endswith(".*"):
            self.any_of_module(ctx, fact, rule, call, name[:-1])
        else:
            apply_fixes(ctx, rule, call, fact.calls[name], fact.message, name=short(name))

    @staticmethod
    def any_of_module(ctx: Context, fact: CallArguments, rule: Rule, call: cst.Call, prefix: str) -> None:
        """`getattr(nn, rnn_type)(..., dropout=0.3)`: a keyword the call passes is fixed when every
        class of that module that takes it wants the same value."""
        for arg in call.args:
            if arg.keyword is None:
                continue
            wanted = {fix.value: fix for n, fixes in fact.calls.items() if n.startswith(prefix)
                      for fix in fixes if fix.param.name == arg.keyword.value}
            if len(wanted) == 1:
                (fix,) = wanted.values()
                if ctx.edit_arg(call, Param(fix.param.name, None), fix.value):  # passed by keyword
                    ctx.finding(rule, call, fact.message.format(name=ctx.code(call.func), param=fix.param.name,
                                                                value=fix.value))


class FixAttributes(Fixer):
    """`torch.backends.cudnn.benchmark = True` and the like get the value the table wants."""

    fact = AttributeFixes

    def on_assign(self, ctx: Context, fact: AttributeFixes, rule: Rule, node: cst.Assign) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Attribute):
            return
        target = node.targets[0].target
        name = ctx.qualname(target)
        if name in fact.qualified:
            value = fact.qualified[name]
        elif target.attr.value in fact.any_object:
            name = target.attr.value
            value = fact.any_object[name]
        else:
            return
        if not cstutil.is_literal(node.value, value):
            ctx.plan.replace[node.value] = lambda _, v=value: cst.parse_expression(v)
            ctx.finding(rule, node, f"{short(name)} = {value}")


class SeedRandomOps(Fixer):
    """Random ops that take a seed get the run's seed where none (or 0, or None) is given."""

    fact = SeededOps

    def on_call(self, ctx: Context, fact: SeededOps, rule: Rule, call: cst.Call, name: str) -> None:
        if cstutil.has_star_args(call):
            return
        changed = []
        for param in fact.ops[name]:
            arg = cstutil.find_arg(call, param)
            if arg is None or any(cstutil.is_literal(arg.value, value) for value in fact.unseeded):
                ctx.plan.arg_edits.setdefault(call, []).append((param, cst.Integer(str(ctx.options.seed))))
                changed.append(f"{param.name}={ctx.options.seed}")
        if changed:
            ctx.finding(rule, call, f"{short(name)}: {', '.join(changed)}")
