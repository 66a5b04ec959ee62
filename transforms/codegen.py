"""libcst's code generation, where reprofix spends it: rendering a node, finding where nodes start,
and rendering a rewritten file from the text of the statements it did not change.

libcst renders a node by calling each node's `_codegen` with a state that collects tokens; every
node also enters `state.record_syntactic_position`, a generator-based context manager that does
nothing in a plain render and costs about 40% of it. The states here are libcst's own with that
entry made a shared no-op, or (for positions) a plain object recording only the nodes asked for.
Their output is libcst's, byte for byte: `Module.code_for_node` and `PositionProvider` are the
reference, and tests compare them on real code.
"""

from __future__ import annotations

import libcst as cst
from libcst._nodes.internal import CodegenState


class _Nothing:
    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> bool:
        return False


_NOTHING = _Nothing()


class _State(CodegenState):
    """libcst's plain state, without the cost of the position hooks it ignores."""

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        return _NOTHING


def code(module: cst.Module, node: cst.CSTNode) -> str:
    """`module.code_for_node(node)`."""
    state = _State(default_indent=module.default_indent, default_newline=module.default_newline)
    node._codegen(state)
    return "".join(state.tokens)


class _Tracking(_State):
    """A render that records where the nodes in `wanted` start, as libcst's PositionProvider does
    (the start of their syntactic part where the node records one, else where its code starts),
    lines counted as `\n` bytes count them."""

    def __init__(self, module: cst.Module, wanted: set[cst.CSTNode], line: int):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.wanted = wanted
        self.line, self.column = line, 0
        self.plain: dict[cst.CSTNode, tuple[int, int]] = {}
        self.syntactic: dict[cst.CSTNode, tuple[int, int]] = {}

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        newlines = value.count("\n")  # a lone `\r` (inside a string) starts no line here, as in the engine
        if newlines:
            self.line += newlines
            self.column = len(value) - value.rindex("\n") - 1
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node in self.wanted:
            self.plain[node] = (self.line, self.column)

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        if node in self.wanted:
            if start_node is not None:  # (an indented block: where its first statement starts)
                return _Hoisted(self, node, start_node)
            self.syntactic[node] = (self.line, self.column)
        return _NOTHING

    def start(self, node: cst.CSTNode) -> tuple[int, int]:
        """1-based line and column (of its leading parenthesis, if it has one)."""
        line, column = (None if getattr(node, "lpar", None) else self.syntactic.get(node)) or self.plain[node]
        return line, column + 1


class _Hoisted:
    __slots__ = ("state", "node", "start_node")

    def __init__(self, state: _Tracking, node: cst.CSTNode, start_node: cst.CSTNode):
        self.state, self.node, self.start_node = state, node, start_node
        state.wanted = state.wanted | {start_node}

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> bool:
        state = self.state
        state.syntactic[self.node] = state.syntactic.get(self.start_node) or state.plain[self.start_node]
        return False


def positions(module: cst.Module, statement: cst.CSTNode, line: int,
              nodes: list[cst.CSTNode]) -> tuple[str, dict[cst.CSTNode, tuple[int, int]]]:
    """(the code of a top-level statement of `module`, 1-based (line, column) where each of `nodes`
    in it starts), the statement's code starting at `line`."""
    state = _Tracking(module, set(nodes), line)
    statement._codegen(state)
    return "".join(state.tokens), {node: state.start(node) for node in nodes}


def module_bytes(module: cst.Module) -> bytes:
    """`module.bytes`."""
    state = _State(default_indent=module.default_indent, default_newline=module.default_newline)
    module._codegen(state)
    return "".join(state.tokens).encode(module.encoding)


def rewritten(original: cst.Module, new: cst.Module, text: bytes, starts: list[int]) -> bytes:
    """`new.bytes`, where `new` is `original` rewritten and `original` was parsed from `text`, whose
    top-level statements' code starts at the 1-based lines `starts`: each top-level statement `new`
    keeps as it was is copied from `text`, only the others are rendered. Rendered whole when the
    lines do not fit the module, or its header, footer or trailing newline changed."""
    lines = line_offsets(text)
    if lines[-1] != len(text):
        lines.append(len(text))  # (the end of a text without a last newline: one line more)
    firsts = [start - len(statement.leading_lines) for start, statement in zip(starts, original.body)]
    if not _fits(original, new, text, lines, starts, firsts):
        return module_bytes(new)
    ends = [*firsts[1:], len(lines) - len(original.footer)]  # (the footer's first line; the last `line` is the end)
    spans = {id(statement): (lines[first - 1], lines[end - 1])
             for statement, first, end in zip(original.body, firsts, ends)}
    parts = [text[: lines[firsts[0] - 1]]]
    for statement in new.body:
        span = spans.get(id(statement))
        parts.append(text[span[0] : span[1]] if span else code(new, statement).encode(new.encoding))
    parts.append(text[lines[ends[-1] - 1] :])
    return b"".join(parts)


def line_offsets(text: bytes) -> list[int]:
    """Where each line of `text` starts."""
    offsets = [0]
    at = text.find(b"\n")
    while at >= 0:
        offsets.append(at + 1)
        at = text.find(b"\n", at + 1)
    return offsets


def statements_start(module: cst.Module, text: bytes, offsets: list[int], starts: list[int]) -> bool:
    """Do `starts` name one line of `text` (`offsets`: where its lines start) per top-level statement
    of `module`, in order, each with code in its first column?"""
    return (len(starts) == len(module.body) and all(a < b for a, b in zip(starts, starts[1:]))
            and all(0 < s <= len(offsets) and text[offsets[s - 1] : offsets[s - 1] + 1] not in _NO_CODE for s in starts))


_NO_CODE = (b" ", b"\t", b"#", b"\n", b"\r", b"")


def _fits(original: cst.Module, new: cst.Module, text: bytes, lines: list[int], starts: list[int],
          firsts: list[int]) -> bool:
    """Do the statement lines fit the module: one per top-level statement, in order, after the
    header's lines, each at a line where code starts at the first column; and did the rewrite keep
    the module's own parts?"""
    same = (new.header is original.header or new.header == original.header) and (
        new.footer is original.footer or new.footer == original.footer)
    newline = original.has_trailing_newline
    if not (same and original.body and new.has_trailing_newline == newline == text.endswith(b"\n")
            and statements_start(original, text, lines, starts)):
        return False
    if not (newline or original.footer or new.body[-1] is original.body[-1]):
        return False  # (a last statement rendered would bring the newline the file does not end with)
    if firsts[0] != 1 + len(original.header) or any(b <= a for a, b in zip(firsts, firsts[1:])):
        return False
    return firsts[-1] < len(lines) - len(original.footer)
