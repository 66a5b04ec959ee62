"""Dropout in the network: layers made no-ops, functional dropout giving way to its input."""

from __future__ import annotations

import re

import libcst as cst

from .. import cstutil
from ..context import Context, short
from ..facts import ArgFix, DropoutLayers, Param, PassThrough, RateKeywords
from ..rule import REPORT, Rule
from . import Fixer


class NeutraliseDropout(Fixer):
    """A dropout layer keeps its class and gets a rate that drops nothing (`nn.Dropout(p=0.0)`,
    MindSpore's `keep_prob=1.0` where that is what the call passes), the original in a comment: code
    that reads the layer's attributes, or saves and reloads it, keeps working. The project's own
    layers named in the configuration: `Class:param` gets `param=0.0`; a bare `Class` becomes the
    framework's no-op layer (its attributes are gone: name a parameter where they are read)."""

    fact = DropoutLayers

    def on_call(self, ctx: Context, fact: DropoutLayers, rule: Rule, call: cst.Call, name: str) -> None:
        rate = fact.layers[name]
        fix = next((f for f in rate.given if cstutil.find_arg(call, f.param) is not None), rate.default)
        self.set_rate(ctx, rule, call, name, fix)

    def on_other_call(self, ctx: Context, fact: DropoutLayers, rule: Rule, call: cst.Call, name: str) -> None:
        entry = next((e for e in ctx.options.dropout_classes if ctx.configured(name, (e.partition(":")[0],))), None)
        if entry is None or ctx.taken(call):
            return
        param = entry.partition(":")[2]
        if param:
            position = ctx.parameter_position(call.func, param)
            if position is None and any(a.keyword is None for a in call.args):
                ctx.finding(rule, call, f"{short(name)} gets positional arguments: set its {param} to 0.0 by hand", REPORT)
                return
            self.set_rate(ctx, rule, call, name, ArgFix(Param(param, position), "0.0"))
        elif fact.no_op:
            self.replace(ctx, rule, call, name, fact.no_op)

    @staticmethod
    def set_rate(ctx: Context, rule: Rule, call: cst.Call, name: str, fix: ArgFix) -> None:
        if cstutil.has_star_args(call) and cstutil.find_arg(call, fix.param) is None:
            ctx.finding(rule, call, f"{short(name)} gets *args/**kwargs: make sure its {fix.param.name} drops "
                                    "nothing while debugging", REPORT)
            return
        if ctx.edit_arg(call, fix.param, fix.value):
            ctx.comment(call, rule, f"was: {ctx.code(call)}")
            ctx.finding(rule, call, f"{short(name)}: {fix.param.name}={fix.value}")

    @staticmethod
    def replace(ctx: Context, rule: Rule, call: cst.Call, name: str, target: str) -> None:
        module, identity = target.rsplit(".", 1)
        ref = ctx.module_ref(module, call.func)
        if ref is None:
            ctx.finding(rule, call, f"replace {short(name)} by hand", REPORT)
            return
        new = cst.Call(func=cst.Attribute(value=ref, attr=cst.Name(identity)))
        ctx.plan.replace[call] = lambda updated, new=new: new
        ctx.comment(call, rule, f"was: {ctx.code(call)}")
        ctx.finding(rule, call, f"{short(name)} -> {identity}()")


class PassThroughCalls(Fixer):
    """A call that only perturbs its input (`ops.dropout(x, p)`, `tf.image.random_flip_left_right(x)`)
    gives way to the input; where the input cannot be found (passed through `*args`), it is reported."""

    fact = PassThrough

    def on_call(self, ctx: Context, fact: PassThrough, rule: Rule, call: cst.Call, name: str) -> None:
        param = fact.calls[name]
        if cstutil.find_arg(call, param) is None or cstutil.has_star_args(call):
            ctx.finding(rule, call, f"remove {short(name)} by hand", REPORT)
            return

        def pick(node: cst.Call) -> cst.BaseExpression:
            value = cstutil.find_arg(node, param).value
            if isinstance(value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)) or value.lpar:
                return value
            return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])  # keep precedence

        ctx.give_way(call, pick, rule)
        ctx.finding(rule, call, f"{short(name)}(x, ...) -> x")


class ZeroRateKeywords(Fixer):
    """A keyword named like a dropout rate, passed to any call (a model factory, a config class, a
    layer reprofix has no table entry for), is set to 0.0; a bool, string or None passed under such a
    name is not a rate and is left alone. Where the rate is set on an object or given as a class field
    with a number, it is reported: reprofix does not follow objects."""

    fact = RateKeywords

    def on_end(self, ctx: Context, facts) -> None:
        for fact, rule in facts:
            keywords = [(re.compile(pattern), value) for pattern, value in fact.rates]

            def wanted(name: str) -> str | None:
                return next((value for pattern, value in keywords if pattern.fullmatch(name)), None)

            for call in ctx.index.calls:
                if ctx.taken(call):
                    continue
                for arg in call.args:
                    value = wanted(arg.keyword.value) if arg.keyword is not None else None
                    if value is not None and _a_rate(arg.value) and ctx.edit_arg(call, Param(arg.keyword.value, None), value):
                        ctx.finding(rule, arg, f"{ctx.code(call.func)}(..., {arg.keyword.value}={value})")
            for node in (*ctx.index.assigns, *ctx.index.annotated):
                target = node.targets[0].target if isinstance(node, cst.Assign) else node.target
                if isinstance(node, cst.Assign) and not isinstance(target, cst.Attribute):
                    continue  # a local name: what it feeds is checked where it is passed
                name = target.attr.value if isinstance(target, cst.Attribute) else getattr(target, "value", None)
                value = wanted(name) if isinstance(name, str) else None
                if value is not None and _number(node.value) not in (None, float(value)):
                    ctx.finding(rule, node, f"`{ctx.code(target)}` sets a dropout rate reprofix cannot follow to "
                                            f"its layer: set it to {value} while debugging", REPORT)


def _a_rate(value: cst.BaseExpression) -> bool:
    """Anything but a literal that is not a number (True, None, a string)."""
    if isinstance(value, cst.Name):
        return value.value not in ("True", "False", "None")
    return not isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))


def _number(value: cst.BaseExpression | None) -> float | None:
    return float(value.value) if isinstance(value, (cst.Integer, cst.Float)) else None
