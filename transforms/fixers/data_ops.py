"""Random data ops: replaced by a deterministic counterpart, or taken out with every use of them."""

from __future__ import annotations

import ast

import libcst as cst

from .. import codegen, cstutil
from ..context import Context, name_is_free, short
from ..facts import Chance, DisableOps, Param, Range, Replacement, ReplaceOps
from ..rule import REPORT, Rule
from . import Fixer


class ReplaceRandomOps(Fixer):
    """`RandomCrop(size)` becomes `CenterCrop(size)`, `RandomResizedCrop(size)` a resize then a centre
    crop: the op's module names the new parts; in a list literal they are spliced in, elsewhere
    several parts are wrapped in the family's Compose. Where there is no size argument, or no way to
    name the module, the op is reported instead."""

    fact = ReplaceOps

    def on_call(self, ctx: Context, fact: ReplaceOps, rule: Rule, call: cst.Call, name: str) -> None:
        spec = fact.ops[name]
        parts = self.parts(ctx, call, name, spec)
        if parts is None:
            ctx.finding(rule, call, f"{short(name)} could not be rewritten here (no size argument, or no way "
                                    "to name its module): replace it by hand", REPORT)
            return
        if self.in_list(ctx, call):
            ctx.plan.splice[call] = parts
        elif len(parts) == 1:
            ctx.plan.replace[call] = lambda updated, new=parts[0]: new
        else:
            compose_module, compose_name = spec.compose.rsplit(".", 1)
            composed = cst.Call(
                func=cst.Attribute(value=ctx.module_ref(compose_module, None), attr=cst.Name(compose_name)),
                args=[cst.Arg(cst.List([cst.Element(p) for p in parts]))],
            )
            ctx.plan.replace[call] = lambda updated, new=composed: new
        ctx.comment(call, rule, f"was: {ctx.code(call)}")
        ctx.finding(rule, call, f"{short(name)} -> {', '.join(codegen.code(ctx.module, p) for p in parts)}")

    @staticmethod
    def in_list(ctx: Context, call: cst.Call) -> bool:
        return isinstance(ctx.parent(call), cst.Element) and isinstance(ctx.parent(ctx.parent(call)), cst.List)

    def parts(self, ctx: Context, call: cst.Call, name: str, spec: Replacement) -> list[cst.Call] | None:
        size = (call.args or [None])[0] if spec.keep_arguments else cstutil.find_arg(call, Param("size", 0))
        if size is None or not self.composable(ctx, call, spec):
            return None
        ref = ctx.module_ref(name.rsplit(".", 1)[0], call.func)
        if ref is None:
            return None
        parts = [
            cst.parse_expression("__module__." + template.format(size="__size__"))
            .visit(_Substitute({"__module__": ref, "__size__": size.value}))
            for template in spec.parts
        ]
        if spec.keep_arguments:
            return [p.with_changes(args=_without_seed(call.args)) for p in parts]
        tight = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
        carried = [cst.Arg(arg.value, keyword=cst.Name(param.name), equal=tight)
                   for param in spec.carry for arg in [cstutil.find_arg(call, param)] if arg is not None]
        if carried:
            into = parts[spec.carry_into]
            parts[spec.carry_into] = into.with_changes(args=[*into.args, *carried])
        return parts

    def composable(self, ctx: Context, call: cst.Call, spec: Replacement) -> bool:
        """Several parts outside a list need the family's Compose: an import of it, or a free name."""
        if len(spec.parts) == 1 or self.in_list(ctx, call):
            return True
        module = spec.compose.rsplit(".", 1)[0]
        return ctx.module_level_name(module) is not None or name_is_free(module.split(".")[0], ctx.index)


def _without_seed(args) -> list[cst.Arg]:
    """The op's own arguments but its seed: `RandomCrop(h, w, seed=1)` -> `CenterCrop(h, w)`."""
    kept = [a for a in args if not (a.keyword is not None and a.keyword.value == "seed")]
    if kept:
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return kept


class _Substitute(cst.CSTTransformer):
    """Put nodes in place of placeholder names in a parsed template."""

    def __init__(self, values: dict[str, cst.BaseExpression]):
        super().__init__()
        self.values = values

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self.values.get(original_node.value, updated_node)


class DisableRandomOps(Fixer):
    """Every other random data op is taken out together with every use of it: out of list literals,
    out of lists built from a name bound to it, and a `map(...)` statement that only applies it is
    disabled whole. A value that only carries random ops (a list of them, a Compose of such a list, a
    name bound once to one) is dead too. Where a use cannot be removed safely (passed to a function,
    unpacked from a tuple), nothing is changed and the op is reported. The project's own random ops
    named in the configuration (`random-data-ops`) count as random ops."""

    fact = DisableOps

    def on_file(self, ctx: Context, facts: list[tuple[DisableOps, Rule]]) -> None:
        for fact, rule in facts:
            roots, undecided = {}, {}
            for call, name in ctx.named_calls:
                if ctx.configured(name, ctx.options.random_data_ops):
                    roots[call] = name
                elif name in fact.ops:
                    chance = fact.chances.get(short(name))
                    verdict = chance_of(ctx, call, chance)
                    if verdict in (RANDOM, UNKNOWN):
                        roots[call] = name
                    if verdict == UNKNOWN:  # removed as the procedure says, saying what might have kept it
                        undecided[call] = _undecided(ctx, call, chance)
            if roots:
                _Disabling(ctx, fact, rule, roots, undecided).plan()


RANDOM, FIXED, UNKNOWN = "random", "fixed", "unknown"


def chance_of(ctx: Context, call: cst.Call, chance: Chance | None) -> str:
    """Is this use of a random op random? FIXED when its arguments make it deterministic
    (probability 0, or probability 1 with every range a single value), UNKNOWN when an argument that
    decides it is not a literal, or may be among `*args`/`**kwargs`."""
    if chance is None:
        return RANDOM
    if cstutil.has_star_args(call) and _probability_state(ctx, call, chance) != FIXED:
        return UNKNOWN  # `RandomColorAdjust(*color_jitter)`: its ranges are in there
    applied = _probability_state(ctx, call, chance)
    if applied != "always":
        return applied
    if chance.applied_is_random:
        return RANDOM
    states = {_range_state(ctx, cstutil.find_arg(call, r.param), r) for r in chance.ranges}
    return RANDOM if RANDOM in states else UNKNOWN if UNKNOWN in states else FIXED


def _undecided(ctx: Context, call: cst.Call, chance: Chance) -> str:
    """The arguments that could have made an op deterministic, as written (`prob=hflip`, `*jitter`)."""
    stars = [arg for arg in call.args if arg.star]
    if stars:
        return ", ".join(ctx.code(arg).rstrip(", ") for arg in stars)
    deciding = {p.name for p in (chance.probability, *(r.param for r in chance.ranges)) if p is not None}
    found = [arg for arg in call.args if arg.star or (arg.keyword is not None and arg.keyword.value in deciding)]
    found += [arg for arg in call.args if arg.keyword is None and not arg.star and arg not in found
              and any(cstutil.find_arg(call, p) is arg for p in (chance.probability, *(r.param for r in chance.ranges))
                      if p is not None)]
    undecided = [arg for arg in found if arg.star or _literal(ctx, arg.value) is None]
    return ", ".join(ctx.code(arg).rstrip(", ") for arg in undecided or found)


def _probability_state(ctx: Context, call: cst.Call, chance: Chance) -> str:
    """"always" (probability 1, or none to give), or what the probability alone decides."""
    if chance.probability is None:
        return "always"
    arg = cstutil.find_arg(call, chance.probability)
    probability = _number(ctx, arg.value) if arg is not None else chance.default
    if probability is None:
        return UNKNOWN
    return FIXED if probability == 0 else "always" if probability == 1 else RANDOM


def _range_state(ctx: Context, arg: cst.Arg | None, spec: Range) -> str:
    if arg is None:
        return spec.absent
    if cstutil.is_literal(arg.value, "None"):
        return FIXED if spec.none_fixed else UNKNOWN
    value = _literal(ctx, arg.value)
    if value is not None:
        return _value_state(value, spec)
    if spec.kind != "offsets" and _equal_ends(ctx, arg.value):  # `(-s, -s)`, whatever s is
        return FIXED
    return UNKNOWN


def _value_state(value, spec: Range) -> str:
    """A literal range: a number, or a sequence of numbers."""
    if isinstance(value, (int, float)):
        return FIXED if spec.kind == "single" or value == 0 else RANDOM
    if not isinstance(value, (tuple, list)) or not all(isinstance(v, (int, float)) for v in value):
        return UNKNOWN
    if spec.kind == "offsets":
        return RANDOM if any(value) else FIXED
    return FIXED if _pairs_equal(list(value)) else RANDOM


def _equal_ends(ctx: Context, node: cst.BaseExpression) -> bool:
    if not isinstance(node, (cst.Tuple, cst.List)):
        return False
    elements = [e.value for e in node.elements if isinstance(e, cst.Element)]
    return _pairs_equal([ctx.code(e) for e in elements]) and all(_pure(e) for e in elements)


def _pairs_equal(values: list) -> bool:
    return len(values) % 2 == 0 and all(values[i] == values[i + 1] for i in range(0, len(values), 2))


def _pure(node: cst.BaseExpression) -> bool:
    """Evaluating it twice gives the same value: names, attributes, numbers and arithmetic of them."""
    if isinstance(node, (cst.Name, cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.Attribute):
        return _pure(node.value)
    if isinstance(node, cst.UnaryOperation):
        return _pure(node.expression)
    if isinstance(node, cst.BinaryOperation):
        return _pure(node.left) and _pure(node.right)
    return False


def _literal(ctx: Context, node: cst.BaseExpression):
    try:
        return ast.literal_eval(ctx.code(node))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _number(ctx: Context, node: cst.BaseExpression) -> float | None:
    value = _literal(ctx, node)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class _Disabling:
    """One table's random ops in one file: what is dead, and how each dead expression goes."""

    def __init__(self, ctx: Context, fact: DisableOps, rule: Rule, roots: dict[cst.Call, str],
                 undecided: dict[cst.Call, str]):
        self.ctx, self.fact, self.rule, self.roots, self.undecided = ctx, fact, rule, roots, undecided

    def plan(self) -> None:
        ctx, rule, roots = self.ctx, self.rule, self.roots
        excluded: set[cst.Call] = set()
        while True:  # leave out every op one of whose uses cannot go, until none is stuck
            dead, killed = self.propagate({c: n for c, n in roots.items() if c not in excluded})
            actions, stuck = self.actions(dead, killed)
            if not stuck:
                break
            for node in stuck:
                self.report_stuck(node, dead[node] - excluded)
                excluded |= dead[node]
        for root, name in roots.items():
            if root in excluded:
                continue
            if root in self.undecided:
                ctx.finding(rule, root, f"{short(name)} disabled: whether it is random depends on "
                                        f"`{self.undecided[root]}`, which reprofix cannot evaluate (only literal "
                                        "arguments can mark it deterministic)")
            else:
                ctx.finding(rule, root, f"{short(name)} disabled")
        for assign in killed:
            ctx.plan.drop_statements[ctx.statement(assign)] = rule.id
        for node in sorted(actions, key=lambda n: ctx.index.order.get(n, 0)):  # comments in source order
            actions[node]()

    def actions(self, dead, killed):
        """How each dead expression whose holder lives goes, and those that cannot go."""
        actions, stuck = {}, []
        for node in dead:
            if self.ctx.holder(node) in dead:
                continue
            action = self.context_action(node, dead, killed)
            if action is None:
                stuck.append(node)
            else:
                actions[node] = action
        return actions, stuck

    def report_stuck(self, node: cst.CSTNode, roots) -> None:
        ctx = self.ctx
        for root in roots:
            ctx.finding(self.rule, root, f"{short(self.roots[root])} is random, but one of its uses cannot be "
                                         f"removed safely (`{ctx.code(ctx.statement(node))}`): remove it by hand",
                        REPORT)

    def propagate(self, roots: dict[cst.Call, str]):
        """Every expression that only carries random data ops: the ops themselves, lists made only
        of them, composers of such lists, and names bound once to such a value (with all uses)."""
        origin: dict[cst.CSTNode, set[cst.Call]] = {call: {call} for call in roots}
        killed: set[cst.Assign] = set()
        while self.dead_lists(origin) | self.dead_composers(origin) | self.dead_names(origin, killed):
            pass  # until nothing more dies
        return origin, killed

    def dead_lists(self, origin) -> bool:
        changed = False
        for lst in self.ctx.index.lists:
            if lst not in origin and lst.elements and all(e.value in origin for e in lst.elements):
                origin[lst] = set().union(*(origin[e.value] for e in lst.elements))
                changed = True
        return changed

    def dead_composers(self, origin) -> bool:
        changed = False
        for call, name in self.ctx.named_calls:
            if call not in origin and name in self.fact.composers and call.args and call.args[0].value in origin:
                origin[call] = set(origin[call.args[0].value])
                changed = True
        return changed

    def dead_names(self, origin, killed: set[cst.Assign]) -> bool:
        changed = False
        for assign in self.ctx.index.assigns:
            if assign in killed or assign.value not in origin:
                continue
            references = self.sole_binding_references(assign)
            if references is not None:
                killed.add(assign)
                for ref in references:
                    origin[ref] = set(origin[assign.value])
                changed = True
        return changed

    def sole_binding_references(self, assign: cst.Assign):
        """The uses of `x` for `x = value` when that is x's only binding in its scope."""
        if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
            return None
        if self.ctx.lone_small_statement(assign) is None:
            return None
        return self.ctx.index.sole_binding_uses(assign.targets[0].target)

    def context_action(self, node, dead, killed):  # noqa: C901 - one case per kind of holder, each short
        """How to take away a dead expression whose parent is alive, or None if it cannot be done."""
        ctx, rule = self.ctx, self.rule
        parent = ctx.parent(node)
        if isinstance(parent, cst.Element):
            return (lambda: self.drop_element(node)) if isinstance(ctx.parent(parent), cst.List) else None
        if isinstance(parent, cst.Assign) and parent.value is node:
            if parent in killed:
                return lambda: None
            return (lambda: self.empty_list(node)) if isinstance(node, cst.List) else None
        if isinstance(parent, cst.Call) and parent.func is node and parent.args and not parent.args[0].keyword:
            # a layer applied where it is built, or through its name: `x = RandomFlip()(x)` -> `x = x`
            if len(parent.args) == 1 and not parent.args[0].star:
                return lambda: ctx.give_way(parent, lambda call: call.args[0].value, rule)
            return None
        if isinstance(parent, cst.AugAssign) and parent.value is node:
            small = ctx.lone_small_statement(parent)
            return None if small is None else (lambda: ctx.drop_statement(small, rule))
        if isinstance(parent, cst.Arg):
            return self.argument_action(parent)
        return None

    def argument_action(self, arg: cst.Arg):
        """A dead argument: `ops.append(op)` goes, `data.map(operations=op)` goes as a statement."""
        ctx, rule = self.ctx, self.rule
        call = ctx.parent(arg)
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return None
        method = call.func.attr.value
        if method in ("append", "extend", "insert") and isinstance(ctx.parent(call), cst.Expr):
            small = ctx.lone_small_statement(call)
            return None if small is None else (lambda: ctx.drop_statement(small, rule))
        if method in self.fact.map_methods and _is_operations_arg(call, arg):
            return lambda: ctx.give_way(call, lambda node: node.func.value, rule)
        return None

    def drop_element(self, node: cst.BaseExpression) -> None:
        self.ctx.plan.drop_elements.add(node)
        self.ctx.comment(node, self.rule, f"removed from list: {self.ctx.code(node)}")

    def empty_list(self, node: cst.List) -> None:
        self.ctx.plan.replace[node] = lambda updated: updated.with_changes(elements=[])
        for element in node.elements:
            self.ctx.comment(node, self.rule, f"removed from list: {self.ctx.code(element.value)}")


def _is_operations_arg(call: cst.Call, arg: cst.Arg) -> bool:
    return (arg.keyword is not None and arg.keyword.value == "operations") or (
        arg.keyword is None and not arg.star and call.args and call.args[0] is arg
    )
