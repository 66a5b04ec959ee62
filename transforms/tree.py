"""Where a node stands in a parsed file: its parent, the statement and the function holding it, the
name its value goes to, and its code.

Every answer comes from the index's parent links (and the module, for the code), so nothing here
reads imports, options or the plan. `Tree` is the base class of `transforms.context.Context`:
fixers ask these questions of their context (`ctx.statement(node)`).
"""

from __future__ import annotations

import libcst as cst

from . import codegen
from .parse.index import FileIndex


class Tree:
    """The questions about one parsed file that its parent links answer."""

    index: FileIndex

    @property
    def module(self) -> cst.Module:
        return self.index.module

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

    def enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        current = self.parent(node)
        while current is not None and not isinstance(current, cst.FunctionDef):
            current = self.parent(current)
        return current

    def inside(self, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
        while node is not None:
            if node is ancestor:
                return True
            node = self.parent(node)
        return False

    def code(self, node: cst.CSTNode) -> str:
        if isinstance(node, cst.SimpleStatementLine):
            node = node.with_changes(leading_lines=())
        return codegen.code(self.module, node).strip()

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
