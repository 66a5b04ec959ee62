"""What every fixer works with: one parsed file, its index, the options, and the plan being built.

`Context` answers the questions fixers ask about the tree (what a name resolves to, which statement
holds a node, what code a node is) and records what they decide: edits go into the `Plan`, findings
wait for their positions until every fixer has run. Nothing here names a framework.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import libcst as cst

from . import aliases, cstutil
from .facts import Param
from .index import FileIndex
from .plan import Plan
from .rule import Rule

RNG_MODULES = ("random", "numpy")  # their Random* names are generators, seeded by the seed block


@dataclass
class Context:
    index: FileIndex
    options: object  # transforms.Options
    tables: dict  # framework name -> its FrameworkTable, for the frameworks the file uses
    foreign: tuple[str, ...]  # import roots whose names are never the project's own classes
    plan: Plan = field(default_factory=Plan)
    pending: list[tuple[str, cst.CSTNode, str, str]] = field(default_factory=list)  # findings before positions

    @property
    def module(self) -> cst.Module:
        return self.index.module

    @cached_property
    def named_calls(self) -> list[tuple[cst.Call, str]]:
        """Calls of a name the file's imports resolve, or of a class or function it defines, with
        that name; method calls (`data.map(...)`) are not among them."""
        found = []
        for call in self.index.calls:
            func = call.func
            if isinstance(func, cst.Attribute) and not self.is_module(func.value):
                continue
            name = self.qualname(func) or self.local_class_name(func)
            if name is not None:
                found.append((call, name))
        return found

    @cached_property
    def method_calls(self) -> list[cst.Call]:
        """Calls of a method of a value (`data.map(...)`, `self.drop(x)`, `ds.Mnist(p).shuffle(4)`)."""
        return [c for c in self.index.calls if isinstance(c.func, cst.Attribute) and not self.is_module(c.func.value)]

    # ---- names ---------------------------------------------------------------------------------
    def qualname(self, node: cst.CSTNode) -> str | None:
        """The qualified name through the file's imports, an alias given as the table's own name
        (`transforms.aliases`); None for names the file binds itself."""
        head = node
        while isinstance(head, cst.Attribute):
            head = head.value
        if not isinstance(head, cst.Name):
            return None
        bound = self.index.binding_statements(head)
        if bound and not all(isinstance(b, (cst.Import, cst.ImportFrom)) for b in bound):
            return None
        name = self.index.qualname(node)
        return None if name is None else aliases.canonical(name)

    def local_class_name(self, node: cst.CSTNode) -> str | None:
        """The name of a class or function the file defines itself."""
        if isinstance(node, cst.Name):
            bound = self.index.binding_statements(node)
            if any(isinstance(b, (cst.ClassDef, cst.FunctionDef)) for b in bound):
                return node.value
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

    # ---- the tree ------------------------------------------------------------------------------
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

    def inside(self, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
        while node is not None:
            if node is ancestor:
                return True
            node = self.parent(node)
        return False

    def code(self, node: cst.CSTNode) -> str:
        if isinstance(node, cst.SimpleStatementLine):
            node = node.with_changes(leading_lines=())
        return self.module.code_for_node(node).strip()

    def calls_inside(self, node: cst.CSTNode):
        """Every call inside `node` (itself included), with its qualified name."""
        for call in self.index.calls:
            if self.inside(call, node):
                yield call, self.qualname(call.func)

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

    # ---- decisions -----------------------------------------------------------------------------
    def finding(self, rule: Rule, node: cst.CSTNode, message: str, kind: str | None = None) -> None:
        """A finding at `node`; its kind is the rule's own unless given (a rewrite rule may report
        what it cannot rewrite)."""
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
        """Plan `param=value` on `call`; False if it already holds."""
        current = cstutil.find_arg(call, param)
        if current is not None and cstutil.is_literal(current.value, value):
            return False
        self.plan.arg_edits.setdefault(call, []).append((param, cst.parse_expression(value)))
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
        self.plan.replace[call] = pick
        self.comment(call, rule, f"was: {self.code(call)}")


def name_is_free(root: str, index: FileIndex) -> bool:
    """True if `import root...` would not rebind a module-level name to something else."""
    return index.bound_at_module(root) <= {root}


def short(name: str) -> str:
    return name.rsplit(".", 1)[-1]
