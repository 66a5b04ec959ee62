"""One pass over one parsed file: find what a framework table knows, plan the rewrite, apply it.

`Analysis` reads the file's `FileIndex` (one walk: parents, import aliases, bindings, the nodes rules
look at) and turns what it finds into a `Plan` keyed by original nodes.
`Applier` then rebuilds the tree from the plan in a single transform. Nothing here names a framework:
every fact comes from a `FrameworkTable`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from . import cstutil
from .index import FileIndex
from .rule import NOTE, REPORT, REWRITE, Finding
from .table import FrameworkTable, Param, Replacement

SEED_BLOCK_START = "# >>> reprofix: reproducibility block, remove with `reprofix revert` >>>"
SEED_BLOCK_END = "# <<< reprofix <<<"

# Names of settings that a random value must not feed (the procedure's step 2).
HYPERPARAMETER = re.compile(
    r"(^|_)(lr|learning_rate|rate|momentum|decay|eps|epsilon|beta\d?|batch(_size)?|epochs?|steps?"
    r"|warmup\w*|drop\w*|scale|alpha|gamma|weight_decay|loss_scale|clip\w*)($|_)",
    re.IGNORECASE,
)
RNG_MODULES = ("random", "numpy")  # their Random* names are generators, seeded by the seed block
UNFIXED_SEED_SOURCES = frozenset({"time.time", "time.time_ns", "os.getpid", "os.urandom", "uuid.uuid4"})

Replace = Callable[[cst.CSTNode], cst.CSTNode]


@dataclass
class Plan:
    arg_edits: dict[cst.Call, list[tuple[Param, cst.BaseExpression]]] = field(default_factory=dict)
    replace: dict[cst.CSTNode, Replace] = field(default_factory=dict)
    splice: dict[cst.BaseExpression, list[cst.BaseExpression]] = field(default_factory=dict)
    drop_elements: set[cst.BaseExpression] = field(default_factory=set)
    drop_statements: dict[cst.CSTNode, str] = field(default_factory=dict)  # statement -> rule id
    comments: dict[cst.CSTNode, list[cst.EmptyLine]] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


class Analysis:
    def __init__(self, table: FrameworkTable, index: FileIndex, options, framework_roots: tuple[str, ...] = ()):
        self.t = table
        self.foreign = tuple(framework_roots) + RNG_MODULES  # names under these are never project classes
        self.index = index
        self.module = index.module
        self.options = options
        self.seed = options.seed
        self.plan = Plan()
        self.calls: list[tuple[cst.Call, str]] = []
        self.method_calls: list[cst.Call] = []
        self.lists = index.lists
        self.assigns = index.assigns
        self.first_source: cst.Call | None = None
        self.pending: list[tuple[str, cst.CSTNode, str, str]] = []  # findings before positions

    def run(self) -> Plan:
        for call in self.index.calls:
            self.collect_call(call)
        for node in self.index.classes:
            self.check_class(node)
        for node in self.index.comparisons:
            self.check_comparison(node)
        for node in self.index.dels:
            self.check_del(node)
        for node in self.index.assigns:
            self.fix_attribute(node)
        self.plan_data_ops()
        for call, name in self.calls:
            self.plan_call(call, name)
        for call in self.method_calls:
            self.plan_method(call)
        return self.plan

    def enabled(self, rule: str) -> bool:
        return rule not in self.options.disabled

    def configured(self, name: str, entries: tuple[str, ...]) -> bool:
        """Does a name match one of the project's own classes named in the configuration?"""
        name = name.lstrip(".")
        return any(name == e or name.endswith("." + e) or e.endswith("." + name) for e in entries)

    def resolve_findings(self, where: dict[cst.CSTNode, tuple[int, int]]) -> None:
        for rule, node, message, kind in self.pending:
            if not self.enabled(rule):
                continue
            line, col = where.get(node, (0, 0))
            self.plan.findings.append(Finding(rule, line, col, message, kind))
        self.plan.findings.sort(key=lambda f: (f.line, f.col, f.rule))

    # ---- metadata helpers -------------------------------------------------------------------
    def qualname(self, node: cst.CSTNode) -> str | None:
        """The qualified name through the file's imports; None for names the file binds itself."""
        head = node
        while isinstance(head, cst.Attribute):
            head = head.value
        if not isinstance(head, cst.Name):
            return None
        bound = self.index.binding_statements(head)
        if bound and not all(isinstance(b, (cst.Import, cst.ImportFrom)) for b in bound):
            return None
        return self.index.qualname(node)

    def local_class_name(self, node: cst.CSTNode) -> str | None:
        """The name of a class or function the file defines itself."""
        if isinstance(node, cst.Name):
            bound = self.index.binding_statements(node)
            if any(isinstance(b, (cst.ClassDef, cst.FunctionDef)) for b in bound):
                return node.value
        return None

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.index.parents.get(node)

    def holder(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The expression holding `node`: its parent, the list of the element it is, or the call of
        the argument it is."""
        parent = self.parent(node)
        return self.parent(parent) if isinstance(parent, (cst.Element, cst.Arg)) else parent

    def statement(self, node: cst.CSTNode) -> cst.CSTNode:
        current = node
        while not isinstance(current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            current = self.parent(current)
        return current

    def lone_small_statement(self, node: cst.CSTNode) -> cst.BaseSmallStatement | None:
        """The small statement holding `node` if it stands alone on its line (so it can be removed)."""
        current = node
        while not isinstance(current, cst.BaseSmallStatement):
            current = self.parent(current)
            if current is None or isinstance(current, cst.BaseCompoundStatement):
                return None
        line = self.parent(current)
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
            return current
        return None

    def code(self, node: cst.CSTNode) -> str:
        if isinstance(node, cst.SimpleStatementLine):
            node = node.with_changes(leading_lines=())
        return self.module.code_for_node(node).strip()

    def finding(self, rule: str, node: cst.CSTNode, message: str, kind: str = REWRITE) -> None:
        self.pending.append((rule, node, message, kind))

    def comment(self, node: cst.CSTNode, rule: str, text: str) -> None:
        stmt = self.statement(node)
        self.plan.comments.setdefault(stmt, []).extend(cstutil.comment_lines(rule, text))

    def edit_arg(self, call: cst.Call, param: Param, value: str) -> bool:
        """Plan `param=value` on `call`; False if it already holds."""
        current = cstutil.find_arg(call, param)
        if current is not None and cstutil.is_literal(current.value, value):
            return False
        self.plan.arg_edits.setdefault(call, []).append((param, cst.parse_expression(value)))
        return True

    # ---- collection -------------------------------------------------------------------------
    def collect_call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and not self.is_module(func.value):
            self.method_calls.append(node)  # data.map(...), self.drop(x), ds.Mnist(p).shuffle(4)
            return
        name = self.qualname(func) or self.local_class_name(func)
        if name is None:
            return
        self.calls.append((node, name))
        if name.split(".")[0] not in self.t.import_roots + self.foreign:
            self.check_project_class(node, name)
            self.check_library_augmentation(node, name)

    def check_class(self, node: cst.ClassDef) -> None:
        for base in node.bases:
            name = self.qualname(base.value)
            if name in self.t.dropout_layers or name in self.t.random_data_ops:
                self.finding(
                    self.t.rule("project_class"),
                    node.name,
                    f"class {node.name.value} subclasses {name}: reprofix leaves project classes alone; "
                    "make it a no-op while debugging",
                    REPORT,
                )

    def check_comparison(self, node: cst.Comparison) -> None:
        # `if args.seed is not None:` with a default of None leaves the run unseeded.
        if (
            len(node.comparisons) == 1
            and isinstance(node.comparisons[0].operator, cst.IsNot)
            and cstutil.is_literal(node.comparisons[0].comparator, "None")
            and _ends_with_seed(node.left)
        ):
            self.finding(
                self.t.rule("unfixed_seed"),
                node,
                f"`{self.code(node)}`: the seed is optional, so a run without it is not seeded; "
                "the seed block fixes it, or give the option a non-zero default",
                REPORT,
            )

    def fix_attribute(self, node: cst.Assign) -> None:
        """`torch.backends.cudnn.benchmark = True` and the like: the value the table wants."""
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Attribute):
            return
        target = node.targets[0].target
        name = self.qualname(target)
        if name in self.t.attribute_fixes:
            value, role = self.t.attribute_fixes[name]
        elif target.attr.value in self.t.attribute_name_fixes:
            name = target.attr.value
            value, role = self.t.attribute_name_fixes[name]
        else:
            return
        if self.enabled(self.t.rule(role)) and not cstutil.is_literal(node.value, value):
            self.plan.replace[node.value] = lambda _, v=value: cst.parse_expression(v)
            self.finding(self.t.rule(role), node, f"{_short(name)} = {value}")

    def check_del(self, node: cst.Del) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and self.from_checkpoint(target.value):
            self.finding(
                self.t.rule("checkpoint_pop"),
                node,
                "a key is deleted from a loaded checkpoint: load the fixed checkpoint completely",
                REPORT,
            )

    # ---- planning ---------------------------------------------------------------------------
    def plan_call(self, call: cst.Call, name: str) -> None:
        t = self.t
        if call in self.plan.replace or self.removed(call):
            return
        if name in t.sources:
            self.plan_source(call, name)
        elif name in t.dropout_layers or self.configured(name, self.options.dropout_classes):
            if self.enabled(t.rule("dropout_layer")):
                self.plan_dropout_layer(call, name)
        elif name in t.dropout_functions:
            if self.enabled(t.rule("dropout_function")):
                self.plan_dropout_function(call, name)
        elif name in t.dropout_primitives:
            if self.enabled(t.rule("dropout_primitive")) and self.edit_arg(call, t.dropout_primitives[name], "1.0"):
                self.finding(t.rule("dropout_primitive"), call, f"{_short(name)}: keep_prob=1.0")
        elif name in t.seeded_ops:
            if self.enabled(t.rule("random_op_seed")):
                self.plan_seed(call, name)
        elif name in t.unseedable_ops:
            self.finding(
                t.rule("unseedable"),
                call,
                f"{_short(name)} takes no seed: remove it or replace it while debugging",
                REPORT,
            )
        elif name in t.worker_setters:
            if self.enabled(t.rule("workers")) and self.edit_arg(call, t.worker_setters[name], "1"):
                self.finding(t.rule("workers"), call, f"{_short(name)}(1)")
        elif name in t.reported_calls:
            role, advice = t.reported_calls[name]
            self.finding(t.rule(role), call, f"{_short(name)}: {advice}", REPORT)
        elif name in t.argument_fixes:
            for fix in t.argument_fixes[name]:
                if not self.enabled(t.rule(fix.role)) or cstutil.has_star_args(call):
                    continue
                if fix.only_if_given and cstutil.find_arg(call, fix.param) is None:
                    continue
                if self.edit_arg(call, fix.param, fix.value):
                    self.finding(t.rule(fix.role), call, f"{_short(name)}: {fix.param.name}={fix.value}")
        elif name in t.seed_functions:
            self.check_seed_call(call, name)
        elif name in t.random_value_functions:
            self.check_random_value(call, name)
        if name in t.ascend_nondeterministic:
            self.finding(
                t.rule("ascend"),
                call,
                f"{_short(name)} is slightly nondeterministic on Ascend (the procedure's list); "
                "expect tiny differences there",
                NOTE,
            )

    # data ops: replaced, or disabled together with every use of them ----------------------------
    def plan_data_ops(self) -> None:
        roots: dict[cst.Call, str] = {}
        disable = self.t.rule("random_data_op")
        for call, name in self.calls:
            spec = self.t.random_data_ops.get(name)
            if isinstance(spec, Replacement):
                if self.enabled(spec.rule):
                    self.plan_replacement(call, name, spec)
            elif (isinstance(spec, str) or self.configured(name, self.options.random_data_ops)) and self.enabled(disable):
                roots[call] = name
        excluded: set[cst.Call] = set()
        while True:
            dead, killed = self.propagate({c: n for c, n in roots.items() if c not in excluded})
            actions, stuck = {}, []
            for node in dead:
                if self.holder(node) in dead:
                    continue
                action = self.context_action(node, dead, killed)
                if action is None:
                    stuck.append(node)
                else:
                    actions[node] = action
            if not stuck:
                break
            for node in stuck:
                for root in dead[node] - excluded:
                    self.finding(
                        disable,
                        root,
                        f"{_short(roots[root])} is random, but one of its uses cannot be removed safely "
                        f"(`{self.code(self.statement(node))}`): remove it by hand",
                        REPORT,
                    )
                excluded |= dead[node]
        for root, name in roots.items():
            if root not in excluded:
                self.finding(disable, root, f"{_short(name)} disabled")
        for assign, rule in killed.items():
            self.plan.drop_statements[self.statement(assign)] = rule
        for node in sorted(actions, key=lambda n: self.index.order.get(n, 0)):  # comments in source order
            actions[node]()

    def propagate(self, roots: dict[cst.Call, str]):
        """Every expression that only carries random data ops: the ops themselves, lists made only
        of them, composers of such lists, and names bound once to such a value (with all uses)."""
        origin: dict[cst.CSTNode, set[cst.Call]] = {call: {call} for call in roots}
        killed: dict[cst.Assign, str] = {}
        changed = True
        while changed:
            changed = False
            for lst in self.lists:
                if lst not in origin and lst.elements and all(e.value in origin for e in lst.elements):
                    origin[lst] = set().union(*(origin[e.value] for e in lst.elements))
                    changed = True
            for call, name in self.calls:
                if call not in origin and name in self.t.composers and call.args:
                    first = call.args[0].value
                    if first in origin:
                        origin[call] = set(origin[first])
                        changed = True
            for assign in self.assigns:
                if assign in killed or assign.value not in origin:
                    continue
                references = self.sole_binding_references(assign)
                if references is None:
                    continue
                killed[assign] = self.t.rule("random_data_op")
                for ref in references:
                    origin[ref] = set(origin[assign.value])
                changed = True
        return origin, killed

    def sole_binding_references(self, assign: cst.Assign):
        """The uses of `x` for `x = value` when that is x's only binding in its scope."""
        if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
            return None
        if self.lone_small_statement(assign) is None:
            return None
        return self.index.sole_binding_uses(assign.targets[0].target)

    def context_action(self, node, dead, killed):
        """How to take away a dead expression whose parent is alive, or None if it cannot be done."""
        parent = self.parent(node)
        rule = self.t.rule("random_data_op")
        if isinstance(parent, cst.Element):
            holder = self.parent(parent)
            if isinstance(holder, cst.List):
                return lambda: self.drop_element(node, rule)
            return None
        if isinstance(parent, cst.Assign) and parent.value is node:
            if parent in killed:
                return lambda: None
            if isinstance(node, cst.List):
                return lambda: self.empty_list(node, rule)
            return None
        if isinstance(parent, cst.Call) and parent.func is node and parent.args and not parent.args[0].keyword:
            # a layer applied where it is built, or through its name: `x = RandomFlip()(x)` -> `x = x`
            if len(parent.args) == 1 and not parent.args[0].star:
                return lambda: self.give_way(parent, lambda call: call.args[0].value, rule)
            return None
        if isinstance(parent, cst.AugAssign) and parent.value is node:
            small = self.lone_small_statement(parent)
            return None if small is None else (lambda: self.drop_statement(small, rule))
        if isinstance(parent, cst.Arg):
            call = self.parent(parent)
            if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
                return None
            method = call.func.attr.value
            if method in ("append", "extend", "insert") and isinstance(self.parent(call), cst.Expr):
                small = self.lone_small_statement(call)
                return None if small is None else (lambda: self.drop_statement(small, rule))
            if method in self.t.map_methods and self.is_operations_arg(call, parent):
                return lambda: self.drop_method_call(call, rule)
        return None

    def is_operations_arg(self, call: cst.Call, arg: cst.Arg) -> bool:
        return (arg.keyword is not None and arg.keyword.value == "operations") or (
            arg.keyword is None and not arg.star and call.args and call.args[0] is arg
        )

    def drop_element(self, node: cst.BaseExpression, rule: str) -> None:
        self.plan.drop_elements.add(node)
        self.comment(node, rule, f"removed from list: {self.code(node)}")

    def empty_list(self, node: cst.List, rule: str) -> None:
        self.plan.replace[node] = lambda updated: updated.with_changes(elements=[])
        for element in node.elements:
            self.comment(node, rule, f"removed from list: {self.code(element.value)}")

    def drop_statement(self, small: cst.BaseSmallStatement, rule: str) -> None:
        self.plan.drop_statements[self.parent(small)] = rule

    def drop_method_call(self, call: cst.Call, rule: str) -> None:
        """`data.shuffle(64).split(...)` becomes `data.split(...)`."""
        self.give_way(call, lambda node: node.func.value, rule)

    def give_way(self, call: cst.Call, pick: Callable[[cst.Call], cst.BaseExpression], rule: str) -> None:
        """Replace `call` by a part of it (`pick` finds the part, in the original at planning time
        and in the rebuilt call later, so rewrites inside it are kept); where that would leave
        `x = x`, comment the statement out instead."""
        value = pick(call)
        parent = self.parent(call)
        if (
            isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(value, cst.Name)
            and isinstance(parent.targets[0].target, cst.Name)
            and parent.targets[0].target.value == value.value
            and self.lone_small_statement(parent) is not None
        ):
            self.plan.drop_statements[self.parent(parent)] = rule
            return
        self.plan.replace[call] = pick
        self.comment(call, rule, f"was: {self.code(call)}")

    def plan_replacement(self, call: cst.Call, name: str, spec: Replacement) -> None:
        size = cstutil.find_arg(call, Param("size", 0)) if not spec.keep_arguments else (call.args or [None])[0]
        module = name.rsplit(".", 1)[0]
        ref = self.module_ref(module, call.func)
        compose_module, compose_name = spec.compose.rsplit(".", 1)
        in_list = isinstance(self.parent(call), cst.Element) and isinstance(
            self.parent(self.parent(call)), cst.List
        )
        compose_ref = None if in_list or len(spec.parts) == 1 else self.module_ref(compose_module, None)
        if size is None or ref is None or (compose_ref is None and not in_list and len(spec.parts) > 1):
            self.finding(
                spec.rule,
                call,
                f"{_short(name)} could not be rewritten here (no size argument, or no way to name "
                "its module): replace it by hand",
                REPORT,
            )
            return
        parts = [
            cst.parse_expression(
                "__module__." + template.format(size="__size__")
            ).visit(_Substitute({"__module__": ref, "__size__": size.value}))
            for template in spec.parts
        ]
        if spec.keep_arguments:  # the same arguments, but no seed: `RandomCrop(h, w, seed=1)` -> `CenterCrop(h, w)`
            kept = [a for a in call.args if not (a.keyword is not None and a.keyword.value == "seed")]
            if kept:
                kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            parts = [p.with_changes(args=kept) for p in parts]
        if in_list:
            self.plan.splice[call] = parts
        elif len(parts) == 1:
            self.plan.replace[call] = lambda updated, new=parts[0]: new
        else:
            composed = cst.Call(
                func=cst.Attribute(value=compose_ref, attr=cst.Name(compose_name)),
                args=[cst.Arg(cst.List([cst.Element(p) for p in parts]))],
            )
            self.plan.replace[call] = lambda updated, new=composed: new
        self.comment(call, spec.rule, f"was: {self.code(call)}")
        replacement = ", ".join(self.module.code_for_node(p) for p in parts)
        self.finding(spec.rule, call, f"{_short(name)} -> {replacement}")

    # dataset sources and methods ------------------------------------------------------------------
    def plan_source(self, call: cst.Call, name: str) -> None:
        t = self.t
        params = t.sources[name]

        def param(p: str) -> Param:
            return Param(p, params.index(p) if p in params else None)

        short = _short(name)
        if self.first_source is None and t.resume_hint:
            self.first_source = call
            self.finding(t.rule("resume"), call, t.resume_hint, NOTE)
        kwargs = self.kwargs_dict(call)
        if cstutil.has_star_args(call) and kwargs is None:
            wanted = ", ".join(f"{s.param}={s.value}" for s in t.source_settings if not s.only_if_given)
            self.finding(t.rule("source_shuffle"), call,
                         f"{short} gets *args/**kwargs: make sure they carry {wanted}", REPORT)
            return
        sampler = None
        for sampler_param in t.sampler_params:
            found = cstutil.find_arg(call, param(sampler_param)) if sampler_param in params else None
            found = found or (kwargs or {}).get(sampler_param)
            if found is not None and not cstutil.is_literal(found.value, "None"):
                sampler = found
        if sampler is not None and self.enabled(t.rule("sampler")):
            self.plan_sampler(call, short, sampler.value)
        for setting in t.source_settings:
            if setting.param not in params or not self.enabled(t.rule(setting.role)):
                continue
            if setting.unless_sampler and sampler is not None:
                continue
            in_dict = (kwargs or {}).get(setting.param)
            if in_dict is not None:  # DataLoader(data, **loader_args) with loader_args a dict literal here
                if not cstutil.is_literal(in_dict.value, setting.value):
                    self.plan.replace[in_dict.value] = lambda _, v=setting.value: cst.parse_expression(v)
                    self.finding(t.rule(setting.role), in_dict, f"{short}: {setting.param}={setting.value} (in the dict passed as **kwargs)")
                continue
            if setting.only_if_given and cstutil.find_arg(call, param(setting.param)) is None:
                continue
            if self.edit_arg(call, param(setting.param), setting.value):
                self.finding(t.rule(setting.role), call, f"{short}: {setting.param}={setting.value}")

    def kwargs_dict(self, call: cst.Call) -> dict[str, cst.DictElement] | None:
        """For `f(..., **name)` with `name` bound once, in this scope, to a dict literal with string
        keys: its elements by key. None otherwise (also when there is no ** argument)."""
        stars = [a for a in call.args if a.star == "**"]
        if len(stars) != 1 or any(a.star == "*" for a in call.args) or not isinstance(stars[0].value, cst.Name):
            return None
        bindings = self.index.binding_statements(stars[0].value)
        if len(bindings) != 1 or not isinstance(bindings[0], cst.AssignTarget):
            return None
        assign = self.parent(bindings[0])
        if not isinstance(assign, cst.Assign) or not isinstance(assign.value, cst.Dict):
            return None
        elements = {}
        for element in assign.value.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
                return None
            elements[element.key.evaluated_value] = element
        return elements

    def plan_sampler(self, source: cst.Call, short: str, sampler: cst.BaseExpression) -> None:
        rule = self.t.rule("sampler")
        name = self.qualname(sampler.func) if isinstance(sampler, cst.Call) else None
        fix = self.t.samplers.get(name) if name else None
        if fix is None or cstutil.has_star_args(sampler):
            self.finding(
                rule,
                sampler,
                f"{short} takes sampler `{self.code(sampler)}`: make it sequential by hand "
                "(MindSpore refuses shuffle= together with sampler=)",
                REPORT,
            )
            return
        if fix.action == "no_shuffle":
            if self.edit_arg(sampler, fix.shuffle, "False"):
                self.finding(rule, sampler, f"{_short(name)}: shuffle=False")
        elif fix.action == "rename":
            kept = [cstutil.find_arg(sampler, p) for p in fix.keep]
            new_module, new_name = fix.rename_to.rsplit(".", 1)
            ref = self.module_ref(new_module, sampler.func)
            if ref is None:
                self.finding(rule, sampler, f"replace {_short(name)} by {new_name} by hand", REPORT)
                return
            new = cst.Call(func=cst.Attribute(value=ref, attr=cst.Name(new_name)))
            for param, arg in zip(fix.keep, kept):
                if arg is not None and arg.keyword is None:  # positional stays positional
                    new = cstutil.append_positional(new, arg.value)
                elif arg is not None:
                    new = cstutil.set_arg(new, Param(param.name, None), arg.value)
            self.plan.replace[sampler] = lambda updated, new=new: new
            self.comment(sampler, rule, f"was: {self.code(sampler)}")
            self.finding(rule, sampler, f"{_short(name)} -> {new_name}")

    def plan_method(self, call: cst.Call) -> None:
        t = self.t
        func = call.func
        method = func.attr.value
        if self.removed(call) or call in self.plan.replace:
            return
        if method == "pop" and self.from_checkpoint(func.value):
            self.finding(
                t.rule("checkpoint_pop"),
                call,
                "a key is popped from a loaded checkpoint: load the fixed checkpoint completely",
                REPORT,
            )
            return
        keywords = {a.keyword.value for a in call.args if a.keyword is not None}
        if method in t.shuffle_methods and call.args and not isinstance(self.parent(call), cst.Expr):
            if not self.enabled(t.rule("shuffle_call")):
                return
            self.drop_method_call(call, t.rule("shuffle_call"))
            self.finding(t.rule("shuffle_call"), call, f".{method}(...) disabled")
            return
        if method in t.method_fixes:
            required, fixes = t.method_fixes[method]
            # a method name alone proves little (`pool.map`, sklearn's `fit`): the call must pass one of
            # the framework's keywords, or, where the table names none, at least one argument
            if (not keywords & required if required else not call.args) or cstutil.has_star_star(call):
                return
            for fix in fixes:
                if not self.enabled(t.rule(fix.role)):
                    continue
                if fix.only_if_given and cstutil.find_arg(call, fix.param) is None:
                    continue
                if self.edit_arg(call, fix.param, fix.value):
                    self.finding(t.rule(fix.role), call, f".{method}(...): {fix.param.name}={fix.value}")

    def module_level_name(self, module: str) -> str | None:
        """A module-level name an import binds to `module`, if there is one."""
        for local, target in self.index.aliases.items():
            if target == module and self.index.bound_at_module(local) == {module}:
                return local
        return None

    def is_module(self, node: cst.CSTNode) -> bool:
        return isinstance(node, (cst.Name, cst.Attribute)) and self.qualname(node) is not None

    def removed(self, node: cst.CSTNode) -> bool:
        return self.statement(node) in self.plan.drop_statements

    # network ---------------------------------------------------------------------------------
    def plan_dropout_layer(self, call: cst.Call, name: str) -> None:
        target = self.t.dropout_layers.get(name) or next(iter(self.t.dropout_layers.values()))
        module, identity = target.rsplit(".", 1)
        ref = self.module_ref(module, call.func)
        if ref is None:
            self.finding(self.t.rule("dropout_layer"), call, f"replace {_short(name)} by hand", REPORT)
            return
        new = cst.Call(func=cst.Attribute(value=ref, attr=cst.Name(identity)))
        self.plan.replace[call] = lambda updated, new=new: new
        self.comment(call, self.t.rule("dropout_layer"), f"was: {self.code(call)}")
        self.finding(self.t.rule("dropout_layer"), call, f"{_short(name)} -> {identity}()")

    def plan_dropout_function(self, call: cst.Call, name: str) -> None:
        param = self.t.dropout_functions[name]
        if cstutil.find_arg(call, param) is None or cstutil.has_star_args(call):
            self.finding(self.t.rule("dropout_function"), call, f"remove {_short(name)} by hand", REPORT)
            return

        def pick(node: cst.Call) -> cst.BaseExpression:
            value = cstutil.find_arg(node, param).value
            if isinstance(value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)) or value.lpar:
                return value
            return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])  # keep precedence

        self.give_way(call, pick, self.t.rule("dropout_function"))
        self.finding(self.t.rule("dropout_function"), call, f"{_short(name)}(x, ...) -> x")

    def plan_seed(self, call: cst.Call, name: str) -> None:
        if cstutil.has_star_args(call):
            return
        changed = []
        for param in self.t.seeded_ops[name]:
            arg = cstutil.find_arg(call, param)
            if arg is None or cstutil.is_literal(arg.value, "0") or cstutil.is_literal(arg.value, "None"):
                self.plan.arg_edits.setdefault(call, []).append((param, cst.Integer(str(self.seed))))
                changed.append(f"{param.name}={self.seed}")
        if changed:
            self.finding(self.t.rule("random_op_seed"), call, f"{_short(name)}: {', '.join(changed)}")

    # reports only ----------------------------------------------------------------------------
    def check_project_class(self, call: cst.Call, local: str) -> None:
        if self.configured(local, self.options.dropout_classes + self.options.random_data_ops):
            return
        short = local.rsplit(".", 1)[-1]
        random_name = any(
            short.startswith(p) and short[len(p) : len(p) + 1].isupper() for p in self.t.random_name_prefixes
        )
        if random_name or self.t.dropout_name_part in short:
            self.finding(
                self.t.rule("project_class"),
                call,
                f"{local} is not {self.t.name}'s, so it is left alone: if it is random, make it "
                "deterministic while debugging",
                REPORT,
            )

    def check_library_augmentation(self, call: cst.Call, name: str) -> None:
        """A library function asked to build randomness (`create_transforms(is_training=True)`)."""
        root = name.split(".")[0]
        if name.startswith(".") or root in self.options.project_modules or self.local_class_name(call.func):
            return
        for arg in call.args:
            if arg.keyword is None:
                continue
            wanted = self.t.augmentation_keywords.get(arg.keyword.value)
            if wanted is not None and not cstutil.is_literal(arg.value, wanted):
                self.finding(
                    self.t.rule("library_augmentation"),
                    arg,
                    f"{name}(..., {arg.keyword.value}={self.code(arg.value)}) builds randomness inside a "
                    f"library reprofix does not edit: pass {arg.keyword.value}={wanted} while debugging",
                    REPORT,
                )

    def check_seed_call(self, call: cst.Call, name: str) -> None:
        if call.args and self.draws_random(call.args[0].value):
            self.finding(
                self.t.rule("unfixed_seed"),
                call,
                f"{_short(name)} gets a seed that changes every run: use a fixed non-zero seed",
                REPORT,
            )

    def check_random_value(self, call: cst.Call, name: str) -> None:
        target = self.value_target(call)
        if target is None:
            return
        if "seed" in target.lower():
            self.finding(
                self.t.rule("unfixed_seed"),
                call,
                f"`{target}` is drawn at random ({_short(name)}): use a fixed non-zero seed",
                REPORT,
            )
        elif HYPERPARAMETER.search(target):
            self.finding(
                self.t.rule("random_hyperparameter"),
                call,
                f"`{target}` is drawn at random ({name}): fix the value while debugging",
                REPORT,
            )

    def value_target(self, node: cst.CSTNode) -> str | None:
        """The name a value is assigned or passed to: `lr = ...`, `f(lr=...)`, `self.lr = ...`."""
        current = node
        while True:
            parent = self.parent(current)
            if parent is None or isinstance(parent, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
                break
            if isinstance(parent, cst.Arg) and parent.keyword is not None:
                return parent.keyword.value
            current = parent
        if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            targets = parent.targets if isinstance(parent, cst.Assign) else [parent]
            target = targets[0].target
            if isinstance(target, cst.Attribute):
                return target.attr.value
            if isinstance(target, cst.Name):
                return target.value
        return None

    def draws_random(self, node: cst.CSTNode) -> bool:
        """True if `node` contains a call that draws a random or changing value."""
        for call in self.index.calls:
            if self.inside(call, node):
                name = self.qualname(call.func)
                if name in self.t.random_value_functions or name in UNFIXED_SEED_SOURCES:
                    return True
        return False

    def inside(self, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
        while node is not None:
            if node is ancestor:
                return True
            node = self.parent(node)
        return False

    def from_checkpoint(self, node: cst.CSTNode) -> bool:
        """True if `node` is a name bound to a checkpoint loader's result in its scope."""
        if not isinstance(node, cst.Name):
            return False
        for binding in self.index.binding_statements(node):
            holder = self.parent(binding) if isinstance(binding, cst.AssignTarget) else None
            if isinstance(holder, cst.Assign) and isinstance(holder.value, cst.Call):
                if self.qualname(holder.value.func) in self.t.checkpoint_loaders:
                    return True
        return False

    # names -----------------------------------------------------------------------------------
    def module_ref(self, module: str, callee: cst.BaseExpression | None) -> cst.BaseExpression | None:
        """An expression naming `module` in this file: the callee's own prefix, an existing import,
        or a new `import module` when its top-level name is free."""
        if isinstance(callee, cst.Attribute) and self.qualname(callee.value) == module:
            return callee.value.deep_clone()
        local = self.module_level_name(module)
        if local is not None:
            return cst.Name(local)
        if name_is_free(module.split(".")[0], self.index):
            if module not in self.plan.imports:
                self.plan.imports.append(module)
            return cstutil.dotted(module)
        return None




def name_is_free(root: str, index: FileIndex) -> bool:
    """True if `import root...` would not rebind a module-level name to something else."""
    return index.bound_at_module(root) <= {root}


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _ends_with_seed(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return "seed" in node.value.lower()
    if isinstance(node, cst.Attribute):
        return "seed" in node.attr.value.lower()
    return False


class _Substitute(cst.CSTTransformer):
    """Put nodes in place of placeholder names in a parsed template."""

    def __init__(self, values: dict[str, cst.BaseExpression]):
        super().__init__()
        self.values = values

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self.values.get(original_node.value, updated_node)


class Applier(cst.CSTTransformer):
    """Rebuilds the tree from a plan, keyed by the original nodes. Only the changed nodes and their
    ancestors are visited; every other subtree is kept as it is."""

    def __init__(self, plan: Plan, prelude: list[cst.BaseStatement], after_prelude: list[cst.EmptyLine],
                 parents: dict[cst.CSTNode, cst.CSTNode]):
        super().__init__()
        self.plan = plan
        self.prelude = prelude
        self.after_prelude = after_prelude
        self.needed = self.ancestors(plan, parents)

    @staticmethod
    def ancestors(plan: Plan, parents: dict[cst.CSTNode, cst.CSTNode]) -> set[cst.CSTNode]:
        changed = [*plan.arg_edits, *plan.replace, *plan.splice, *plan.drop_elements, *plan.drop_statements,
                   *plan.comments]
        needed: set[cst.CSTNode] = set()
        for node in changed:
            while node is not None and node not in needed:
                needed.add(node)
                node = parents.get(node)
        return needed

    def on_visit(self, node: cst.CSTNode) -> bool:
        return node in self.needed or isinstance(node, cst.Module)

    def on_leave(self, original_node, updated_node):
        plan = self.plan
        if isinstance(original_node, cst.List) and (plan.drop_elements or plan.splice):
            updated_node = self.rebuild_elements(original_node, updated_node)
        if isinstance(original_node, cst.Call) and original_node in plan.arg_edits:
            for param, value in plan.arg_edits[original_node]:
                updated_node = cstutil.set_arg(updated_node, param, value)
        if original_node in plan.replace:
            updated_node = plan.replace[original_node](updated_node)
        if original_node in plan.comments and original_node not in plan.drop_statements:
            updated_node = updated_node.with_changes(
                leading_lines=[*updated_node.leading_lines, *plan.comments[original_node]]
            )
        if isinstance(original_node, (cst.IndentedBlock, cst.Module)):
            updated_node = self.drop_statements(original_node, updated_node)
        if isinstance(original_node, cst.Module) and self.prelude:
            updated_node = self.insert_prelude(updated_node)
        return updated_node

    def insert_prelude(self, module: cst.Module) -> cst.Module:
        body = list(module.body)
        index = cstutil.leading_imports_end(body)
        rest = body[index:]
        footer = module.footer
        if rest:
            rest[0] = rest[0].with_changes(leading_lines=[*self.after_prelude, *rest[0].leading_lines])
        else:
            footer = [*self.after_prelude, *footer]
        return module.with_changes(body=[*body[:index], *self.prelude, *rest], footer=footer)

    def rebuild_elements(self, original: cst.List, updated: cst.List) -> cst.List:
        elements = []
        changed = False
        for old, new in zip(original.elements, updated.elements):
            if old.value in self.plan.drop_elements:
                changed = True
                continue
            if old.value in self.plan.splice:
                changed = True
                parts = self.plan.splice[old.value]
                comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                elements.extend(cst.Element(p, comma=comma) for p in parts[:-1])
                elements.append(new.with_changes(value=parts[-1]))
                continue
            elements.append(new)
        if not changed:
            return updated
        if elements:
            last_comma = updated.elements[-1].comma
            elements[-1] = elements[-1].with_changes(comma=last_comma)
        return updated.with_changes(elements=elements)

    def drop_statements(self, original, updated):
        drops = self.plan.drop_statements
        if not any(stmt in drops for stmt in original.body):
            return updated
        body, pending = [], []
        for old, new in zip(original.body, updated.body):
            if old in drops:
                code = cst.Module(body=[]).code_for_node(old.with_changes(leading_lines=()))
                pending += [*old.leading_lines, *cstutil.comment_lines(drops[old], code)]
                continue
            if pending:
                new = new.with_changes(leading_lines=[*pending, *new.leading_lines])
                pending = []
            body.append(new)
        if pending and not body:
            body.append(cst.SimpleStatementLine([cst.Pass()], leading_lines=pending))
        elif pending:
            return updated.with_changes(body=body, footer=[*pending, *updated.footer])
        return updated.with_changes(body=body)
