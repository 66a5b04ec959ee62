"""The plan of a file's rewrite, keyed by original nodes, and its application in one transform.

Fixers (`transforms.fixers`) fill a `Plan`; `Applier` then rebuilds only the changed nodes and their
ancestors, so every other byte of the file stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from . import cstutil
from .facts import Param

Replace = Callable[[cst.CSTNode], cst.CSTNode]


@dataclass
class Plan:
    arg_edits: dict[cst.Call, list[tuple[Param, cst.BaseExpression]]] = field(default_factory=dict)
    replace: dict[cst.CSTNode, Replace] = field(default_factory=dict)
    splice: dict[cst.BaseExpression, list[cst.BaseExpression]] = field(default_factory=dict)
    drop_elements: set[cst.BaseExpression] = field(default_factory=set)
    drop_statements: dict[cst.CSTNode, str] = field(default_factory=dict)  # statement -> rule id
    # statement -> (position of the node it is about, comment lines): shown in source order
    comments: dict[cst.CSTNode, list[tuple[int, list[cst.EmptyLine]]]] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)  # modules to import for the new code
    # module-level functions the new code calls (name -> code), placed after the imports and the seed block
    definitions: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (rule id, code)

    def edits(self) -> bool:
        return bool(self.arg_edits or self.replace or self.splice or self.drop_elements or self.drop_statements
                    or self.definitions)


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
        self.filled_a_body = False  # a body whose every statement was disabled got `pass`

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
        """Each kind of edit the plan holds for this node, in one fixed order: elements of a list,
        arguments of a call, a replacement, comments above a statement, statements of a block, and
        the prelude of the module."""
        plan = self.plan
        if isinstance(original_node, cst.List) and (plan.drop_elements or plan.splice):
            updated_node = self.rebuild_elements(original_node, updated_node)
        for param, value in plan.arg_edits.get(original_node, ()):
            updated_node = cstutil.set_arg(updated_node, param, value)
        if original_node in plan.replace:
            updated_node = plan.replace[original_node](updated_node)
        if original_node in plan.comments and original_node not in plan.drop_statements:
            updated_node = updated_node.with_changes(
                leading_lines=[*updated_node.leading_lines, *self.comment_lines(original_node)]
            )
        return self.rebuild_block(original_node, updated_node)

    def rebuild_block(self, original_node, updated_node):
        if isinstance(original_node, (cst.IndentedBlock, cst.Module)):
            updated_node = self.drop_statements(original_node, updated_node)
        if isinstance(original_node, cst.Module) and self.prelude:
            updated_node = self.insert_prelude(updated_node)
        return updated_node

    def comment_lines(self, statement: cst.CSTNode) -> list[cst.EmptyLine]:
        ordered = sorted(self.plan.comments[statement], key=lambda item: item[0])
        return [line for _, lines in ordered for line in lines]

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
            self.filled_a_body = True
        elif pending:
            return updated.with_changes(body=body, footer=[*pending, *updated.footer])
        return updated.with_changes(body=body)
