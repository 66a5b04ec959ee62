"""The data flow reprofix follows inside one file, and nothing more.

A called expression stands for a class or function through:
- the file's imports (`DataLoader`, `nn.Dropout`, `ds.vision.RandomCrop`);
- a class the file defines that subclasses a known one without its own `__init__` (same signature);
- names bound in their scope only by plain assignments (`loader_class = DataLoader`), each binding
  counting (`if x: cls = A` / `else: cls = B` stands for A or B);
- `a if c else b`, and a subscript of a dict or list literal of such values (`{"cifar": ds.Cifar10Dataset,
  "mnist": ds.MnistDataset}[name]`, also through a name bound to the literal);
- `getattr(module, name)` or `module.__dict__[name]` of an imported module: any name that module has
  (`getattr(nn, rnn_type)`, `models.__dict__[args.arch]`).
A `**kwargs` argument is a dict literal bound once in its scope when its only other uses are `**` in
calls. Anything else (parameters, attributes of objects, calls) is not followed: rules then leave the
call alone or report it.
"""

from __future__ import annotations

import libcst as cst

from . import cstutil

ANY = "*"  # the last part of a name from getattr(module, name): any name of that module
_DEPTH = 4  # names through names, at most


def callee_names(ctx, func: cst.BaseExpression, depth: int = 0) -> set[str] | None:
    """The qualified names a called expression may stand for, or None when it is not known."""
    name = ctx.qualname(func)
    if name is not None:
        return {name}
    local = ctx.local_class_name(func)
    if local is not None:
        base = subclass_without_init(ctx, func)
        return {base or local}
    if depth >= _DEPTH:
        return None
    if isinstance(func, cst.Name):
        values = assigned_values(ctx, func)
        return None if values is None else _union(ctx, values, depth + 1)
    if isinstance(func, cst.Attribute):
        return None  # an attribute of an object (`cfg.block`, `self.loader_cls`): not followed
    return _value_names(ctx, func, depth)


def _union(ctx, values, depth: int) -> set[str] | None:
    found: set[str] = set()
    for value in values:
        names = _value_names(ctx, value, depth)
        if names is None:
            return None
        found |= names
    return found or None


def _value_names(ctx, node: cst.BaseExpression, depth: int) -> set[str] | None:
    if isinstance(node, (cst.Name, cst.Attribute)):
        return callee_names(ctx, node, depth)
    if isinstance(node, cst.IfExp):
        return _union(ctx, [b for b in (node.body, node.orelse) if not cstutil.is_literal(b, "None")], depth)
    if isinstance(node, cst.Subscript):
        values = _displayed_values(literal(ctx, node.value))
        if values is not None:
            return _union(ctx, values, depth)
    return _getattr_of_module(ctx, node)


def _getattr_of_module(ctx, node: cst.BaseExpression) -> set[str] | None:
    """`getattr(nn, name)`, `models.__dict__[name]`: any name of an imported module."""
    if (isinstance(node, cst.Subscript) and isinstance(node.value, cst.Attribute)
            and node.value.attr.value == "__dict__" and ctx.is_module(node.value.value)):
        module = ctx.qualname(node.value.value)
        return {f"{module}.{ANY}"} if module is not None else None
    if not (isinstance(node, cst.Call) and _is_builtin(ctx, node.func, "getattr") and len(node.args) >= 2):
        return None
    module = ctx.qualname(node.args[0].value)
    return {f"{module}.{ANY}"} if module is not None else None


def _displayed_values(container) -> list[cst.BaseExpression] | None:
    """The values of a dict display, or the elements of a list or tuple display."""
    if isinstance(container, cst.Dict):
        return [e.value for e in container.elements if isinstance(e, cst.DictElement)]
    if isinstance(container, (cst.List, cst.Tuple)):
        return [e.value for e in container.elements if isinstance(e, cst.Element)]
    return None


def assigned_values(ctx, name: cst.Name) -> list[cst.BaseExpression] | None:
    """The values a name is bound to in its scope, when every binding is a plain assignment."""
    values = []
    for binding in ctx.index.binding_statements(name):
        holder = ctx.parent(binding) if isinstance(binding, cst.AssignTarget) else binding
        if isinstance(holder, cst.Assign) and isinstance(binding.target, cst.Name):
            values.append(holder.value)
        elif isinstance(holder, cst.AnnAssign) and holder.value is not None and isinstance(holder.target, cst.Name):
            values.append(holder.value)
        else:
            return None
    return values or None


def literal(ctx, node: cst.BaseExpression) -> cst.BaseExpression | None:
    """A dict, list or tuple display, directly or through a name bound once to one."""
    if isinstance(node, (cst.Dict, cst.List, cst.Tuple)):
        return node
    if isinstance(node, cst.Name):
        values = assigned_values(ctx, node)
        if values is not None and len(values) == 1 and isinstance(values[0], (cst.Dict, cst.List, cst.Tuple)):
            return values[0]
    return None


def kwargs_literal(ctx, node: cst.BaseExpression) -> cst.Dict | None:
    """For `**name`: the dict literal `name` is bound to, once, when every other use of the name is
    `**name` in a call (nothing updates it or passes it on), and its keys are plain strings; for
    `**{...}`, the display itself (later keys win over what its `**` entries bring)."""
    if isinstance(node, cst.Dict):  # written in place: `**{**options, "shuffle": False}`
        return node
    if not isinstance(node, cst.Name):
        return None
    display = literal(ctx, node)
    if not isinstance(display, cst.Dict) or not _string_keys(display):
        return None
    target = next(b.target for b in ctx.index.binding_statements(node) if isinstance(b, cst.AssignTarget))
    uses = ctx.index.sole_binding_uses(target)
    return display if uses is not None and all(_starred_argument(ctx, use) for use in uses) else None


def _string_keys(display: cst.Dict) -> bool:
    return all(isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString) for e in display.elements)


def subclass_without_init(ctx, func: cst.BaseExpression) -> str | None:
    """For a class the file defines with a base some rule knows and no `__init__` of its own: the
    base's qualified name (the class takes the same arguments)."""
    if not isinstance(func, cst.Name):
        return None
    for binding in ctx.index.binding_statements(func):
        if isinstance(binding, cst.ClassDef) and not defines(binding, "__init__", "__new__"):
            for base in binding.bases:
                name = ctx.qualname(base.value)
                if name in ctx.known_names:
                    return name
    return None


def super_init_class(ctx, call: cst.Call) -> str | None:
    """For `super().__init__(...)` in a method of a class the file defines: its known base."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "__init__" and isinstance(func.value, cst.Call)
            and _is_builtin(ctx, func.value.func, "super")):
        return None
    node = ctx.parent(call)
    while node is not None and not isinstance(node, cst.ClassDef):
        node = ctx.parent(node)
    if node is None:
        return None
    for base in node.bases:
        name = ctx.qualname(base.value)
        if name in ctx.known_names:
            return name
    return None


def defines(cls: cst.ClassDef, *names: str) -> bool:
    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
    return any(isinstance(s, cst.FunctionDef) and s.name.value in names for s in body)


def _starred_argument(ctx, use: cst.Name) -> bool:
    arg = ctx.parent(use)
    return isinstance(arg, cst.Arg) and arg.star == "**" and arg.value is use


def _is_builtin(ctx, node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name and not ctx.index.binding_statements(node)
