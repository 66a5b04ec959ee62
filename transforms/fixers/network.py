"""Dropout in the network: layers made no-ops, functional dropout giving way to its input."""

from __future__ import annotations

import libcst as cst

from .. import cstutil
from ..context import Context, short
from ..facts import DropoutLayers, PassThrough
from ..rule import REPORT, Rule
from . import Fixer


class NeutraliseDropout(Fixer):
    """Dropout layers become the framework's no-op layer, the original in a comment; so do the
    project's own dropout layers named in the configuration (`dropout-classes`)."""

    fact = DropoutLayers

    def on_call(self, ctx: Context, fact: DropoutLayers, rule: Rule, call: cst.Call, name: str) -> None:
        self.replace(ctx, rule, call, name, fact.layers[name])

    def on_other_call(self, ctx: Context, fact: DropoutLayers, rule: Rule, call: cst.Call, name: str) -> None:
        if ctx.configured(name, ctx.options.dropout_classes) and not ctx.taken(call) and fact.layers:
            self.replace(ctx, rule, call, name, next(iter(fact.layers.values())))

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
