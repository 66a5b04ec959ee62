"""The seed block: every global seed of every framework a script uses, fixed in one marked block
after the script's leading imports."""

from __future__ import annotations

import functools

import libcst as cst

from . import codegen
from .context import name_is_free
from .cstutil import leading_imports_end
from .facts import SeedBlock
from .markers import COMMENT_PREFIX, SEED_BLOCK_END, SEED_BLOCK_START
from .parse.index import FileIndex


STANDARD = frozenset({"os", "random"})  # modules of Python's own, always there


def code(blocks: list[SeedBlock], file_index: FileIndex, seed: int) -> str:
    """The block's statements, fully qualified; a module whose name the file binds to something else
    is imported under a private alias. A module the file does not import itself, unconditionally, at
    module level (one it imports in a `try`, reaches through a project module, or numpy where only the
    framework is imported) may be missing: it is imported in a `try`, and what uses it runs only where
    it was found, so the block never stops a script that would run without it."""
    imports: list[str] = []
    lines: list[str] = []
    for block in blocks:
        imports += [m for m in block.imports if m not in imports]
        lines += [line for line in block.lines if line not in lines]
    names: dict[str, str] = {}
    optional: dict[str, str] = {}  # module -> the name that is None where it is missing
    required = set(file_index.required_roots)
    for block in blocks:
        if required.intersection(block.roots):
            required.update(block.brings)
    import_lines = []
    for module in imports:
        root = module.split(".")[0]
        if root not in STANDARD and root not in required:
            alias = optional[module] = names[module] = "_reprofix_" + module.replace(".", "_")
            import_lines.append(f"try:\n    import {module} as {alias}\nexcept ImportError:  # not installed: nothing "
                                f"of it to seed\n    {alias} = None")
        elif name_is_free(root, file_index):
            names[module] = module
            import_lines.append(f"import {module}")
        else:
            alias = "_reprofix_" + module.replace(".", "_")
            names[module] = alias
            import_lines.append(f"import {module} as {alias}")
    body = "\n".join(_guarded(lines, optional)).replace("{seed}", str(seed))
    for module in sorted(names, key=len, reverse=True):
        body = body.replace("{mod:" + module + "}", names[module])
    return "\n".join(import_lines) + "\n" + body + "\n"


def _guarded(lines: list[str], optional: dict[str, str]) -> list[str]:
    """Each line that uses a module that may be missing, under an `if` that it was found (lines
    needing the same modules share one)."""
    out: list[str] = []
    current: tuple[str, ...] = ()
    for line in lines:
        needs = tuple(alias for module, alias in optional.items() if "{mod:" + module + "}" in line)
        if needs and needs == current:
            out[-1] += "\n" + _indented(line)
        elif needs:
            out.append(f"if {' and '.join(f'{alias} is not None' for alias in needs)}:\n" + _indented(line))
        else:
            out.append(line)
        current = needs
    return out


def _indented(line: str) -> str:
    return "\n".join("    " + part if part else part for part in line.split("\n"))


@functools.lru_cache(maxsize=16)
def _parsed(block: str) -> tuple[cst.BaseStatement, ...]:
    """The block's statements (the same few blocks come back file after file; nodes never change)."""
    return tuple(cst.parse_module(block).body)


def prelude(imports: list[str], blocks: list[SeedBlock], file_index: FileIndex, seed: int,
            definitions: dict[str, tuple[str, str]] | None = None):
    """Statements to insert after the leading imports (new imports, the seed block, then the
    functions the new code calls: name -> (rule id, code)) and the lines that close them."""
    statements: list[cst.BaseStatement] = [
        cst.SimpleStatementLine([cst.Import([cst.ImportAlias(cst.parse_expression(m))])]) for m in imports
    ]
    after: list[cst.EmptyLine] = []
    if blocks:
        parsed = list(_parsed(code(blocks, file_index, seed)))
        parsed[0] = parsed[0].with_changes(
            leading_lines=[cst.EmptyLine(), cst.EmptyLine(comment=cst.Comment(SEED_BLOCK_START))]
        )
        statements += parsed
        after = [cst.EmptyLine(comment=cst.Comment(SEED_BLOCK_END))]
    for rule, text in (definitions or {}).values():
        function = _parsed(text)[0]
        statements.append(function.with_changes(leading_lines=[
            *after, cst.EmptyLine(), cst.EmptyLine(),
            cst.EmptyLine(comment=cst.Comment(COMMENT_PREFIX.format(rule=rule) + " added: remove with `reprofix revert`")),
        ]))
        after = [cst.EmptyLine()] * _blank_lines_wanted(file_index.module)
    if file_index.module.default_indent.strip(" \t"):  # a form feed in the file's first indent
        statements = [statement.visit(_FourSpaces()) for statement in statements]
    return statements, after


def _blank_lines_wanted(module: cst.Module) -> int:
    """Blank lines to leave after an inserted function: two before what follows, counting its own."""
    rest = module.body[leading_imports_end(module.body):]
    if not rest:
        return 0
    own = 0
    for line in rest[0].leading_lines:
        if line.comment is not None:
            break
        own += 1
    return max(0, 2 - own)


class _FourSpaces(cst.CSTTransformer):
    """The block's own indentation, where the file's would not indent it (a block renders with the
    file's default indent, and a form feed there resets Python's column)."""

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        return updated_node.with_changes(indent="    ") if updated_node.indent is None else updated_node


def line(module: cst.Module, text: tuple[bytes, list[int]] | None = None) -> int:
    """The line where the block starts: after the docstring and the leading imports. `text`: (the
    code parsed, the line where each top-level statement's code starts), used when the lines fit
    the module (no render needed then)."""
    end = leading_imports_end(module.body)
    if end == 0:  # first of all, after the header's lines (a module with nothing at all renders a newline)
        return 1 + len(module.header)
    if text is not None and end < len(module.body) and codegen.statements_start(
            module, text[0], codegen.line_offsets(text[0]), text[1]):
        return text[1][end] - len(module.body[end].leading_lines)
    head = module.body[:end]
    head_code = codegen.code(module, module.with_changes(body=head, footer=(), has_trailing_newline=True))
    return head_code.count("\n") + 1
