"""What every fixer works with: one parsed file, its index, the options, and the plan being built.

`Context` answers the questions fixers ask about the tree (what a name resolves to; which statement
holds a node and what code a node is: its base class, `transforms.tree.Tree`) and records what they
decide: edits go into the `Plan`, findings wait for their positions until every fixer has run.
Nothing here names a framework.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import libcst as cst

from . import cstutil, flow
from .facts import Param
from .parse.index import FileIndex
from .plan import Plan
from .rule import Rule
from .tables import aliases
from .tree import Tree

RNG_MODULES = ("random", "numpy")  # their Random* names are generators, seeded by the seed block


@dataclass
class Context(Tree):
    index: FileIndex
    options: object  # transforms.Options
    tables: dict  # framework name -> its FrameworkTable, for the frameworks the file uses
    foreign: tuple[str, ...]  # import roots whose names are never the project's own classes
    plan: Plan = field(default_factory=Plan)
    pending: list[tuple[str, cst.CSTNode, str, str]] = field(default_factory=list)  # findings before positions
    pending_keys: set[tuple[str, int, str, str]] = field(default_factory=set)  # the same, by node identity
    dict_keys: dict[cst.CSTNode, dict[str, cst.BaseExpression]] = field(default_factory=dict)  # see set_key

    @cached_property
    def known_names(self) -> frozenset[str]:
        """Every qualified name a rule of the file's frameworks reacts to."""
        return frozenset().union(*(table.trigger_names for table in self.tables.values()))

    @cached_property
    def named_calls(self) -> list[tuple[cst.Call, str]]:
        """Calls with the qualified name of what they call: through the file's imports, a class it
        defines, or the simple data flow `transforms.flow` follows (a call that may stand for several
        classes appears once for each). `super().__init__(...)` stands for the known base class.
        Other method calls (`data.map(...)`) are not among them."""
        found = []
        for call in self.index.calls:
            func = call.func
            if isinstance(func, cst.Attribute) and not self.is_module(func.value):
                base = flow.super_init_class(self, call)
                if base is not None:
                    found.append((call, base))
                continue
            found += [(call, name) for name in sorted(flow.callee_names(self, func) or ())]
        return found

    @cached_property
    def method_calls(self) -> list[cst.Call]:
        """Calls of a method of a value (`data.map(...)`, `self.drop(x)`, `ds.Mnist(p).shuffle(4)`)."""
        return [c for c in self.index.calls if isinstance(c.func, cst.Attribute) and not self.is_module(c.func.value)]

    # ---- names ---------------------------------------------------------------------------------
    def qualname(self, node: cst.CSTNode) -> str | None:
        """The qualified name through the file's imports, an alias given as the table's own name
        (`transforms.tables.aliases`); None for names the file binds itself."""
        head = node
        while isinstance(head, cst.Attribute):
            head = head.value
        if not isinstance(head, cst.Name):
            return None
        bound = self.index.binding_statements(head)
        if bound and not all(isinstance(b, (cst.Import, cst.ImportFrom)) for b in bound):
            return None
        name = self.index.qualname(node)
        if name is None:
            return None
        name = aliases.canonical(name)
        return self.options.project_classes.get(_absolute(name, self.options.package), name)

    def local_class_name(self, node: cst.CSTNode) -> str | None:
        """The name of a class or function the file defines itself."""
        if isinstance(node, cst.Name):
            bound = self.index.binding_statements(node)
            if any(isinstance(b, (cst.ClassDef, cst.FunctionDef)) for b in bound):
                return node.value
        return None

    def parameter_position(self, func: cst.BaseExpression, param: str) -> int | None:
        """The position of `param` in the `__init__` of a class this file defines (`self` aside), or
        in a function it defines; None when the file does not define it or it has no such parameter."""
        bindings = self.index.binding_statements(func) if isinstance(func, cst.Name) else ()
        for binding in bindings:
            definition, skip = (_init_of(binding), 1) if isinstance(binding, cst.ClassDef) else (binding, 0)
            if isinstance(definition, cst.FunctionDef):
                names = [p.name.value for p in (*definition.params.posonly_params, *definition.params.params)][skip:]
                return names.index(param) if param in names else None
        return None

    def is_module(self, node: cst.CSTNode) -> bool:
        return isinstance(node, (cst.Name, cst.Attribute)) and self.qualname(node) is not None

    def module_level_name(self, module: str) -> str | None:
        """A module-level name an import binds to `module`, if there is one."""
        for local, target in self.index.aliases.items():
            if target == module and self.index.bound_at_module(local) == {module}:
                return local
        return None

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

    def configured(self, name: str, entries: tuple[str, ...]) -> bool:
        """Does a name match one of the project's own classes named in the configuration?"""
        name = name.lstrip(".")
        return any(name == e or name.endswith("." + e) or e.endswith("." + name) for e in entries)

    def calls_inside(self, node: cst.CSTNode):
        """Every call inside `node` (itself included), with its qualified name."""
        for call in self.index.calls:
            if self.inside(call, node):
                yield call, self.qualname(call.func)

    def bound_to_call_of(self, node: cst.CSTNode, names: frozenset[str]) -> bool:
        """True if `node` is a name bound, in its scope, to the result of calling one of `names`."""
        if not isinstance(node, cst.Name):
            return False
        for binding in self.index.binding_statements(node):
            holder = self.parent(binding) if isinstance(binding, cst.AssignTarget) else None
            if isinstance(holder, cst.Assign) and isinstance(holder.value, cst.Call):
                if self.qualname(holder.value.func) in names:
                    return True
        return False

    # ---- decisions -----------------------------------------------------------------------------
    def finding(self, rule: Rule, node: cst.CSTNode, message: str, kind: str | None = None) -> None:
        """A finding at `node`; its kind is the rule's own unless given (a rewrite rule may report
        what it cannot rewrite). The same finding twice (a call that may be two classes) counts once."""
        key = (rule.id, id(node), message, kind or rule.fix)  # by identity: a node's == compares whole subtrees
        if key not in self.pending_keys:
            self.pending_keys.add(key)
            self.pending.append((rule.id, node, message, kind or rule.fix))

    def comment(self, node: cst.CSTNode, rule: Rule, text: str) -> None:
        """A `# [reprofix RULE] text` line above the statement holding `node`."""
        where = self.index.order.get(node, 0)
        self.plan.comments.setdefault(self.statement(node), []).append((where, cstutil.comment_lines(rule.id, text)))

    def removed(self, node: cst.CSTNode) -> bool:
        return self.statement(node) in self.plan.drop_statements

    def taken(self, node: cst.CSTNode) -> bool:
        """Already replaced, or in a statement already disabled: no other fixer touches it."""
        return node in self.plan.replace or self.removed(node)

    def edit_arg(self, call: cst.Call, param: Param, value: str) -> bool:
        """Plan `param=value` on `call`; False if it already holds or is planned."""
        current = cstutil.find_arg(call, param)
        if current is not None and cstutil.is_literal(current.value, value):
            return False
        if any(planned.name == param.name for planned, _ in self.plan.arg_edits.get(call, ())):
            return False
        self.plan.arg_edits.setdefault(call, []).append((param, cst.parse_expression(value)))
        return True

    def set_key(self, node: cst.BaseExpression, key: str, value: str, *, over: bool = False) -> bool:
        """Plan `key: value` in the dict display `node` (its entry replaced, or added), or, `over`,
        the dict `node` evaluates to overridden in place: `{**node, "key": value}`. False if already
        planned."""
        keys = self.dict_keys.get(node)
        if keys is None:
            keys = self.dict_keys[node] = {}
            build = cstutil.override_keys if over else cstutil.set_keys
            self.plan.replace[node] = lambda updated, keys=keys: build(updated, keys)
        if key in keys:
            return False
        keys[key] = cst.parse_expression(value)
        return True

    def drop_statement(self, small: cst.BaseSmallStatement, rule: Rule) -> None:
        self.plan.drop_statements[self.parent(small)] = rule.id

    def give_way(self, call: cst.Call, pick: Callable[[cst.Call], cst.BaseExpression], rule: Rule) -> None:
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
            self.plan.drop_statements[self.parent(parent)] = rule.id
            return
        self.plan.replace[call] = lambda updated: _keep_parentheses(updated, pick(updated))
        self.comment(call, rule, f"was: {self.code(call)}")


def _init_of(cls: cst.ClassDef) -> cst.FunctionDef | None:
    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
    return next((s for s in body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None)


def _absolute(name: str, package: str) -> str:
    """`.loader.MyLoader` read from a module of package `src` is `src.loader.MyLoader`."""
    level = len(name) - len(name.lstrip("."))
    if not level:
        return name
    parts = package.split(".") if package else []
    base = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    return ".".join([*base, name[level:]]) if base else name[level:]


def _keep_parentheses(outer: cst.BaseExpression, inner: cst.BaseExpression) -> cst.BaseExpression:
    """`inner` in place of `outer`, inside outer's own parentheses: a multi-line chain written
    `(ds.batch(32)\n  .shuffle(100))` stays one expression when `.shuffle(...)` gives way."""
    if not outer.lpar:
        return inner
    return inner.with_changes(lpar=[*outer.lpar, *inner.lpar], rpar=[*inner.rpar, *outer.rpar])


def name_is_free(root: str, index: FileIndex) -> bool:
    """True if `import root...` would not rebind a module-level name to something else."""
    return index.bound_at_module(root) <= {root}


def short(name: str) -> str:
    return name.rsplit(".", 1)[-1]
