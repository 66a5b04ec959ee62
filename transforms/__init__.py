"""The rewrites: parse one file once, run every rule of every framework it imports, render it.

Public surface used by the engine (`codemod`), which knows nothing about any framework:
`rewrite(source, options, script=...)`, `Options`, `might_need_rewrite(source)`, `RULES`,
`SourceError`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable

import libcst as cst

from . import index, partial, textscan
from .mindspore import TABLE as MINDSPORE
from .keras import TABLE as KERAS
from .paddle import TABLE as PADDLE
from .pytorch import TABLE as PYTORCH
from .rewriter import SEED_BLOCK_END, SEED_BLOCK_START, Analysis, Applier, Plan, name_is_free
from .rule import NOTE, REPORT, REWRITE, Example, Finding, Rule, SourceError
from .cstutil import COMMENT_MARK, leading_imports_end
from .table import FrameworkTable

FRAMEWORKS: tuple[FrameworkTable, ...] = (MINDSPORE, PYTORCH, KERAS, PADDLE)
FRAMEWORK_ROOTS = tuple(root for table in FRAMEWORKS for root in table.import_roots)
_ROOTS = tuple((t.name, tuple(root.encode() for root in t.import_roots)) for t in FRAMEWORKS)
RULES: dict[str, Rule] = {rule.id: rule for table in FRAMEWORKS for rule in table.rules}

__all__ = [
    "FRAMEWORKS", "RULES", "Example", "Finding", "Options", "Rule", "SourceError", "Rewritten",
    "REWRITE", "REPORT", "NOTE", "rewrite", "might_need_rewrite", "parsed_text", "MARKERS",
]
MARKERS = (SEED_BLOCK_START, COMMENT_MARK)  # text that only a reprofix rewrite leaves in a file


@dataclass(frozen=True)
class Options:
    seed: int = 1
    disabled: frozenset[str] = frozenset()  # rule ids to skip
    dropout_classes: tuple[str, ...] = ()  # the project's own dropout layers: made no-ops
    random_data_ops: tuple[str, ...] = ()  # the project's own random data ops: disabled
    project_modules: frozenset[str] = frozenset()  # top-level names of the project's own modules


@dataclass(frozen=True)
class Rewritten:
    code: bytes  # the new file, in the file's own encoding and line endings
    findings: tuple[Finding, ...]
    frameworks: tuple[str, ...]

    def changes(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == REWRITE]



def might_need_rewrite(source: bytes, options: Options = Options(), *, script: bool = False) -> bool:
    """A cheap text check, before any parse: can a rule fire in this file? An entry script that
    imports a framework always can (the seed block); any other file only if its code (strings and
    comments aside) is relevant (see `_relevance`)."""
    tables = _tables_named(source)
    if not tables:
        return False
    return script or _relevance(source, options, tables)(textscan.code_only(source))


def _tables_named(source: bytes) -> tuple[str, ...]:
    """The frameworks whose import roots the file's text names at all."""
    return tuple(name for name, roots in _ROOTS if any(root in source for root in roots))


def _relevance(source: bytes, options: Options, tables: tuple[str, ...]):
    """The file's trigger: a test of a piece of its code (strings and comments removed or blanked).

    A piece matters if it uses a keyword, method or name some rule reacts to without an import
    (`shuffle=`, `.map(`, `RandomCrop`, `Dropout`), or calls (or subclasses) a dotted name that the
    file's imports resolve to a name some rule reacts to (`nn.Dropout(` after
    `from mindspore import nn`), or uses a name an import binds to one (`Dropout as D`)."""
    generic = _generic_trigger(tables, options.dropout_classes + options.random_data_ops)
    aliases = textscan.words_pattern(_trigger_aliases(source))
    targets = textscan.import_bindings(source)  # relative targets (".x") match no table name

    def calls_a_trigger(code: bytes) -> bool:
        chains = set(_CHAIN.findall(code))
        for header in _CLASS_HEADER.findall(code):
            chains.update(_DOTTED.findall(header))
        for chain in chains:
            if chain.rpartition(b".")[2].lstrip(b" \t\r\n\\") not in _TRIGGER_LAST:
                continue  # most calls: no table knows a name ending so
            chain = _SPACE.sub(b"", chain)
            head, _, rest = chain.partition(b".")
            if head not in targets:
                continue
            suffix = "." + rest.decode() if rest else ""
            if any(target + suffix in _TRIGGER_NAMES for target in targets[head]):
                return True
        return False

    def relevant(code: bytes) -> bool:
        return generic(code) or bool(aliases and aliases.search(code)) or calls_a_trigger(code)

    return relevant


def _trigger_aliases(source: bytes) -> set[bytes]:
    """Local names the file's imports bind with `as` to a name some rule reacts to (`Dropout as D`)."""
    return {
        local.encode() for local, target in textscan.aliases(source).items()
        if target in _TRIGGER_NAMES
    }


@functools.lru_cache(maxsize=32)
def _generic_trigger(names: tuple[str, ...], extra: tuple[str, ...]) -> Callable[[bytes], bool]:
    """What needs no import to matter, for the frameworks a file mentions: dataset methods, library
    keywords, project class names. Each pattern runs only where its literal part occurs (a substring
    test costs a fraction of a regex search over the file)."""
    tables = [t for t in FRAMEWORKS if t.name in names]
    keywords = set().union(*(t.trigger_keywords() for t in tables))
    methods = set().union(*(t.trigger_methods() for t in tables))
    prefixes = {p for t in tables for p in t.random_name_prefixes}
    words = {t.dropout_name_part for t in tables} | {e.rsplit(".", 1)[-1] for e in extra}
    # Names count where they are used, not where the file defines them (`class RandomCrop:` in a
    # library): no rule looks at a definition's own name.
    unless_defined = rb"\b(?<!class )(?<!def )"
    checks = [(b"seed", re.compile(rb"seed\w*\s+is\s+not\s+None"))]
    checks += [(k.encode(), re.compile(rb"\b" + re.escape(k.encode()) + rb"\s*=")) for k in sorted(keywords)]
    checks += [(m.encode(), re.compile(rb"\.\s*" + re.escape(m.encode()) + rb"\s*\(")) for m in sorted(methods)]
    checks += [(p.encode(), re.compile(unless_defined + re.escape(p.encode()) + rb"[A-Z]\w*")) for p in sorted(prefixes)]
    checks += [(w.encode(), re.compile(unless_defined + rb"\w*" + re.escape(w.encode()))) for w in sorted(words) if w]

    def matches(code: bytes) -> bool:
        return any(literal in code and pattern.search(code) for literal, pattern in checks)

    return matches


def rewrite(source: bytes, options: Options = Options(), *, script: bool = True,
            parse: Callable[[bytes], cst.Module] = cst.parse_module) -> Rewritten:
    """Rewrite one file. `script` files (entry scripts) also get the seed block. `parse` is given
    exactly what libcst must parse (the engine bounds it).

    Raises SourceError when the file cannot be parsed.
    """
    skip, skeleton = _plan_parse(source, options, script)
    if skip:
        return Rewritten(source, (), ())
    if skeleton is not None:
        try:
            return _rewrite(parse(skeleton.code), source, options, script=script, skeleton=skeleton)
        except (cst.ParserSyntaxError, _Unrestorable, UnicodeDecodeError, LookupError, SyntaxError):
            pass  # parse it whole: that gives the exact error, or the exact result
    try:
        module = parse(source)
    except cst.ParserSyntaxError as error:
        raise _syntax_error(source, error) from None
    except UnicodeDecodeError as error:
        line = source.count(b"\n", 0, error.start) + 1
        col = error.start - (source.rfind(b"\n", 0, error.start) + 1) + 1
        raise SourceError(
            f"not valid {error.encoding} (byte 0x{source[error.start]:02x}); declare the encoding with a "
            "PEP 263 coding line or fix the file", line, col
        ) from None
    except (LookupError, SyntaxError) as error:
        raise SourceError(f"cannot decode the file: {error}") from None
    return _rewrite(module, source, options, script=script)


def _plan_parse(source: bytes, options: Options, script: bool) -> tuple[bool, partial.Skeleton | None]:
    """(no parse needed, the skeleton to parse instead of the whole file if any)."""
    tables = _tables_named(source)
    if not tables:
        return True, None
    if script:
        return False, None
    relevant = _relevance(source, options, tables)
    if not relevant(textscan.code_only(source)):
        return True, None
    return False, partial.skeleton(source, relevant, set(textscan.import_bindings(source)))


def parsed_text(source: bytes, options: Options = Options(), *, script: bool = True) -> bytes | None:
    """What `rewrite` hands to libcst for this file: None (nothing), the skeleton, or the file."""
    skip, skeleton = _plan_parse(source, options, script)
    return None if skip else skeleton.code if skeleton is not None else source


class _Unrestorable(Exception):
    """The rewritten skeleton did not give its skipped statements back whole."""


def _rewrite(module: cst.Module, source: bytes, options: Options, *, script: bool,
             skeleton: partial.Skeleton | None = None) -> Rewritten:
    seed = options.seed
    file_index = index.build(module)
    tables = [t for t in FRAMEWORKS if file_index.import_roots & set(t.import_roots)]
    if not tables:
        return Rewritten(source, (), ())
    analyses = [Analysis(table, file_index, options, FRAMEWORK_ROOTS) for table in tables]
    for analysis in analyses:
        analysis.run()
    pending = [node for analysis in analyses for _, node, _, _ in analysis.pending]
    where = index.positions(module, pending) if pending else {}
    if skeleton is not None:
        where = {node: (skeleton.original_line(line), col) for node, (line, col) in where.items()}
    plan = Plan()
    for analysis in analyses:
        analysis.resolve_findings(where)
        _merge(plan, analysis.plan)
    wants_block = script and SEED_BLOCK_START.encode() not in source and tables[0].rule("seed_block") not in options.disabled
    prelude, after = _prelude(plan, file_index, analyses, seed, wants_block)
    if wants_block:
        line = _line_after_imports(module)
        plan.findings.insert(0, Finding(tables[0].rule("seed_block"), line, 1, "seed block inserted", REWRITE))
    if not (prelude or plan.arg_edits or plan.replace or plan.splice or plan.drop_elements or plan.drop_statements):
        return Rewritten(source, tuple(plan.findings), tuple(t.name for t in tables))
    code = module.visit(Applier(plan, prelude, after, file_index.parents)).bytes
    if skeleton is not None:
        code = skeleton.restore(code)
        if code is None:
            raise _Unrestorable
    return Rewritten(code, tuple(plan.findings), tuple(t.name for t in tables))


def _syntax_error(source: bytes, error: cst.ParserSyntaxError) -> SourceError:
    """Python's own message and position where it has one (it says "Missing parentheses in call to
    'print'" for Python 2 code); libcst's otherwise."""
    try:
        compile(source, "<file>", "exec", dont_inherit=True)
    except SyntaxError as python_error:
        if python_error.lineno:
            return SourceError(f"syntax error: {python_error.msg}", python_error.lineno, python_error.offset or 1)
    except (ValueError, UnicodeDecodeError):
        pass
    return SourceError(f"syntax error: {error.message}", error.editor_line, error.editor_column)


def _merge(into: Plan, other: Plan) -> None:
    for call, edits in other.arg_edits.items():
        into.arg_edits.setdefault(call, []).extend(edits)
    into.replace.update(other.replace)
    into.splice.update(other.splice)
    into.drop_elements |= other.drop_elements
    into.drop_statements.update(other.drop_statements)
    for node, lines in other.comments.items():
        into.comments.setdefault(node, []).extend(lines)
    into.imports += [m for m in other.imports if m not in into.imports]
    into.findings += other.findings


def _prelude(plan: Plan, file_index: index.FileIndex, analyses: list[Analysis], seed: int, wants_block: bool):
    """Statements to insert after the leading imports: new imports, then the seed block."""
    statements: list[cst.BaseStatement] = [
        cst.SimpleStatementLine([cst.Import([cst.ImportAlias(cst.parse_expression(m))])])
        for m in plan.imports
    ]
    after: list[cst.EmptyLine] = []
    if wants_block:
        block = _seed_block_code(file_index, analyses, seed)
        parsed = list(cst.parse_module(block).body)
        parsed[0] = parsed[0].with_changes(
            leading_lines=[cst.EmptyLine(), cst.EmptyLine(comment=cst.Comment(SEED_BLOCK_START))]
        )
        statements += parsed
        after = [cst.EmptyLine(comment=cst.Comment(SEED_BLOCK_END))]
    return statements, after


def _seed_block_code(file_index: index.FileIndex, analyses: list[Analysis], seed: int) -> str:
    imports: list[str] = []
    lines: list[str] = []
    for analysis in analyses:
        block = analysis.t.seed_block
        imports += [m for m in block.imports if m not in imports]
        lines += [line for line in block.lines if line not in lines]
    names = {}
    import_lines = []
    for module in imports:
        root = module.split(".")[0]
        if name_is_free(root, file_index):
            names[module] = module
            import_lines.append(f"import {module}")
        else:  # the file binds this name to something else: import under a private alias
            alias = "_reprofix_" + module.replace(".", "_")
            names[module] = alias
            import_lines.append(f"import {module} as {alias}")
    body = "\n".join(lines).replace("{seed}", str(seed))
    for module in sorted(names, key=len, reverse=True):
        body = body.replace("{mod:" + module + "}", names[module])
    return "\n".join(import_lines) + "\n" + body + "\n"


def _line_after_imports(module: cst.Module) -> int:
    """The line where the seed block starts: after the docstring and the leading imports."""
    head = module.body[: leading_imports_end(module.body)]
    head_code = module.code_for_node(module.with_changes(body=head, footer=(), has_trailing_newline=True))
    return head_code.count("\n") + 1


_TRIGGER_NAMES = frozenset(name for table in FRAMEWORKS for name in table.trigger_names())
_TRIGGER_LAST = frozenset(name.rsplit(".", 1)[-1].encode() for name in _TRIGGER_NAMES)
_SEPARATOR = rb"[\s\\]*"  # what may stand around the dots of a dotted name (in brackets: newlines)
_CHAIN = re.compile(
    rb"(?<![\w.])(?<!def )(?<!class )([A-Za-z_]\w*(?:" + _SEPARATOR + rb"\." + _SEPARATOR + rb"[A-Za-z_]\w*)*)\s*\("
)
_CLASS_HEADER = re.compile(rb"\bclass\s+\w+\s*\(([^)]*)\)")
_DOTTED = re.compile(rb"[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*")
_SPACE = re.compile(rb"[\s\\]+")
