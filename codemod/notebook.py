"""Jupyter notebooks, rewritten as one program.

A notebook's code cells run top to bottom in one namespace, so they are handed to `transforms` as one
Python program: each cell's code in turn, each followed by a separator line. What IPython accepts
but Python does not (line magics `%time`, shell escapes `!pip`, `x = !ls`, help `obj?`) is masked
by a `pass` placeholder at the line's indentation; a cell whose cell magic runs something else than
Python (`%%bash`, `%%writefile`) is left out; the magic line of a Python one (`%%time`) is kept
aside. After the rewrite the program is cut back into cells at the separators and the masked lines
are put back, so nothing but the code reprofix changed differs.

The separators also place the seed block where a notebook needs it: it goes after the program's
leading imports (transforms' rule for scripts), and the separator after the first cell holding an
import is a compound statement, which ends the leading imports there. So the block lands in the
first code cell that imports something, after its imports, or at the top of the first code cell when
code comes before any import.

Any valid nbformat-4 notebook is taken, whatever wrote it (Jupyter, JupyterLab, VS Code, Colab,
Kaggle, nbconvert, papermill: indented by one or two spaces or not at all, keys in any order, a
source as a list of lines or one string, CRLF or LF, a final newline or none). The file is never
written anew: each changed cell's `source` value is replaced where it stands in the original text,
written as that value was (a list of lines laid out as its neighbours, or one string; non-ASCII
escaped as the file escapes it), so the new bytes differ from the old ones only in the changed cells'
sources, and the patch is a plain diff of them.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field

from ._rules import Finding

SUFFIX = ".ipynb"
# Cell magics whose body is Python: their cell is rewritten (the magic line stays as it is).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})

_IPYTHON_LINE = re.compile(
    r"[ \t]*(?:[%!?]"  # %magic, !shell, ?help
    r"|[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*[%!]"  # x = !ls, files = %sx ls
    r"|[A-Za-z_][\w.]*\?\??[ \t]*$)"  # obj?, obj??
)
_OPEN, _CLOSE = "([{", ")]}"


class NotebookError(Exception):
    """The notebook cannot be taken; the message is one line, without the path."""


def is_notebook(path: str) -> bool:
    return path.endswith(SUFFIX)


@dataclass(frozen=True)
class CellFinding(Finding):
    """A finding in a notebook: `line` and `col` within cell `cell` (1-based, every cell counted,
    markdown included), and where that is in the notebook's JSON file (`file_line`, `file_col`)."""

    cell: int = 0
    file_line: int = 0
    file_col: int = 0


def where(book: "Notebook | None", line: int, col: int) -> str:
    """`line:col` of a file's code, `cell N:line:col` in a notebook (`book`'s program)."""
    return book.where(line, col) if book is not None else f"{line}:{col}"


def location(finding: Finding) -> str:
    """`line:col`, or `cell N:line:col` in a notebook."""
    if isinstance(finding, CellFinding) and finding.cell:
        return f"cell {finding.cell}:{finding.line}:{finding.col}"
    return f"{finding.line}:{finding.col}"


@dataclass
class _Cell:
    index: int  # in the notebook's cells, 0-based
    header: str  # a Python cell magic's line (with its newline), kept out of the program
    body: str  # the code handed to transforms, masked
    start: int = 0  # its first line in the program, 1-based
    masked: dict[str, str] = field(default_factory=dict)  # placeholder line -> the line it hides

    @property
    def lines(self) -> int:
        return self.body.count("\n") + 1

    def source(self, body: str) -> str:
        """The cell's source from its body in the rewritten program: the masked lines put back, the
        header in front."""
        body = body[:-1] if body.endswith("\n") else body
        if body.startswith("\n") and not self.body.startswith("\n"):
            body = body[1:]  # the seed block at the top of a cell: no blank line above it there
        masked = dict(self.masked)
        restored = []
        for line in body.split("\n"):
            original = masked.pop(line, None)
            restored.append(line if original is None else original)
        if masked:
            raise NotebookError("internal error: a masked line did not come back from the rewrite")
        return self.header + "\n".join(restored)


class Notebook:
    """One notebook: its cells as one program (`program`), positions in that program mapped back to
    cells, and the program's rewrite put back into the notebook (`render`)."""

    def __init__(self, data: bytes):
        import nbformat

        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise NotebookError(f"not UTF-8 (byte 0x{data[error.start]:02x}); Jupyter writes notebooks in UTF-8") from None
        self.newline = "\r\n" if "\r\n" in text else "\n"
        _check_layout(text)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                self.nb = nbformat.reader.reads(text)
            except (nbformat.reader.NotJSONError, ValueError) as error:
                raise NotebookError(f"not a notebook: {_first_line(error)}") from None
            except Exception as error:  # nbformat's own complaints about the content
                raise NotebookError(f"not a notebook nbformat can read: {_first_line(error)}") from None
            try:
                nbformat.validate(self.nb)
            except nbformat.ValidationError as error:
                raise NotebookError(f"not a valid notebook: {_first_line(error)}") from None
        self.text = text
        self.spans = _source_spans(text)
        if len(self.spans) != len(self.nb.cells):
            raise NotebookError("internal error: the cells' sources were not all found in the file")
        language = self.nb.metadata.get("kernelspec", {}).get("language") or \
            self.nb.metadata.get("language_info", {}).get("name") or "python"
        self.language = str(language)
        self.cells = self._cells()
        self.separators, program = self._program()
        self.program = program.encode("utf-8")

    @property
    def python(self) -> bool:
        return self.language.lower() == "python"

    # -- the program ------------------------------------------------------------------------------

    def _cells(self) -> list[_Cell]:
        code = [(i, c.source) for i, c in enumerate(self.nb.cells) if c.cell_type == "code"]
        self.tag = "_reprofix_cell"
        while any(self.tag in source for _, source in code):
            self.tag += "_"
        cells = []
        for index, source in code:
            header = ""
            if source.startswith("%%"):
                first, _, rest = source.partition("\n")
                if (first[2:].split() or [""])[0] not in PYTHON_CELL_MAGICS:
                    continue  # not Python: left as it is
                header, source = first + "\n", rest
            cell = _Cell(index, header, "")
            cell.body = self._mask(source, cell)
            cells.append(cell)
        return cells

    def _mask(self, source: str, cell: _Cell) -> str:
        """The cell's code with every IPython-only line (at the start of a logical line) replaced by a
        placeholder statement at its indentation; a backslash continues the masked line."""
        out = []
        depth, quote, continued, masking = 0, None, False, False
        for line in source.split("\n"):
            if masking or (depth == 0 and quote is None and not continued and _IPYTHON_LINE.match(line)):
                if not masking:  # a continuation line stands at the indentation of the line it continues
                    indent = line[: len(line) - len(line.lstrip(" \t"))]
                placeholder = f"{indent}pass  # {self.tag} {cell.index} {len(cell.masked)}"
                cell.masked[placeholder] = line
                out.append(placeholder)
                masking = line.rstrip("\r").endswith("\\")
                continue
            out.append(line)
            depth, quote, continued = _scan(line, depth, quote)
        return "\n".join(out)

    def separator(self, number: int, compound: bool) -> str:
        return f"if {self.tag}_{number}: pass" if compound else f"{self.tag}_{number}"

    def _program(self) -> tuple[list[str], str]:
        """(the separator after each cell, the program): the separators are compound statements from
        the first cell holding an import on, to end the leading imports there (see the module's doc)."""
        separators, parts = [], []
        line = 1
        compound = False
        for number, cell in enumerate(self.cells):
            cell.start = line
            compound = compound or bool(re.search(r"^(?:import|from)[ \t]", cell.body, re.MULTILINE))
            separators.append(self.separator(number, compound))
            parts.append(f"{cell.body}\n{separators[-1]}\n")
            line += cell.lines + 1
        return separators, "".join(parts)

    # -- positions ----------------------------------------------------------------------------------

    def position(self, line: int) -> tuple[int, int]:
        """(cell number, line in that cell) for a line of the program; the separator after a cell
        counts as the line after its last. (0, 0) for a line that is not in a cell."""
        for cell in reversed(self.cells):
            if cell.start <= line:
                return cell.index + 1, line - cell.start + 1 + (1 if cell.header else 0)
        return 0, 0

    def where(self, line: int, col: int) -> str:
        """`cell N:line:col` for a position in the program."""
        cell, in_cell = self.position(line)
        return f"cell {cell}:{in_cell}:{col}" if cell else f"{line}:{col}"

    def located(self, findings) -> tuple[CellFinding, ...]:
        out = []
        for f in findings:
            cell, line = self.position(f.line)
            file_line, file_col = self._file_position(cell, line, f.col)
            out.append(CellFinding(f.rule, line, f.col, f.message, f.kind, cell, file_line, file_col))
        return tuple(out)

    def _file_position(self, cell: int, line: int, col: int) -> tuple[int, int]:
        """Where line `line`, column `col` of cell `cell` stands in the JSON file: in the string of its
        `source` list that holds that line, or in its one `source` string."""
        if not cell:
            return 0, 0
        span = self.spans[cell - 1]
        source = self.nb.cells[cell - 1].source.splitlines(True)
        if not source:
            return self._line_col(span.start)
        line = min(line, len(source))
        prefix = source[line - 1][: max(col - 1, 0)]
        if span.items is not None and len(span.items) >= line:
            offset = span.items[line - 1] + len(json.dumps(prefix, ensure_ascii=span.ascii)) - 1
        else:  # one string: the lines before, then the prefix, as the string writes them
            before = "".join(source[: line - 1]) + prefix
            offset = span.start + len(json.dumps(before, ensure_ascii=span.ascii)) - 1
        return self._line_col(offset)

    def list_layout(self, at: int) -> tuple[str, str, str]:
        """(opening, between, closing) of a list written at `at` with nothing in it before: one string
        a line, one indent step below the line it starts on (none in a file on one line)."""
        if "\n" not in self.text:
            return "", ",", ""
        line_start = self.text.rfind("\n", 0, at) + 1
        indent = re.match(r"[ \t]*", self.text[line_start:]).group()
        step = re.search(r"\n([ \t]+)\S", self.text)
        inner = indent + (step.group(1) if step else " ")
        return self.newline + inner, "," + self.newline + inner, self.newline + indent

    def _line_col(self, offset: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1

    # -- back into the notebook ---------------------------------------------------------------------

    def render(self, program: bytes) -> bytes:
        """The notebook with the rewritten program put back into its cells: each changed cell's
        `source` value replaced in the original text, written as the file writes it."""
        replaced = []
        for cell, body in zip(self.cells, self._bodies(program.decode("utf-8"))):
            source = cell.source(body)
            if source != self.nb.cells[cell.index].source:
                span = self.spans[cell.index]
                replaced.append((span, span.write(source, self)))
        text = self.text
        for span, value in sorted(replaced, key=lambda pair: pair[0].start, reverse=True):
            text = text[:span.start] + value + text[span.end:]
        return text.encode("utf-8")

    def _bodies(self, text: str) -> list[str]:
        """The rewritten program cut back into the cells' bodies at the separators."""
        bodies, current, expected = [], [], 0
        for line in text.splitlines(True):
            if expected < len(self.separators) and line.rstrip("\r\n") == self.separators[expected]:
                bodies.append("".join(current))
                current, expected = [], expected + 1
            else:
                current.append(line)
        if expected != len(self.separators) or current:
            raise NotebookError("internal error: the cells did not come back from the rewrite")
        return bodies


def _check_layout(text: str) -> None:
    """What makes a file no notebook, in words, before nbformat reads it (its own messages name
    Python's types, or `version None`): empty, not JSON, not an object, no `nbformat` 4, no cells."""
    if not text.strip():
        raise NotebookError("an empty file, not a notebook (a notebook is JSON holding `nbformat`: 4 and its `cells`)")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise NotebookError(f"not a notebook: not valid JSON ({_first_line(error)})") from None
    if not isinstance(data, dict):
        raise NotebookError(f"not a notebook: its JSON is {_json_kind(data)}, not an object holding `nbformat`: 4 "
                            "and its `cells`")
    version = data.get("nbformat")
    if version is None:
        raise NotebookError("not a notebook: its JSON has no nbformat version (a notebook's top level holds "
                            "`nbformat`: 4 and its `cells`)")
    if not isinstance(version, int) or isinstance(version, bool):
        raise NotebookError(f"damaged notebook: its `nbformat` is {_json_kind(version)} ({json.dumps(version)}), "
                            "not the number 4")
    if version != 4:
        raise NotebookError(f"notebook format {version}, and reprofix reads version 4 only; open and save it in "
                            "Jupyter to convert it")
    if not isinstance(data.get("cells"), list):
        found = "no `cells`" if "cells" not in data else f"`cells` that is {_json_kind(data['cells'])}"
        raise NotebookError(f"damaged notebook: it has {found}, where a notebook has a list of cells")


def _json_kind(value) -> str:
    kinds = ((bool, "a boolean"), (int, "a number"), (float, "a number"), (str, "a string"), (list, "a list"),
             (dict, "an object"))
    return "null" if value is None else next(name for kind, name in kinds if isinstance(value, kind))


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _scan(line: str, depth: int, quote: str | None) -> tuple[int, str | None, bool]:
    # complexity: a lexer's view of one line, character by character, in one pass
    """Bracket depth, open triple quote and backslash continuation after `line`, from those before it
    (a lexer's view: strings and comments do not count)."""
    i, n = 0, len(line)
    while i < n:
        if quote is not None:
            end = line.find(quote, i)
            while end > 0 and _escaped(line, end):
                end = line.find(quote, end + 1)
            if end < 0:
                return depth, quote, False
            i, quote = end + len(quote), None
            continue
        char = line[i]
        if char == "#":
            break
        if char in "'\"":
            triple = line[i : i + 3]
            if triple == char * 3:
                quote, i = triple, i + 3
                continue
            end = i + 1
            while end < n and (line[end] != char or _escaped(line, end)):
                end += 1
            i = end + 1
            continue
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        i += 1
    return depth, quote, line.rstrip("\r").endswith("\\") and quote is None


def _escaped(line: str, at: int) -> bool:
    backslashes = len(line[:at]) - len(line[:at].rstrip("\\"))
    return backslashes % 2 == 1


@dataclass
class _Span:
    """Where a cell's `source` value stands in the notebook's text, and how it is written."""
    start: int  # the value's first character (`[` or `"`)
    end: int  # after its last
    items: list | None  # a list's strings' starts; None for one string
    ascii: bool  # the file escapes non-ASCII characters (`\u00e9`)
    opening: str = ""  # a list's text between `[` and its first string
    between: str = ","  # between two strings
    closing: str = ""  # between the last string and `]`

    def write(self, source: str, book: "Notebook") -> str:
        """`source` written as this value was: a list of its lines laid out as the old list was, or one
        string."""
        if self.items is None:
            return json.dumps(source, ensure_ascii=self.ascii)
        lines = source.splitlines(True)
        if not lines:
            return "[]"
        opening, between, closing = self.opening, self.between, self.closing
        if not self.items:  # `[]` before: laid out as the file lays out lists, below this key's indent
            opening, between, closing = book.list_layout(self.start)
        return "[" + opening + between.join(json.dumps(line, ensure_ascii=self.ascii) for line in lines) + closing + "]"


class _Reader:
    """Just enough of a JSON reader to find where each cell's `source` is in a notebook's text (Python's
    json module gives values, not places); the text is known to be valid JSON."""

    _SPACE = re.compile(r"[ \t\r\n]*")
    _SCALAR = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")

    def __init__(self, text: str):
        self.text = text
        self.ascii = bool(re.search(r"\\u00[89a-fA-F][0-9a-fA-F]|\\u0[1-9a-fA-F][0-9a-fA-F]{2}|\\u[1-9a-fA-F][0-9a-fA-F]{3}",
                                    text)) and not any(ord(c) > 127 for c in text)

    def space(self, at: int) -> int:
        return self._SPACE.match(self.text, at).end()

    def value(self, at: int) -> int:
        """The end of the value starting at `at`."""
        char = self.text[at]
        if char == "{":
            return self.members(at, lambda key, start, end: None)
        if char == "[":
            return self.elements(at)[0]
        if char == '"':
            return json.decoder.scanstring(self.text, at + 1)[1]
        return self._SCALAR.match(self.text, at).end()

    def members(self, at: int, found) -> int:
        """Walk an object from its `{`, calling found(key, start, end) for each member; its end."""
        at = self.space(at + 1)
        if self.text[at] == "}":
            return at + 1
        while True:
            key, at = json.decoder.scanstring(self.text, at + 1)
            at = self.space(self.space(at) + 1)  # past the colon
            end = self.value(at)
            found(key, at, end)
            at = self.space(end)
            if self.text[at] == "}":
                return at + 1
            at = self.space(at + 1)

    def elements(self, at: int) -> tuple[int, list]:
        """(the end, each element's (start, end)) of an array from its `[`."""
        items = []
        at = self.space(at + 1)
        if self.text[at] == "]":
            return at + 1, items
        while True:
            end = self.value(at)
            items.append((at, end))
            at = self.space(end)
            if self.text[at] == "]":
                return at + 1, items
            at = self.space(at + 1)


def _source_spans(text: str) -> list[_Span]:
    """Each cell's `source` value, in cell order."""
    reader = _Reader(text)
    cells: list = []

    def top(key: str, start: int, end: int) -> None:
        if key == "cells":
            cells.extend(reader.elements(start)[1])

    reader.members(reader.space(0), top)
    spans = []
    for start, _ in cells:
        found: list = []
        reader.members(start, lambda key, s, e: found.append((s, e)) if key == "source" else None)
        if found:
            spans.append(_span(reader, *found[0]))
    return spans


def _span(reader: _Reader, start: int, end: int) -> _Span:
    text = reader.text
    if text[start] == '"':
        return _Span(start, end, None, reader.ascii)
    items = reader.elements(start)[1]
    span = _Span(start, end, [s for s, _ in items], reader.ascii)
    if items:
        span.opening = text[start + 1:items[0][0]]
        span.closing = text[items[-1][1]:end - 1]
        span.between = text[items[0][1]:items[1][0]] if len(items) > 1 else "," + span.opening
    return span