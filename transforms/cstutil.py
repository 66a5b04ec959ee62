"""Small libcst helpers the rewriter shares: parsing, arguments, comments, statements."""

from __future__ import annotations

from typing import Sequence

import libcst as cst
from libcst._nodes.base import CSTNode

from .facts import Param
from .markers import COMMENT_PREFIX


def parse_module(code: bytes | str) -> cst.Module:
    """`cst.parse_module`, without validating each node as the parser builds it. libcst validates
    every node it constructs (`CSTNode.__post_init__`), which is about 40% of a parse; the parser
    only builds valid trees (libcst's own PERF note there suggests validating elsewhere). Nodes the
    rules build are still validated, and the engine compiles every file it changes."""
    validate = CSTNode.__dict__["__post_init__"]
    CSTNode.__post_init__ = _unchecked
    try:
        return cst.parse_module(code)
    finally:
        CSTNode.__post_init__ = validate


def _unchecked(self) -> None:
    pass


def find_arg(call: cst.Call, param: Param) -> cst.Arg | None:
    """The argument that binds `param`, by keyword or by position, or None."""
    positional = 0
    for arg in call.args:
        if arg.keyword is not None:
            if arg.keyword.value == param.name:
                return arg
        elif arg.star == "":
            if param.position is not None and positional == param.position:
                return arg
            positional += 1
    return None


def has_star_args(call: cst.Call) -> bool:
    return any(arg.star for arg in call.args)


def has_star_star(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


def set_arg(call: cst.Call, param: Param, value: cst.BaseExpression) -> cst.Call:
    """Bind `param` to `value`: replace the argument that binds it, or add it as a keyword."""
    args = list(call.args)
    target = find_arg(call, param)
    if target is not None:
        index = next(i for i, a in enumerate(args) if a is target)
        args[index] = target.with_changes(value=value)
        return call.with_changes(args=args)
    new_arg = cst.Arg(
        value=value,
        keyword=cst.Name(param.name),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )
    if not args:
        return call.with_changes(args=[new_arg])
    # The new argument goes where the last one stands and follows the call's own layout: it takes
    # the last one's comma (a trailing comma stays trailing) and what stands before `)`, and the
    # last one is followed by the separator the call already uses between arguments.
    last = args[-1]
    args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=_separator(call)),
                                 whitespace_after_arg=cst.SimpleWhitespace(""))
    args.append(new_arg.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg))
    return call.with_changes(args=args)


def append_positional(call: cst.Call, value: cst.BaseExpression) -> cst.Call:
    """`f(a)` -> `f(a, value)`; `f()` -> `f(value)`."""
    args = list(call.args)
    if args:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args, cst.Arg(value)])


def _separator(call: cst.Call) -> cst.BaseParenthesizableWhitespace:
    """The whitespace after the last comma between arguments (a newline and indent for one argument
    per line), or, for a single argument on its own line, the whitespace after `(`."""
    for arg in reversed(call.args[:-1]):
        if isinstance(arg.comma, cst.Comma):
            return arg.comma.whitespace_after
    if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return call.whitespace_before_args
    return cst.SimpleWhitespace(" ")


def dict_entry(display: cst.Dict, key: str) -> cst.DictElement | None:
    """The entry of a dict display whose key is the string `key`."""
    for element in display.elements:
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
            if element.key.evaluated_value == key:
                return element
    return None


def set_keys(display: cst.Dict, keys: dict[str, cst.BaseExpression]) -> cst.Dict:
    """`display` with each key's entry set to its value: replaced where present, else added after
    the last entry, in the display's own quotes and layout."""
    elements = list(display.elements)
    for key, value in keys.items():
        entry = dict_entry(display, key)
        if entry is not None:
            index = next(i for i, e in enumerate(display.elements) if e is entry)
            elements[index] = elements[index].with_changes(value=value)
            continue
        new = cst.DictElement(cst.SimpleString(_quoted(key, display)), value,
                              whitespace_after_colon=cst.SimpleWhitespace(" "))
        if elements:
            last = elements[-1]
            separator = next((e.comma.whitespace_after for e in reversed(elements[:-1]) if isinstance(e.comma, cst.Comma)),
                             cst.SimpleWhitespace(" "))
            elements[-1] = last.with_changes(comma=cst.Comma(whitespace_after=separator))
            new = new.with_changes(comma=last.comma)
        elements.append(new)
    return display.with_changes(elements=elements)


def override_keys(value: cst.BaseExpression, keys: dict[str, cst.BaseExpression]) -> cst.Dict:
    """`{**value, "key": new, ...}`: the dict `value` evaluates to, with the keys overridden."""
    first = cst.StarredDictElement(value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    entries = [cst.DictElement(cst.SimpleString(f'"{key}"'), new, whitespace_after_colon=cst.SimpleWhitespace(" "),
                               comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
               for key, new in keys.items()]
    entries[-1] = entries[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return cst.Dict([first, *entries])


def _quoted(key: str, display: cst.Dict) -> str:
    quote = next((e.key.quote for e in display.elements
                  if isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)), '"')
    return f"{quote}{key}{quote}"


def is_literal(node: cst.BaseExpression, code: str) -> bool:
    """True if `node` is the simple literal written `code` (False, 1, 1.0, None)."""
    if isinstance(node, cst.Name):
        return node.value == code
    if isinstance(node, (cst.Integer, cst.Float)):
        return node.value == code
    return False


def comment_lines(rule: str, text: str) -> list[cst.EmptyLine]:
    """`text` (possibly several lines of code) as comment lines tagged with the rule id."""
    prefix = COMMENT_PREFIX.format(rule=rule)
    lines = [line.rstrip() for line in text.splitlines()] or [""]
    return [
        cst.EmptyLine(indent=True, comment=cst.Comment(f"{prefix} {line}".rstrip()))
        for line in lines
    ]


def dotted(name: str) -> cst.BaseExpression:
    """`a.b.c` as an expression."""
    parts = name.split(".")
    node: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def is_import(statement: cst.CSTNode) -> bool:
    """An import line, or a try block that only imports (the `try: import x except` idiom)."""
    if isinstance(statement, cst.SimpleStatementLine):
        return all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body)
    if isinstance(statement, cst.Try) and isinstance(statement.body, cst.IndentedBlock):
        return all(is_import(s) for s in statement.body.body)
    return False


def leading_imports_end(body: Sequence[cst.CSTNode]) -> int:
    """Index of the first statement after the docstring and the leading import block. The block runs
    to the last import before the first def, class or other compound statement, so what stands between
    imports (`os.environ["KERAS_BACKEND"] = ...`, `sys.path.insert(...)`) stays before the seed block."""
    start = 1 if body and is_docstring(body[0]) else 0
    end = start
    for index in range(start, len(body)):
        statement = body[index]
        if is_import(statement):
            end = index + 1
        elif not isinstance(statement, cst.SimpleStatementLine):
            break
    return end
