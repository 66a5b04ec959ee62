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
    layer reprofix has no table entry for), is set to 0.0 (a keep probability to 1.0) when its value can
    be a rate: a number, or a name or expression that flows from numbers or configuration. Never a
    callable, a layer or another object (`dropout=self.dropout`, a validator in a decorator's call),
    which would break the model: those are left alone. A list of per-block rates (`drop_path=dpr[0:d]`)
    becomes a list of zeros as long. Where the rate is set on an object or given as a class field with
    a number, it is reported: reprofix does not follow objects. A class or function of the file that
    takes the rate by position gets it at that position."""

    fact = RateKeywords

    def on_end(self, ctx: Context, facts) -> None:
        for fact, rule in facts:
            keywords = [(re.compile(pattern), value) for pattern, value in fact.rates]

            def wanted(name: str) -> str | None:
                return next((value for pattern, value in keywords if pattern.fullmatch(name)), None)

            self.passed(ctx, rule, wanted)
            self.set_on_objects(ctx, rule, wanted)

    @staticmethod
    def passed(ctx: Context, rule: Rule, wanted) -> None:
        """A rate passed to a call, by keyword or to a rate-named parameter of the file's own class or
        function by position: set, when its value is a rate (a list of rates: zeros as many)."""
        for call in ctx.index.calls:
            if ctx.taken(call) or isinstance(ctx.parent(call), cst.Decorator):
                continue  # a decorator's arguments describe the function (validators), they are no rates
            for arg, param in _rate_arguments(ctx, call, wanted):
                value = wanted(param.name)
                kind = value_kind(ctx, arg.value)
                if kind == LIST:
                    zeros = _zeros(ctx, arg.value, value)
                    if not _all(arg.value, value) and ctx.edit_arg(call, param, zeros):
                        ctx.finding(rule, arg, f"{ctx.code(call.func)}(..., {param.name}=<{value} for each block>)")
                elif kind == RATE and not _callee_calls(ctx, call, param.name):
                    if _maybe_unset(ctx, call, arg.value):
                        # mindcv's and timm's create_model pass on only the options that are set: a
                        # None made 0.0 would reach a model that takes no such keyword
                        code = ctx.code(arg.value)
                        if ctx.edit_arg(call, param, f"None if {code} is None else {value}"):
                            ctx.finding(rule, arg, f"{ctx.code(call.func)}(..., {param.name}={value} where set)")
                    elif ctx.edit_arg(call, param, value):
                        ctx.finding(rule, arg, f"{ctx.code(call.func)}(..., {param.name}={value})")

    @staticmethod
    def set_on_objects(ctx: Context, rule: Rule, wanted) -> None:
        """A rate set on an object or as a class field, to a number that drops something: reported."""
        for node in (*ctx.index.assigns, *ctx.index.annotated):
            target = node.targets[0].target if isinstance(node, cst.Assign) else node.target
            if isinstance(node, cst.Assign) and isinstance(target, cst.Name) and len(node.targets) == 1:
                value = wanted(target.value)
                if value is not None and ctx.enclosing_function(node) is None and _at_module_level(ctx, node) \
                        and _number(node.value) not in (None, float(value)):
                    # a module's setting (nanoGPT's `dropout = 0.2` in the config file its configurator runs)
                    ctx.plan.replace[node.value] = lambda updated, v=value: cst.parse_expression(v)
                    ctx.finding(rule, node, f"{target.value} = {value}")
                continue  # a local name: what it feeds is checked where it is passed
            name = target.attr.value if isinstance(target, cst.Attribute) else getattr(target, "value", None)
            value = wanted(name) if isinstance(name, str) else None
            if value is not None and _number(node.value) not in (None, float(value)):
                ctx.finding(rule, node, f"`{ctx.code(target)}` sets a dropout rate reprofix cannot follow to "
                                        f"its layer: set it to {value} while debugging", REPORT)


def _at_module_level(ctx: Context, node: cst.CSTNode) -> bool:
    """A statement of the module's own body (or of an `if`/`try` there), not of a class or function."""
    current = ctx.parent(node)
    while current is not None:
        if isinstance(current, (cst.ClassDef, cst.FunctionDef, cst.Lambda)):
            return False
        current = ctx.parent(current)
    return True


RATE, LIST, OTHER = "rate", "list", "other"
_RATE_CALLS = frozenset({"float", "min", "max", "round", "abs", "item", "get", "getattr", "pop", "getfloat"})
_LIST_CALLS = frozenset({"linspace", "arange", "tolist", "list", "tuple", "logspace", "repeat"})


def _maybe_unset(ctx: Context, call: cst.Call, value: cst.BaseExpression) -> bool:
    """Whether a rate may be an option left unset (None): configuration (`args.drop_rate`,
    `cfg.model.drop`) passed to a callee defined elsewhere, which may forward only what is set."""
    root = _chain_root(value)
    return (isinstance(value, cst.Attribute) and isinstance(root, cst.Name) and root.value != "self"
            and _local_definition(ctx, call.func) is None)


def _chain_root(value: cst.BaseExpression) -> cst.BaseExpression:
    """What an attribute chain starts from: `args` in `args.model.drop`."""
    while isinstance(value, cst.Attribute):
        value = value.value
    return value


def _rate_arguments(ctx: Context, call: cst.Call, wanted):
    """(argument, Param) for each argument binding a rate-named parameter: by keyword, or by position
    when the callee is the file's own class or function."""
    found = []
    for arg in call.args:
        if arg.keyword is not None and arg.star == "" and wanted(arg.keyword.value) is not None:
            found.append((arg, Param(arg.keyword.value, None)))
    names = _parameters(ctx, call.func)
    if names:
        positional = [a for a in call.args if a.keyword is None]
        if not any(a.star for a in positional):
            for position, (arg, name) in enumerate(zip(positional, names)):
                if wanted(name) is not None and not any(p.name == name for _, p in found):
                    found.append((arg, Param(name, position)))
    return found


def _parameters(ctx: Context, func: cst.BaseExpression) -> list[str]:
    """The positional parameters of the file's own class (its `__init__`, `self` aside) or function."""
    definition = _local_definition(ctx, func)
    if isinstance(definition, cst.ClassDef):
        init = next((s for s in definition.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"),
                    None)
        return [p.name.value for p in (*init.params.posonly_params, *init.params.params)][1:] if init else []
    if isinstance(definition, cst.FunctionDef):
        names = [p.name.value for p in (*definition.params.posonly_params, *definition.params.params)]
        return names[1:] if names[:1] in (["self"], ["cls"]) and isinstance(func, cst.Attribute) else names
    return []


def _local_definition(ctx: Context, func: cst.BaseExpression):
    """The ClassDef or FunctionDef the callee names in this file: a name, or `self.method`."""
    if isinstance(func, cst.Name):
        return next((b for b in ctx.index.binding_statements(func) if isinstance(b, (cst.ClassDef, cst.FunctionDef))),
                    None)
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self":
        cls = _enclosing(ctx, func, cst.ClassDef)
        if cls is not None:
            return next((s for s in cls.body.body if isinstance(s, cst.FunctionDef) and s.name.value == func.attr.value),
                        None)
    return None


def _callee_calls(ctx: Context, call: cst.Call, param: str) -> bool:
    """Does the file's own callee call its parameter `param` (`def attention(q, k, v, dropout=None):
    ... dropout(p_attn)`)? Then what is passed is a layer, not a rate."""
    definition = _local_definition(ctx, call.func)
    if isinstance(definition, cst.ClassDef):
        definition = next((s for s in definition.body.body if isinstance(s, cst.FunctionDef)
                           and s.name.value == "__init__"), None)
    if not isinstance(definition, cst.FunctionDef):
        return False
    return any(isinstance(c.func, cst.Name) and c.func.value == param and ctx.inside(c, definition)
               for c in ctx.index.calls)


def value_kind(ctx: Context, value: cst.BaseExpression, depth: int = 0) -> str:
    """What an expression passed as a rate is: RATE (a number, or flows from numbers or configuration),
    LIST (of rates: a list, a slice, linspace), or OTHER (a callable, a layer, a module, a bool, a
    string, None: never to be replaced by a number)."""
    if depth > 6:
        return OTHER
    if isinstance(value, (cst.Integer, cst.Float)):
        return RATE
    if isinstance(value, cst.Name):
        return _name_kind(ctx, value, depth)
    if isinstance(value, cst.Attribute):
        return _attribute_kind(ctx, value, depth)
    if isinstance(value, cst.Subscript):
        return LIST if any(isinstance(e.slice, cst.Slice) for e in value.slice) else RATE
    if isinstance(value, (cst.List, cst.Tuple, cst.ListComp, cst.GeneratorExp, cst.Set)):
        return LIST
    if isinstance(value, cst.UnaryOperation):
        return value_kind(ctx, value.expression, depth + 1)
    if isinstance(value, cst.BinaryOperation):
        kinds = {value_kind(ctx, value.left, depth + 1), value_kind(ctx, value.right, depth + 1)}
        return RATE if kinds == {RATE} else (LIST if LIST in kinds and OTHER not in kinds else OTHER)
    if isinstance(value, cst.IfExp):
        kinds = {value_kind(ctx, value.body, depth + 1), value_kind(ctx, value.orelse, depth + 1)}
        return kinds.pop() if len(kinds) == 1 else OTHER
    if isinstance(value, cst.Call):
        name = value.func.attr.value if isinstance(value.func, cst.Attribute) else getattr(value.func, "value", "")
        if name in _RATE_CALLS:
            return RATE
        if name in _LIST_CALLS:
            return LIST
    return OTHER


def _name_kind(ctx: Context, name: cst.Name, depth: int) -> str:
    """A name, by what binds it where it is used: an import, a def or class is OTHER; an assignment is
    what it assigns; a parameter is a rate unless it defaults to something else or its function calls
    it; a loop variable is a rate (one of the rates)."""
    if name.value in ("True", "False", "None"):
        return OTHER
    kinds = set()
    for binding in ctx.index.binding_statements(name):
        if isinstance(binding, cst.AssignTarget):
            binding = ctx.parent(binding)
        if isinstance(binding, (cst.Import, cst.ImportFrom, cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            kinds.add(OTHER)
        elif isinstance(binding, cst.Assign) and isinstance(binding.targets[0].target, cst.Name):
            kinds.add(value_kind(ctx, binding.value, depth + 1))
        elif isinstance(binding, cst.AnnAssign) and binding.value is not None:
            kinds.add(value_kind(ctx, binding.value, depth + 1))
        elif isinstance(binding, cst.Param):
            kinds.add(_parameter_kind(ctx, binding, depth))
        else:
            kinds.add(RATE)  # a loop over rates, a tuple unpacked, ...
    if not kinds:
        return RATE  # a global of another module, a name from configuration
    return kinds.pop() if len(kinds) == 1 else (OTHER if OTHER in kinds else LIST)


def _parameter_kind(ctx: Context, param: cst.Param, depth: int) -> str:
    function = _enclosing(ctx, param, cst.FunctionDef)
    if function is not None and any(isinstance(c.func, cst.Name) and c.func.value == param.name.value
                                    and ctx.inside(c, function) for c in ctx.index.calls):
        return OTHER  # the function calls it: a layer or a function
    if param.default is None or (isinstance(param.default, cst.Name) and param.default.value == "None"):
        return RATE
    return value_kind(ctx, param.default, depth + 1)


def _attribute_kind(ctx: Context, value: cst.Attribute, depth: int) -> str:
    """`self.x`: what the class assigns to it; a member of a class (`Validator.check_float`, the file's
    own class or an imported one) or a class (`nn.Dropout`): OTHER; `args.drop`, `cfg.model.drop`,
    `config.drop_rate` (an imported configuration object), `cfg.MODEL.DROPOUT`: configuration, a rate."""
    root = _chain_root(value)
    if not isinstance(root, cst.Name):
        return RATE
    if root.value == "self" and isinstance(value.value, cst.Name):
        return _field_kind(ctx, value, depth)
    last = value.attr.value
    if last[:1].isupper() and not last.isupper():
        return OTHER  # a class
    bound = ctx.index.binding_statements(root)
    if any(isinstance(b, cst.ClassDef) for b in bound):
        return OTHER
    if any(isinstance(b, (cst.Import, cst.ImportFrom)) for b in bound) and root.value[:1].isupper() \
            and not root.value.isupper():
        return OTHER  # a member of an imported class
    return RATE


def _field_kind(ctx: Context, value: cst.Attribute, depth: int) -> str:
    """`self.x` by the class's assignments to it (a layer: `self.dropout = nn.Dropout(p)`)."""
    cls = _enclosing(ctx, value, cst.ClassDef)
    if cls is None:
        return RATE
    kinds = set()
    for assign in ctx.index.assigns:
        for target in assign.targets:
            t = target.target
            if isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value == "self" \
                    and t.attr.value == value.attr.value and ctx.inside(assign, cls):
                kinds.add(OTHER if _constructs(assign.value) else value_kind(ctx, assign.value, depth + 1))
    if not kinds:
        return RATE
    return kinds.pop() if len(kinds) == 1 else (OTHER if OTHER in kinds else RATE)


def _constructs(value: cst.BaseExpression) -> bool:
    """A call that builds an object: its callee's last name starts with a capital (`nn.Dropout(p)`)."""
    if isinstance(value, cst.IfExp):
        return _constructs(value.body) or _constructs(value.orelse)
    if not isinstance(value, cst.Call):
        return False
    func = value.func
    name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
    return name[:1].isupper()


def _enclosing(ctx: Context, node: cst.CSTNode, kind):
    current = ctx.parent(node)
    while current is not None and not isinstance(current, kind):
        current = ctx.parent(current)
    return current


def _zeros(ctx: Context, value: cst.BaseExpression, rate: str) -> str:
    """As many of `rate` as `value` holds: written out for a literal list or tuple, else by its length."""
    if isinstance(value, (cst.List, cst.Tuple)) and not any(isinstance(e, cst.StarredElement) for e in value.elements):
        items = ", ".join(rate for _ in value.elements)
        if isinstance(value, cst.Tuple):
            return f"({items}{',' if len(value.elements) == 1 else ''})"
        return f"[{items}]"
    return f"[{rate}] * len({ctx.code(value)})"


def _all(value: cst.BaseExpression, rate: str) -> bool:
    """Is `value` a list of `rate` only already (written out, or `[rate] * n`)?"""
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Multiply):
        value = value.left
    return isinstance(value, (cst.List, cst.Tuple)) and bool(value.elements) and all(
        isinstance(e, cst.Element) and _number(e.value) == float(rate) for e in value.elements)


def _number(value: cst.BaseExpression | None) -> float | None:
    return float(value.value) if isinstance(value, (cst.Integer, cst.Float)) else None
