"""Folders a script adds to `sys.path` from its own location, computed without running it.

`sys.path.append(os.path.join(os.path.dirname(__file__), '..'))`, `sys.path.insert(0, parent_path)`
after `parent_path = os.path.abspath(os.path.join(__file__, *(['..'] * 2)))`, `Path(__file__)
.resolve().parents[1]`: the folder is known from the file's path alone, so the imports found through
it can be followed like any other. Only module-level statements are read, with CPython's own parser
(and only in files whose text changes `sys.path`); anything else (an environment variable, a
function's result, a name bound twice) leaves the change unknown, and it is reported (RP001).
"""

from __future__ import annotations

import ast
import os.path
import re
from pathlib import PurePosixPath

_CHANGE = re.compile(rb"\bsys\.path\.(?:append|insert|extend)\b|\bsys\.path[ \t]*(?:\+=|=)")
_PATH_FUNCTIONS = {"join", "abspath", "dirname", "realpath", "normpath"}


class _Unknown(Exception):
    """The value cannot be computed from the file's location."""


def additions(source: bytes, file: str) -> list[tuple[int, str | None]]:
    """Each line where the file changes `sys.path`, with the folder it adds (normalised, absolute
    when `file` is) or None when that is not computable from `file`."""
    lines = [source.count(b"\n", 0, m.start()) + 1 for m in _CHANGE.finditer(source)] if b"sys.path" in source else []
    if not lines:
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return [(line, None) for line in lines]
    found = _Reader(file).read(tree)
    return [(line, found.get(line)) for line in lines]


def computable_lines(source: bytes) -> frozenset[int]:
    """The lines whose `sys.path` change is computed from the file's own location."""
    return frozenset(line for line, folder in additions(source, "/-/-/-/-/file.py") if folder is not None)


class _Reader:
    def __init__(self, file: str):
        self.file = file
        self.values: dict[str, object] = {"__file__": file}
        self.os_path: set[str] = set()  # names standing for os.path (`os.path`, `osp`)
        self.os: set[str] = set()
        self.path_class: set[str] = set()  # names standing for pathlib.Path
        self.functions: dict[str, str] = {}  # `from os.path import join as j`: j -> join

    def read(self, tree: ast.Module) -> dict[int, str]:
        found: dict[int, str] = {}
        self.statements(tree.body, found)
        return found

    def statements(self, body: list[ast.stmt], found: dict[int, str]) -> None:
        """In order, as they run: names bound to computable values, and the changes; into `if` and
        `try` blocks (`if str(ROOT) not in sys.path: sys.path.append(str(ROOT))`), not into
        definitions."""
        for statement in body:
            self.imports(statement)
            if isinstance(statement, ast.Assign):
                value = self.computed(statement.value)
                for target in statement.targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            self.values.pop(name.id, None)
                if len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name) and value is not None:
                    self.values[statement.targets[0].id] = value
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                folder = self.change(statement.value)
                if folder is not None:
                    found[statement.lineno] = folder
            elif isinstance(statement, ast.If):
                self.statements(statement.body, found)
                self.statements(statement.orelse, found)
            elif isinstance(statement, ast.Try):
                for block in (statement.body, *(h.body for h in statement.handlers), statement.orelse, statement.finalbody):
                    self.statements(block, found)
            else:
                for node in ast.walk(statement):  # anything else that binds a name makes it unknown
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        self.values.pop(node.id, None)
                    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        self.values.pop(node.name, None)

    def computed(self, node: ast.expr):
        try:
            return self.value(node)
        except _Unknown:
            return None

    def imports(self, statement: ast.stmt) -> None:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name == "os" and alias.asname is None:
                    self.os.add("os")
                elif alias.name == "os.path":
                    (self.os_path if alias.asname else self.os).add(alias.asname or "os")
        elif isinstance(statement, ast.ImportFrom) and statement.level == 0:
            for alias in statement.names:
                local = alias.asname or alias.name
                if statement.module == "os" and alias.name == "path":
                    self.os_path.add(local)
                elif statement.module == "os.path" and alias.name in _PATH_FUNCTIONS:
                    self.functions[local] = alias.name
                elif statement.module == "pathlib" and alias.name == "Path":
                    self.path_class.add(local)

    def change(self, call: ast.Call) -> str | None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)
                and func.value.attr == "path" and isinstance(func.value.value, ast.Name)
                and func.value.value.id == "sys"):
            return None
        argument = {"append": 0, "insert": 1}.get(func.attr)
        if argument is None or len(call.args) != argument + 1 or call.keywords:
            return None
        try:
            value = self.value(call.args[argument])
        except _Unknown:
            return None
        folder = str(value)
        return os.path.normpath(folder) if os.path.isabs(folder) else None  # relative: to where it is run from

    def value(self, node: ast.expr):  # noqa: C901 - one case per kind of expression, each short
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.values:
                return self.values[node.id]
            raise _Unknown
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(e) for e in node.elts]
        if isinstance(node, ast.BinOp):
            left, right = self.value(node.left), self.value(node.right)
            if isinstance(node.op, ast.Mult) and isinstance(left, list) and isinstance(right, int) and right < 64:
                return left * right
            if isinstance(node.op, ast.Div) and isinstance(left, PurePosixPath) and isinstance(right, str):
                return left / right
            raise _Unknown
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
            base, index = self.value(node.value.value), self.value(node.slice)
            if isinstance(base, PurePosixPath) and isinstance(index, int) and 0 <= index < len(base.parents):
                return base.parents[index]
            raise _Unknown
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            base = self.value(node.value)
            if isinstance(base, PurePosixPath):
                return base.parent
            raise _Unknown
        if isinstance(node, ast.Call):
            return self.call(node)
        raise _Unknown

    def call(self, node: ast.Call):
        if node.keywords:
            raise _Unknown
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                value = self.value(arg.value)
                if not isinstance(value, list):
                    raise _Unknown
                args += value
            else:
                args.append(self.value(arg))
        func = node.func
        function = self.path_function(func)
        if function is not None and all(isinstance(a, str) for a in args):
            if function == "join" and args:
                return os.path.join(*args)
            if function in ("abspath", "realpath", "normpath") and len(args) == 1:
                return os.path.normpath(args[0] if os.path.isabs(args[0]) else os.path.join("/", args[0]))
            if function == "dirname" and len(args) == 1:
                return os.path.dirname(args[0])
        if isinstance(func, ast.Name) and func.id in self.path_class and len(args) == 1 and isinstance(args[0], str):
            return PurePosixPath(args[0])
        if isinstance(func, ast.Name) and func.id == "str" and len(args) == 1:
            return str(args[0])
        if isinstance(func, ast.Attribute) and func.attr in ("resolve", "absolute") and not args:
            base = self.value(func.value)
            if isinstance(base, PurePosixPath):
                return base
        raise _Unknown

    def path_function(self, func: ast.expr) -> str | None:
        """`os.path.join`, `osp.join`, `join` (imported from os.path): the function's name."""
        if isinstance(func, ast.Name):
            return self.functions.get(func.id)
        if not (isinstance(func, ast.Attribute) and func.attr in _PATH_FUNCTIONS):
            return None
        holder = func.value
        if isinstance(holder, ast.Name) and holder.id in self.os_path:
            return func.attr
        if (isinstance(holder, ast.Attribute) and holder.attr == "path" and isinstance(holder.value, ast.Name)
                and holder.value.id in self.os):
            return func.attr
        return None
