"""One file's rewrite, start to end:

    text check -> choose how to parse -> index -> fixers -> seed block -> render -> restore pieces

Each step is one call below. A file no rule can touch is never parsed; any other is parsed in pieces
(`partial`: only the statements a rule can touch, with what they depend on), or whole, once, with
libcst where the pieces cannot be trusted.
"""

from __future__ import annotations

import dataclasses

import re
from dataclasses import dataclass
from typing import Callable

import libcst as cst

from . import codegen, cstutil, fixers, seedblock
from .context import RNG_MODULES, Context
from .markers import SEED_BLOCK_START
from .options import Options
from .parse import index, partial, textscan
from .parse.textcheck import TRIGGER_NAMES, flows_need_the_whole_file, frameworks_named, relevance
from .plan import Applier
from .rule import REPORT, REWRITE, Finding, SourceError
from .tables import aliases, textrules
from .tables.frameworks import FRAMEWORK_ROOTS, FRAMEWORKS


@dataclass(frozen=True)
class Rewritten:
    code: bytes  # the new file, in the file's own encoding and line endings
    findings: tuple[Finding, ...]
    frameworks: tuple[str, ...]  # the frameworks the file uses


def exported_classes(source: bytes) -> dict[str, str]:
    """From a file's text: its top-level classes that subclass a name some rule reacts to and define
    no `__init__` (nor `__new__`) of their own, so that they take their base's arguments: class name
    -> the base's qualified name. The engine hands them to the files that import them."""
    if b"class" not in source or not frameworks_named(source):
        return {}
    targets = textscan.import_bindings(source)
    # the lines that may start such a class first (a cheap look); the statements only if one may
    if not any(_known_base(bases, targets) for bases in _TOP_LEVEL_BASES.findall(source)):
        return {}
    chunks = partial.split(source) or []
    found = {}
    for i, chunk in enumerate(chunks):
        header = _class_without_init(chunks, i)
        base = _known_base(header.group(2), targets) if header is not None else None
        if base is not None:
            found[header.group(1).decode()] = base
    return found


def _class_without_init(chunks: list, i: int) -> re.Match | None:
    """The header of chunk `i` if it is a top-level class with no `__init__`/`__new__` of its own."""
    chunk = chunks[i]
    if chunk.kind != b"class" or chunk.parent is not None:
        return None
    if any(_OWN_INIT.search(c.code) for j, c in enumerate(chunks) if j == i or c.parent == i):
        return None
    return _CLASS_HEADER.match(chunk.code)


def _known_base(bases: bytes, targets: dict[bytes, set[str]]) -> str | None:
    """The first base, through the file's imports, if some rule reacts to it."""
    head, _, rest = _SPACE.sub(b"", bases.split(b",")[0]).partition(b".")
    for target in targets.get(head, ()):
        name = aliases.canonical(target + ("." + rest.decode() if rest else ""))
        if name in TRIGGER_NAMES:
            return name
    return None


_CLASS_HEADER = re.compile(rb"class\s+(\w+)\s*\(([^)]*)\)")
_TOP_LEVEL_BASES = re.compile(rb"^class\s+\w+\s*\(([^)]*)\)", re.MULTILINE)
_OWN_INIT = re.compile(rb"\bdef\s+__(?:init|new)__\b")
_SPACE = re.compile(rb"\s+")


def might_need_rewrite(source: bytes, options: Options = Options(), *, script: bool = False,
                       inherits: tuple[str, ...] = ()) -> bool:
    """The text check: can a rule fire in this file? An entry script that imports a framework always
    can (the seed block); any other file only if its code is relevant (`textcheck`)."""
    return _relevant(source, options, script, inherits)[0]


def _relevant(source: bytes, options: Options, script: bool, inherits: tuple[str, ...] = ()):
    """(can a rule fire, the file's trigger for pieces of its code, or None when no rule can)."""
    frameworks = frameworks_named(source) or inherits
    if not frameworks:
        return False, None
    relevant = relevance(source, options.extra_names(), frameworks, frozenset(options.config_uses))
    return script or relevant(textscan.code_only(source)), relevant


def parsed_text(source: bytes, options: Options = Options(), *, script: bool = True,
                min_piece_bytes: int = partial.MIN_BYTES, inherits: tuple[str, ...] = ()) -> bytes | None:
    """What `rewrite` hands to libcst for this file: None (nothing), the skeleton, or the file."""
    skip, skeleton = _plan_parse(source, options, script, min_piece_bytes, inherits)
    return None if skip else skeleton.code if skeleton is not None else source


def skeleton(source: bytes, options: Options = Options(), *, script: bool = False,
             min_piece_bytes: int = 0) -> partial.Skeleton | None:
    """The skeleton a file would be parsed as, if any."""
    return _plan_parse(source, options, script, min_piece_bytes)[1]


BOM = b"\xef\xbb\xbf"


def rewrite(source: bytes, options: Options = Options(), *, script: bool = True, text_check: bool = True,
            min_piece_bytes: int = partial.MIN_BYTES, parse: Callable[[bytes], cst.Module] = cstutil.parse_module,
            through: dict[str, str] | None = None, inherits: tuple[str, ...] = ()) -> Rewritten:
    """Rewrite one file. `script` files (entry scripts) also get the seed block. Without
    `text_check`, the file is parsed whole whatever its text says (to prove the check sound); files
    of `min_piece_bytes` or more (by default every file) are parsed in pieces. `parse` is given
    exactly what libcst must parse (the engine bounds it). `through`: frameworks an entry script uses
    only through the project modules it imports (framework name -> the module that imports it): its
    seed block seeds them too. `inherits`: the frameworks whose rules apply to a file that imports
    none itself (a helper module of a project that uses them: its augmentations, its keywords).
    Raises SourceError when the file cannot be parsed."""
    if source.startswith(BOM):  # an editor's UTF-8 mark: kept, outside what is parsed and rewritten
        inner = rewrite(source[len(BOM):], options, script=script, text_check=text_check,
                        min_piece_bytes=min_piece_bytes, parse=parse, through=through, inherits=inherits)
        return Rewritten(BOM + inner.code, inner.findings, inner.frameworks)
    text_findings = textrules.findings(source, options.disabled)
    through = through if script else None
    skip, pieces = _plan_parse(source, options, script, min_piece_bytes, inherits) if text_check else (False, None)
    skip = skip and not through
    result = Rewritten(source, (), ())
    if pieces is not None:
        try:
            result = _rewrite(parse(pieces.code), source, options, script, pieces, through or {}, inherits)
        except (cst.ParserSyntaxError, _Unrestorable, UnicodeDecodeError, LookupError, SyntaxError):
            pieces = None  # parse it whole: that gives the exact error, or the exact result
    if not skip and pieces is None:
        result = _rewrite(_parse_whole(source, parse), source, options, script, through=through or {},
                          inherits=inherits)
    findings = sorted((*result.findings, *text_findings), key=lambda f: (f.line, f.col, f.rule))
    return Rewritten(result.code, tuple(findings), result.frameworks)


def _plan_parse(source: bytes, options: Options, script: bool, min_piece_bytes: int = partial.MIN_BYTES,
                inherits: tuple[str, ...] = ()) -> tuple[bool, partial.Skeleton | None]:
    """(no parse needed, the skeleton to parse instead of the whole file if any)."""
    needed, relevant = _relevant(source, options, script, inherits)
    if not needed:
        return True, None
    if flows_need_the_whole_file(source):
        return False, None
    names = set(textscan.import_bindings(source)) | _IMPORTABLE_ROOTS
    return False, partial.skeleton(source, relevant, names, min_piece_bytes)


# Names whose every binding in a file counts, beside what its imports bind: the top-level names of
# the modules a rewrite may import (a seed block's, a framework's), which it imports only where free.
_IMPORTABLE_ROOTS = frozenset(
    name.split(".")[0].encode()
    for name in (*FRAMEWORK_ROOTS, *RNG_MODULES, *(m for t in FRAMEWORKS if t.seed_block for m in t.seed_block[0].imports))
)


def _parse_whole(source: bytes, parse: Callable[[bytes], cst.Module]) -> cst.Module:
    """The whole file, or a SourceError with Python's own message and position."""
    try:
        return parse(source)
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


class _Unrestorable(Exception):
    """The rewritten skeleton did not give its skipped statements back whole."""


def _rewrite(module: cst.Module, source: bytes, options: Options, script: bool,
             skeleton: partial.Skeleton | None = None, through: dict[str, str] | None = None,
             inherits: tuple[str, ...] = ()) -> Rewritten:
    """index -> fixers -> seed block -> render -> restore pieces, for one parsed file."""
    through = through or {}
    file_index = index.build(module)
    tables, seeded = _frameworks(file_index, through)
    ruled = tables or [t for t in FRAMEWORKS if t.name in inherits]  # a helper module takes its project's rules
    if not ruled and not seeded:
        return Rewritten(source, (), ())
    ctx = Context(file_index, options, {t.name: t for t in ruled}, FRAMEWORK_ROOTS + RNG_MODULES)
    fixers.run(ctx, ruled)
    if script:
        _unseeded(ctx, tables, seeded, options)
    findings = _positioned(ctx, skeleton)
    blocks = _seed_blocks(seeded, source, options) if script else []
    if blocks:
        findings.insert(0, _block_finding(blocks, module, through, tables, skeleton))
    code = _render(module, ctx, [block for block, _ in blocks], skeleton)
    used = tuple(t.name for t in FRAMEWORKS if t in tables or t in seeded)
    return Rewritten(source if code is None else code, tuple(findings), used)


def _unseeded(ctx: Context, tables, seeded, options: Options) -> None:
    """A framework an entry script imports only inside a function is not seeded (it may not even be
    installed): said where it is imported."""
    for table in tables:
        if table in seeded or table.seed_block is None or table.seed_block[1].id in options.disabled:
            continue
        root = next(root for root in table.import_roots if root in ctx.index.inner_imports)
        node = ctx.index.inner_imports[root]
        function = ctx.enclosing_function(node)
        where = f"inside {function.name.value}()" if function is not None else "inside a class"
        ctx.finding(table.seed_block[1], node, f"{root} is imported only {where}, so the seed block does not "
                    f"import it (it may not be installed): if it trains, seed it there", REPORT)


def _frameworks(file_index: index.FileIndex, through: dict[str, str]):
    """(the tables of the frameworks the file imports, and of those its seed block seeds: the ones it
    imports at module level, itself or through the project modules it imports there; a framework
    imported only inside a function may not even be installed, and importing it in the seed block
    would stop the script)."""
    tables = [t for t in FRAMEWORKS if file_index.import_roots & set(t.import_roots)]
    seeded = [t for t in FRAMEWORKS
              if file_index.module_import_roots & set(t.import_roots) or t.name in through]
    return tables, seeded


def _block_finding(blocks, module: cst.Module, through: dict[str, str], tables,
                   skeleton: partial.Skeleton | None) -> Finding:
    """`seed block inserted`, saying which frameworks it seeds that the script does not import itself."""
    own = {t.name for t in tables}
    reached = [f"{rule.framework} through {through[rule.framework]}" for _, rule in blocks
               if rule.framework not in own and rule.framework in through]
    message = "seed block inserted" + (f" (also {', '.join(reached)})" if reached else "")
    line = seedblock.line(module, (skeleton.code, skeleton.statement_lines) if skeleton else None)
    return Finding(blocks[0][1].id, skeleton.original_line(line) if skeleton else line, 1, message, REWRITE)


def _render(module: cst.Module, ctx: Context, blocks: list, skeleton: partial.Skeleton | None) -> bytes | None:
    """The rewritten file, or None when nothing changes; a skeleton gets its pieces back."""
    if ctx.options.keep_randomness:  # the seeds of what stays random (MindSpore's dataset ops)
        blocks = [dataclasses.replace(block, lines=block.lines + block.keep_lines) for block in blocks]
    prelude, after = seedblock.prelude(ctx.plan.imports, blocks, ctx.index, ctx.options.seed, ctx.plan.definitions)
    if not (prelude or ctx.plan.edits()):
        return None
    applier = Applier(ctx.plan, prelude, after, ctx.index.parents)
    rewritten = module.visit(applier)
    if skeleton is None:
        code = codegen.module_bytes(rewritten)
    else:  # the statements the rewrite kept as they were are copied from the skeleton's text
        code = codegen.rewritten(module, rewritten, skeleton.code, skeleton.statement_lines)
        # a body left empty gets `pass`: in a skeleton, that body may hold statements it skipped
        code = None if applier.filled_a_body else skeleton.restore(code)
        if code is None:
            raise _Unrestorable
    return code


def _positioned(ctx: Context, skeleton: partial.Skeleton | None) -> list[Finding]:
    """The fixers' findings at their line and column in the original file."""
    nodes = [node for _, node, _, _ in ctx.pending]
    where = index.positions(ctx.index, nodes, skeleton and (skeleton.code, skeleton.statement_lines)) if nodes else {}
    if skeleton is not None:
        where = {node: (skeleton.original_line(line), col) for node, (line, col) in where.items()}
    findings = [Finding(rule, *where.get(node, (0, 0)), message, kind) for rule, node, message, kind in ctx.pending]
    return sorted(findings, key=lambda f: (f.line, f.col, f.rule))


def _seed_blocks(tables, source: bytes, options: Options):
    """The seed blocks an entry script gets, one per framework it uses, unless it has one already."""
    if SEED_BLOCK_START.encode() in source:
        return []
    blocks = (t.seed_block for t in tables)
    return [block for block in blocks if block is not None and block[1].id not in options.disabled]


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
    else:  # Python reads it: the limit is libcst's (5,000 string literals in one implicit join)
        return SourceError(f"valid Python that libcst's parser cannot read ({error.message}); reprofix needs "
                           "libcst to rewrite it", error.editor_line, error.editor_column)
    return SourceError(f"syntax error: {error.message}", error.editor_line, error.editor_column)
