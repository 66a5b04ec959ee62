"""One cheap walk over a parsed file: parents, import aliases, bindings, and the nodes rules look at.

libcst's metadata providers (qualified names, scopes, positions) are exact but cost several times the
parse itself; reprofix only needs a little of what they compute, so this walk gathers that little in
one pass, without rebuilding nodes, and positions are computed afterwards for the few nodes a report
names (`positions`).
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from .. import codegen

# Fields that never hold anything a rule looks at: whitespace, punctuation, comments.
_SKIPPED_FIELDS = {
    "lpar", "rpar", "comma", "leading_lines", "lines_after_decorators", "header", "footer", "semicolon",
    "trailing_whitespace", "operator", "lbracket", "rbracket", "lbrace", "rbrace", "equal", "star",
    "dot", "colon", "newline", "indent", "keyword", "asynchronous", "default_indent", "default_newline",
    "encoding", "has_trailing_newline", "value_token", "prefix", "quote",
}
_FIELDS: dict[type, tuple[str, ...]] = {}
_SCOPES = (cst.Module, cst.FunctionDef, cst.ClassDef, cst.Lambda)
LOCAL = "<local>"  # the qualified name of anything the file binds itself


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(
            f.name
            for f in dataclasses.fields(cls)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
        )
    return names


def full_name(node: cst.CSTNode) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


@dataclass
class FileIndex:
    module: cst.Module
    parents: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)
    order: dict[cst.CSTNode, int] = field(default_factory=dict)  # document order of the nodes walked
    scope_of: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)  # for Names and scopes
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> qualified name (imports)
    bindings: dict[tuple[cst.CSTNode, str], list[cst.CSTNode]] = field(default_factory=dict)
    loads: dict[str, list[cst.Name]] = field(default_factory=dict)
    import_roots: set[str] = field(default_factory=set)
    module_import_roots: set[str] = field(default_factory=set)  # imported at module level (a try or if included)
    required_roots: set[str] = field(default_factory=set)  # imported at module level outside any try or if
    inner_imports: dict[str, cst.CSTNode] = field(default_factory=dict)  # root -> its first import inside a def/class
    calls: list[cst.Call] = field(default_factory=list)
    lists: list[cst.List] = field(default_factory=list)
    assigns: list[cst.Assign] = field(default_factory=list)
    annotated: list[cst.AnnAssign] = field(default_factory=list)  # `dropout: float = 0.1`
    classes: list[cst.ClassDef] = field(default_factory=list)
    comparisons: list[cst.Comparison] = field(default_factory=list)
    dels: list[cst.Del] = field(default_factory=list)

    # names ------------------------------------------------------------------------------------
    def qualname(self, node: cst.CSTNode) -> str | None:
        """The qualified name of a Name/Attribute chain through the file's imports, LOCAL-prefixed
        for what the file defines itself, None for anything else."""
        name = full_name(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        target = self.aliases.get(head)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target

    def bound_at_module(self, name: str) -> set[str]:
        """What a module-level name is bound to: qualified module names, or LOCAL."""
        result = set()
        for target in self.bindings.get((self.module, name), ()):
            result.add(self._binding_meaning(target, name))
        return result

    def _binding_meaning(self, target: cst.CSTNode, name: str) -> str:
        if isinstance(target, (cst.Import, cst.ImportFrom)):
            return self.aliases.get(name, LOCAL)
        return LOCAL

    def sole_binding_uses(self, target: cst.Name) -> list[cst.Name] | None:
        """Every use of `target`'s name that reaches this binding, when it is the only binding of
        the name in its scope; None otherwise."""
        scope = self.scope_of[target]
        if len(self.bindings.get((scope, target.value), ())) != 1:
            return None
        return [n for n in self.loads.get(target.value, ()) if self.resolve(n) is scope]

    def resolve(self, name: cst.Name) -> cst.CSTNode | None:
        """The scope whose binding a use of a name reaches (Python's rules, classes skipped)."""
        scope = self.scope_of[name]
        first = True
        while scope is not None:
            if (first or not isinstance(scope, cst.ClassDef)) and (scope, name.value) in self.bindings:
                return scope
            first = False
            scope = self.scope_of.get(scope)
        return None

    def binding_statements(self, name: cst.Name) -> list[cst.CSTNode]:
        scope = self.resolve(name)
        return self.bindings.get((scope, name.value), []) if scope is not None else []


def build(module: cst.Module) -> FileIndex:
    """The index of `module`, from one walk over its nodes in document order."""
    # the hot loop, over every node of every parsed file: Names and Attributes (most of the nodes) are
    # handled inline; any other node costs a lookup in _OWN_WALKS and _NOTES (cheaper than a chain of
    # type tests), and a function call only when it is of a kind the index records
    walk = _Walk(FileIndex(module))
    index, stack, stores = walk.index, walk.stack, walk.stores
    parents, scope_of, order = index.parents, index.scope_of, index.order
    stack.append((module, module))
    while stack:
        node, scope = stack.pop()
        order[node] = len(order)
        kind = type(node)
        if kind is cst.Name:
            scope_of[node] = scope
            if node in stores:
                index.bindings.setdefault((scope, node.value), []).append(parents[node])
            else:
                index.loads.setdefault(node.value, []).append(node)
        elif kind is cst.Attribute:
            # only the leftmost part of a chain is a use of a name
            parents[node.value] = node
            stack.append((node.value, scope))
        else:
            own_walk = _OWN_WALKS.get(kind)
            if own_walk is not None:
                own_walk(walk, node, scope)
                continue
            note = _NOTES.get(kind)
            if note is not None:
                note(walk, node)
            for name in _fields(kind):
                _push(stack, parents, node, getattr(node, name), scope)
    return index


@dataclass
class _Walk:
    """What `build` carries from node to node: the index it fills, the Names that are bound where they
    stand (targets and parameters, known from the node holding them, which is walked first), and the
    nodes still to walk with the scope each one is in."""
    index: FileIndex
    stores: set[cst.Name] = field(default_factory=set)
    stack: list[tuple[cst.CSTNode, cst.CSTNode]] = field(default_factory=list)


def _store_target(walk: _Walk, node: cst.CSTNode) -> None:
    walk.stores.update(_stored_names(node.target))


def _note_assign(walk: _Walk, node: cst.Assign) -> None:
    walk.index.assigns.append(node)
    for target in node.targets:
        walk.stores.update(_stored_names(target.target))


def _note_annotated(walk: _Walk, node: cst.AnnAssign) -> None:
    _store_target(walk, node)
    walk.index.annotated.append(node)


# What a node of each of these kinds adds to the index (itself, to its list; or the Names its target
# binds, to the stores) before its children are walked, in the node's scope like any other node's.
_NOTES: dict[type, Callable[[_Walk, cst.CSTNode], None]] = {
    cst.Call: lambda walk, node: walk.index.calls.append(node),
    cst.List: lambda walk, node: walk.index.lists.append(node),
    cst.Comparison: lambda walk, node: walk.index.comparisons.append(node),
    cst.Del: lambda walk, node: walk.index.dels.append(node),
    cst.Assign: _note_assign,
    cst.AnnAssign: _note_annotated,
    cst.AugAssign: _store_target,
    cst.For: _store_target,
    cst.CompFor: _store_target,
    cst.NamedExpr: _store_target,
    cst.AsName: lambda walk, node: walk.stores.update(_stored_names(node.name)),
    cst.Param: lambda walk, node: walk.stores.add(node.name),
}


def _walk_import(walk: _Walk, node: cst.Import | cst.ImportFrom, scope: cst.CSTNode) -> None:
    """An import's names are bindings, not uses: it is recorded and its children are not walked."""
    _record_import(walk.index, node, scope)


# The parts of a def or class that belong to the scope around it.
_OUTER_FIELDS = ("decorators", "bases", "keywords", "returns")


def _walk_definition(walk: _Walk, node: cst.FunctionDef | cst.ClassDef, scope: cst.CSTNode) -> None:
    """A def or class binds its name in the scope around it, and is the scope of its parameters and
    body; its name is not walked (it is a binding, not a use), but findings point at it."""
    index = walk.index
    kind = type(node)
    if kind is cst.ClassDef:
        index.classes.append(node)
    index.bindings.setdefault((scope, node.name.value), []).append(node)
    index.parents[node.name] = node
    index.scope_of[node] = scope
    for name in _fields(kind):
        if name != "name":
            child_scope = scope if name in _OUTER_FIELDS else node
            _push(walk.stack, index.parents, node, getattr(node, name), child_scope)


def _walk_lambda(walk: _Walk, node: cst.Lambda, scope: cst.CSTNode) -> None:
    """A lambda is the scope of its parameters and body."""
    walk.index.scope_of[node] = scope
    for name in _fields(cst.Lambda):
        _push(walk.stack, walk.index.parents, node, getattr(node, name), node)


# The kinds of node whose children are not all walked in the node's own scope, or not walked at all.
_OWN_WALKS: dict[type, Callable[[_Walk, cst.CSTNode, cst.CSTNode], None]] = {
    cst.Import: _walk_import,
    cst.ImportFrom: _walk_import,
    cst.FunctionDef: _walk_definition,
    cst.ClassDef: _walk_definition,
    cst.Lambda: _walk_lambda,
}


def _push(stack, parents, node, value, scope) -> None:
    kind = type(value)
    if _NODE_KINDS.get(kind) or _is_node(kind):
        parents[value] = node
        stack.append((value, scope))
    elif kind is tuple:
        for child in reversed(value):
            if _NODE_KINDS.get(type(child)) or _is_node(type(child)):
                parents[child] = node
                stack.append((child, scope))


# Whether each type met is a libcst node: CSTNode is an abstract class, and `isinstance` against one
# runs Python code each time (a sixth of the walk).
_NODE_KINDS: dict[type, bool] = {}


def _is_node(kind: type) -> bool:
    if kind not in _NODE_KINDS:
        _NODE_KINDS[kind] = issubclass(kind, cst.CSTNode)
    return _NODE_KINDS[kind]


def _stored_names(target: cst.CSTNode) -> list[cst.Name]:
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        names = []
        for element in target.elements:
            value = element.value
            names += _stored_names(value)
        return names
    if isinstance(target, cst.StarredElement):
        return _stored_names(target.value)
    return []


def _record_import(index: FileIndex, node: cst.CSTNode, scope: cst.CSTNode) -> None:
    if isinstance(node, cst.Import):
        _record_plain_import(index, node, scope)
        return
    module = full_name(node.module) if node.module is not None else ""
    if node.relative:
        module = "." * len(node.relative) + (module or "")
    elif module:
        _add_root(index, module.split(".")[0], node, scope)
    if isinstance(node.names, cst.ImportStar):
        return
    for alias in node.names:
        name = alias.name.value
        local = alias.asname.name.value if alias.asname is not None else name
        index.aliases[local] = f"{module}.{name}" if not module.endswith(".") else f"{module}{name}"
        index.bindings.setdefault((scope, local), []).append(node)


_CONDITIONAL = (cst.Try, cst.If, cst.For, cst.While, cst.Match) if hasattr(cst, "Match") else (cst.Try, cst.If, cst.For,
                                                                                              cst.While)


def _add_root(index: FileIndex, root: str, node: cst.CSTNode, scope: cst.CSTNode) -> None:
    index.import_roots.add(root)
    if scope is not index.module:
        index.inner_imports.setdefault(root, node)
        return
    index.module_import_roots.add(root)
    parent = index.parents.get(node)
    while parent is not None and parent is not index.module:
        if isinstance(parent, _CONDITIONAL):
            return  # an optional import (`try: import x except ImportError: ...`): x may be missing
        parent = index.parents.get(parent)
    index.required_roots.add(root)


def _record_plain_import(index: FileIndex, node: cst.Import, scope: cst.CSTNode) -> None:
    for alias in node.names:
        name = full_name(alias.name)
        _add_root(index, name.split(".")[0], node, scope)
        if alias.asname is not None:
            local = alias.asname.name.value
            index.aliases[local] = name
        else:
            local = name.split(".")[0]
            index.aliases.setdefault(local, local)
        index.bindings.setdefault((scope, local), []).append(node)


def positions(index: FileIndex, nodes, text: tuple[bytes, list[int]] | None = None) -> dict[cst.CSTNode, tuple[int, int]]:
    """1-based (line, column) where each node's code starts, in characters, as libcst's
    PositionProvider gives them but at a fraction of its cost: only the top-level statements holding
    a node asked for are rendered (with the nodes' starts recorded, `codegen.positions`). Where each
    statement starts: from `text`, (the code parsed, the line where each top-level statement's code
    starts) when given and it agrees with the rendered statements; else by rendering every top-level
    statement up to the last one holding a node asked for."""
    module = index.module
    wanted: dict[cst.CSTNode, list[cst.CSTNode]] = {}
    for node in set(nodes):
        top = node
        while index.parents.get(top) is not None and index.parents[top] is not module:
            top = index.parents[top]
        wanted.setdefault(top, []).append(node)
    if text is not None:
        found = _positions_from_text(index, wanted, *text)
        if found is not None:
            return found
    result: dict[cst.CSTNode, tuple[int, int]] = {}
    line = 1 + len(module.header)  # the header is comment and blank lines, one line each
    for statement in module.body:
        if not wanted:
            break
        if statement in wanted:
            code, found = codegen.positions(module, statement, line, wanted.pop(statement))
            result.update(found)
        else:
            code = codegen.code(module, statement)
        line += code.count("\n")
    return result


def _positions_from_text(index: FileIndex, wanted: dict[cst.CSTNode, list[cst.CSTNode]], code: bytes,
                         starts: list[int]) -> dict[cst.CSTNode, tuple[int, int]] | None:
    """positions() where the line of each top-level statement's code is known from the text. A node
    whose code (libcst gives it back verbatim: an expression or an argument) stands exactly once in
    its statement's lines is found there; the other statements holding a node asked for are rendered.
    None when the lines do not match the module (each statement's code must start at the first
    column of its line, and each rendered statement must stand exactly where its line says)."""
    module = index.module
    offsets = codegen.line_offsets(code)
    if not codegen.statements_start(module, code, offsets, starts):
        return None
    lines = code.split(b"\n")
    result: dict[cst.CSTNode, tuple[int, int]] = {}
    ends = [*(s - len(statement.leading_lines) for s, statement in zip(starts[1:], module.body[1:])), None]
    for statement, first, end in zip(module.body, starts, ends):
        if statement not in wanted:
            continue
        found = _found_in_text(module, wanted[statement], code, offsets, first, end)
        if found is None:
            line = first - len(statement.leading_lines)  # its comment and blank lines are its own
            rendered, found = codegen.positions(module, statement, line, wanted[statement])
            own = b"\n".join(lines[line - 1 : line - 1 + rendered.count("\n")]) + b"\n"
            if line < 1 or own != rendered.encode(module.encoding):
                return None
        result.update(found)
    return result


def _found_in_text(module: cst.Module, nodes: list[cst.CSTNode], code: bytes, offsets: list[int], first: int,
                   end: int | None) -> dict[cst.CSTNode, tuple[int, int]] | None:
    """Where each node stands in lines first..end-1 of `code` (to its end: None), if each one's code
    stands there once."""
    lo, hi = offsets[first - 1], len(code) if end is None else offsets[end - 1]
    found = {}
    for node in nodes:
        if not isinstance(node, (cst.BaseExpression, cst.Arg)):
            return None
        text = codegen.code(module, node).encode(module.encoding)
        at = code.find(text, lo, hi)
        if at < 0 or code.find(text, at + 1, hi) >= 0:
            return None
        line = bisect.bisect_right(offsets, at)
        found[node] = (line, len(code[offsets[line - 1] : at].decode(module.encoding)) + 1)
    return found
