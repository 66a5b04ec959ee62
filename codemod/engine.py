"""The engine: read files, rewrite each with `transforms`, check the result, build and write the patch,
revert it. It knows nothing about any framework; `transforms` does.
"""

from __future__ import annotations

import ast
import dataclasses
import gc
import os
import signal
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from . import deep_enough, discover, notebook
from ._rules import Finding, Rule, SourceError, load, transforms
from .journal import atomic, lock
from .journal import patch as patchlib
from .paths import DEFAULT_MAX_FILE_SIZE, NotRegular, Refused, TooLarge, display, inside, read_regular, resolve_named

# What one parse may cost. libcst's parser takes time and memory in proportion to the syntax tree,
# and more than that for long chains (`a + b + ... `: quadratic) and deep nesting (it can exhaust the
# C stack). So before libcst sees a file (or the pieces of it that are parsed), CPython's own parser,
# in C, measures the tree: at most MAX_PARSE_NODES nodes (about 500 KB of ordinary code: some seconds
# and a few hundred MB at worst) nested at most MAX_PARSE_DEPTH deep (CPython's own limit for
# brackets; a chain of `and`/`or` counts one level per operand, as libcst nests it). A cheap count of
# separators first keeps CPython's parser itself from a huge file.
MAX_PARSE_NODES = 100_000
MAX_PARSE_DEPTH = 200
MAX_PARSE_SEPARATORS = 2 * MAX_PARSE_NODES
_SEPARATORS = tuple(bytes((c,)) for c in b" \n,.:;()[]{}=+-*/%<>!&|^~@")


UsageError = Refused  # bad input from the command line (exit 2)


def _no_framework() -> str:
    names = ", ".join(table.name for table in transforms.FRAMEWORKS)
    return f"imports no supported framework ({names}); nothing to change"


def all_rules() -> dict[str, Rule]:
    return transforms.RULES


@dataclass(frozen=True)
class FileResult:
    path: str  # relative to the project root, with / separators: its name in the patch
    original: bytes
    new: bytes
    findings: tuple[Finding, ...]
    entry: bool = False
    error: str | None = None
    shown: str = ""  # as shown to the user: relative to the current folder, quoted if need be
    note: str | None = None  # skipped, not an error: why
    frameworks: tuple[str, ...] = ()  # the supported frameworks it imports (as far as it was read)
    diff: bytes = b""  # its part of the patch, made where it was rewritten (a worker process)

    @property
    def changed(self) -> bool:
        return self.new != self.original


@dataclass(frozen=True)
class Task:
    path: str  # the real path
    rel: str  # relative to the project root
    shown: str  # relative to the current folder, for people
    entry: str  # "yes", "no", or "auto": an entry script if it has a __main__ guard
    through: tuple[tuple[str, str], ...] = ()  # frameworks its project imports use: (name, the module)
    inherits: tuple[str, ...] = ()  # importing no framework itself: those of the project files that import it
    named: bool = False  # named on the command line (not found in a folder, nor followed)


@dataclass
class ApplyResult:
    files: list[FileResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each, `path:line:col: message`
    notes: list[str] = field(default_factory=list)  # one line each, about the selection itself
    diff: bytes = b""  # the unified diff of every changed file, paths relative to the project root

    @property
    def entries(self) -> list[str]:
        return [f.shown or f.path for f in self.files if f.entry]


def guarded_parse(code: bytes) -> "cst.Module":
    """libcst's parse, for code CPython's parser accepts and within the limits above."""
    import libcst as cst  # here: a run that parses nothing (scan --leftovers) never loads it

    separators = sum(code.count(s) for s in _SEPARATORS)
    if separators > MAX_PARSE_SEPARATORS:
        lines = code.count(b"\n")
        raise SourceError(f"too large to parse safely: {separators:,} spaces, line breaks ({lines:,}), separators "
                          f"and operators to parse, each a node of libcst's tree (at most {MAX_PARSE_SEPARATORS:,})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code)
    except SyntaxError as error:
        _raise_decoding_problem(code)
        lines = code.decode("utf-8", "replace").splitlines(True) or [""]
        raise cst.ParserSyntaxError(error.msg, lines=lines, raw_line=min(error.lineno or 1, len(lines)),
                                    raw_column=0) from None
    except (RecursionError, MemoryError):
        raise SourceError(f"nested too deeply for Python's own parser (more than {MAX_PARSE_DEPTH} levels)") from None
    except ValueError as error:  # null bytes
        raise SourceError(f"not Python source: {error}") from None
    nodes, depth = _measure(tree)
    if nodes > MAX_PARSE_NODES:
        raise SourceError(f"too large to parse safely: {nodes:,} syntax-tree nodes to parse (at most {MAX_PARSE_NODES:,})")
    if depth > MAX_PARSE_DEPTH:
        raise SourceError(f"nested too deeply to parse safely: {depth} levels (at most {MAX_PARSE_DEPTH})")
    return load("cstutil").parse_module(code)


def _raise_decoding_problem(code: bytes) -> None:
    """Let a file that cannot be decoded fail as transforms reports it (naming the byte and the fix)."""
    import io
    import tokenize

    encoding, _ = tokenize.detect_encoding(io.BytesIO(code).readline)
    code.decode(encoding)


def _measure(tree: ast.AST) -> tuple[int, int]:
    # complexity: one tight loop over every node of the tree, its cases inline for speed
    """(nodes, depth) of a syntax tree, depth as libcst nests it: each operand of an `and`/`or` chain
    is one more level, an `elif` none (libcst handles long elif chains well). Load/Store contexts
    are not nodes of libcst's tree and are not counted."""
    nodes = deepest = 0
    stack = [(tree, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        nodes += 1
        if depth > deepest:
            deepest = depth
        kind = node.__class__
        below = depth + (len(node.values) if kind is ast.BoolOp else 1)
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                at = depth if kind is ast.If and name == "orelse" and len(value) == 1 else below
                for item in value:
                    if isinstance(item, ast.AST):
                        push((item, at))
            elif isinstance(value, ast.AST) and not isinstance(value, _CONTEXTS):
                push((value, below))
    return nodes, deepest


_CONTEXTS = (ast.Load, ast.Store, ast.Del)
_SHARED = 4  # the fewest files worth sharing among worker processes
# A parse builds some hundred thousand short-lived nodes that their references free: Python's cycle
# collector, at its default 700 allocations, would walk the young ones over and over (3-5% of a run).
_GC_THRESHOLD = (100_000, 50, 100)


def rewrite_source(original: bytes, options: transforms.Options, *, script: bool, through: dict | None = None,
                   inherits: tuple[str, ...] = ()):
    """One file's rewrite: (new code, findings, frameworks used), libcst's parse bounded by
    `guarded_parse`. Raises transforms.SourceError."""
    rewritten = transforms.rewrite(original, options, script=script, parse=guarded_parse, through=through,
                                   inherits=inherits)
    return rewritten.code, rewritten.findings, rewritten.frameworks


def process(task: Task, options: transforms.Options, limit: int = DEFAULT_MAX_FILE_SIZE) -> FileResult:
    """Read, rewrite and check one file (a notebook as the program its code cells make); never
    raises. Runs in worker processes."""
    shown = task.shown

    def failed(error: str, original: bytes = b"", entry: bool = False) -> FileResult:
        return FileResult(task.rel, original, original, (), entry, error, shown)

    read = _read(task, limit)
    if isinstance(read, FileResult):
        return read
    original, source, book = read
    if transforms.is_config(task.path):
        return _process_config(task, options, original)
    entry = task.entry == "yes"
    rewritten = _rewrite_or_error(task, options, source, book)
    if isinstance(rewritten, str):
        return failed(rewritten, original, entry)
    new, findings, frameworks = rewritten
    if book is not None:
        findings = book.located(findings)
    if new == source:  # nothing to carry back but the findings
        return FileResult(task.rel, b"", b"", findings, entry and bool(frameworks), shown=shown,
                          frameworks=frameworks)
    problem = _check_generated(new, source, shown, book)
    if problem:
        return failed(problem, b"", entry)
    if book is not None:
        try:
            new = book.render(new)
        except notebook.NotebookError as error:
            return failed(f"{shown}: {error}; file left unchanged, please report this", b"", entry)
    return FileResult(task.rel, original, new, findings, entry and bool(frameworks), shown=shown,
                      frameworks=frameworks, diff=patchlib.file_diff(task.rel, original, new))


def _process_config(task: Task, options: transforms.Options, original: bytes) -> FileResult:
    """A configuration file: its settings and list entries edited in its text (checked by composing
    the result again), and the engine's own text rules (a leftover's markers)."""
    shown = task.shown
    try:
        rewritten = transforms.rewrite_config(original, options)
    except transforms.SourceError as error:
        at = f"{shown}:{error.line}:{error.col}" if error.line else shown
        return FileResult(task.rel, original, original, (), False, f"{at}: {error.message}; file left unchanged", shown)
    findings = tuple(sorted((*rewritten.findings, *transforms.text_findings(original, options.disabled)),
                            key=lambda f: (f.line, f.col, f.rule)))
    if rewritten.code == original:
        return FileResult(task.rel, b"", b"", findings, shown=shown)
    return FileResult(task.rel, original, rewritten.code, findings, shown=shown,
                      diff=patchlib.file_diff(task.rel, original, rewritten.code))


def _rewrite_or_error(task: Task, options: transforms.Options, source: bytes, book: notebook.Notebook | None):
    """(new code, findings, frameworks), or why the file is left unchanged."""
    shown = task.shown
    try:
        return rewrite_source(source, options, script=task.entry == "yes", through=dict(task.through),
                              inherits=task.inherits)
    except transforms.SourceError as error:
        at = f"{shown}:{notebook.where(book, error.line, error.col)}" if error.line else shown
        return f"{at}: {error.message}; file left unchanged"
    except RecursionError:
        return f"{shown}: nested too deeply to rewrite; file left unchanged"
    except Exception as error:  # a bug of ours must not cost the other files
        invalid = _compile_error(source, shown, book)
        if invalid:
            return f"{invalid}; file left unchanged"
        return f"{shown}: internal error ({type(error).__name__}: {error}); file left unchanged, please report this"


def _read(task: Task, limit: int) -> tuple[bytes, bytes, notebook.Notebook | None] | FileResult:
    """(the file's bytes, the code to rewrite, the notebook if it is one), or the FileResult saying
    why it is skipped or failed."""
    shown = task.shown
    try:
        original = read_regular(task.path, limit)
    except NotRegular as error:
        return FileResult(task.rel, b"", b"", (), shown=shown, note=f"{shown}: skipped: {error}")
    except TooLarge as error:
        return FileResult(task.rel, b"", b"", (), False, f"{shown}: skipped: {error} (raise it with --max-file-size, "
                          "or max-file-size in [tool.reprofix])", shown)
    except OSError as error:
        return FileResult(task.rel, b"", b"", (), False, f"{shown}: cannot read: {error.strerror}", shown)
    if not notebook.is_notebook(task.path):
        return original, original, None
    try:
        book = notebook.Notebook(original)
    except notebook.NotebookError as error:
        return FileResult(task.rel, original, original, (), False, f"{shown}: {error}; file left unchanged", shown)
    if not book.python:
        return FileResult(task.rel, b"", b"", (), shown=shown,
                          note=f"{shown}: skipped: its kernel's language is {book.language}, not Python")
    return original, book.program, book


def process_text(task: Task, disabled: frozenset[str], limit: int = DEFAULT_MAX_FILE_SIZE) -> FileResult:
    """One file's findings from the rules found in its text, with no parse; never raises."""
    read = _read(task, limit)
    if isinstance(read, FileResult):
        return read
    _, source, book = read
    findings = tuple(transforms.text_findings(source, disabled))
    if book is not None:
        findings = book.located(findings)
    return FileResult(task.rel, b"", b"", findings, shown=task.shown)


def _process_all(item: tuple[Task, transforms.Options, int]) -> FileResult:
    return process(*item)


@dataclass
class Request:
    paths: list[str]
    options: transforms.Options = transforms.Options()
    entries: list[str] = field(default_factory=list)  # files that get the seed block in a directory
    excludes: list[str] = field(default_factory=list)
    jobs: int = 1
    follow: bool = True  # follow the project-local imports of the files named
    root: Path | None = None  # the project root the patch's paths are relative to (default: cwd)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    text_only: bool = False  # only the rules found in a file's text: no parse, no imports followed
    writes: bool = True  # apply: every file inside the current folder; scan reads what it can read


class Runner:
    """Select the files, process them (in parallel when it pays), follow imports, build the patch."""

    def __init__(self, request: Request, cwd: Path, progress=None):
        self.request = request
        self.cwd = Path(os.path.realpath(cwd))
        self.root = Path(os.path.realpath(request.root or cwd))
        self._below_root, self._below_cwd = (os.path.join(str(folder), "") for folder in (self.root, self.cwd))
        self.progress = progress
        self.pool = None
        self._excludes = None  # the --exclude globs, compiled on first use
        self.done = 0
        self.seen: set[str] = set()
        self.context: dict[str, tuple[list[Path], Path]] = {}  # rel -> (search path, project root)
        self.finder = discover.Finder()
        self.config_uses: dict[str, list[str]] = {}  # names configuration files build -> where

    def run(self) -> ApplyResult:
        result = ApplyResult()
        if self.request.text_only:
            return self.run_text(result)
        threshold = gc.get_threshold()
        gc.set_threshold(*_GC_THRESHOLD)  # (the worker processes forked from here too)
        try:
            return self.run_parsing(result)
        finally:
            gc.set_threshold(*threshold)

    def run_parsing(self, result: ApplyResult) -> ApplyResult:
        try:  # (the workers may start while the folders are walked)
            tasks = self.graph(self.select(result), result)
            options = dataclasses.replace(self.request.options, project_modules=frozenset(self.project_modules()),
                                          project_classes=self.exported,
                                          config_uses={k: tuple(v) for k, v in self.config_uses.items()})
            for task, file_result in zip(tasks, self.map(tasks, options)):
                _collect(result, file_result)
                if task.named and not (file_result.note or file_result.error or file_result.frameworks
                                       or task.inherits or transforms.is_config(task.path)):
                    result.notes.append(f"{file_result.shown}: {_no_framework()}")
        except BaseException:
            self.stop_pool()
            raise
        finally:
            if self.pool is not None:
                self.pool.shutdown()
        return _with_diff(result)

    def run_text(self, result: ApplyResult) -> ApplyResult:
        """Only the rules found in the text, in this process: reading the files is the whole cost."""
        for task in self.select(result):
            _collect(result, process_text(task, self.request.options.disabled, self.request.max_file_size))
            self.tick()
        return _with_diff(result)  # (nothing changed: no diff)

    def graph(self, tasks: list[Task], result: ApplyResult) -> list[Task]:
        """Before any parse, from the files' text: the project modules they import (followed, and
        rewritten too, unless --no-follow), which of them are entry scripts, and which frameworks each
        entry script uses through the modules it imports. In a folder, an entry script is a file with a
        `__main__` guard that no other file of the run imports (a root of the project's import graph);
        a file named on the command line or with --entry always is one."""
        graph = _Graph({task.rel: task for task in tasks}, list(tasks))
        self.exported: dict[str, str] = {}  # the project's subclasses other files may call (see transforms)
        queued = {task.rel for task in graph.queue}
        learned = self.learn_all(tasks)
        for task in graph.queue:  # grows as imports are followed (the first ones: `tasks`, in order)
            text = learned.next() if learned else _learn((task.path, self.request.max_file_size))
            self.learn(task, text, graph)
            if text.sys_path:
                self.add_sys_path(task, text.sys_path)
            for name, line in text.mentions:
                self.config_uses.setdefault(name, []).append(f"{task.shown}:{line}")
            for base in self.inherited_configs(task, text.bases, result):
                if base.rel not in queued:
                    queued.add(base.rel)
                    graph.queue.append(base)
                    if self.request.follow and not self.excluded(base, task, result):
                        graph.listed[base.rel] = base
            graph.edges[task.rel] = []
            graph.module_edges[task.rel] = [t.rel for t in self.imported(task, text.module_imports, result)]
            for imported in self.imported(task, text.imports, result):
                graph.edges[task.rel].append(imported.rel)
                if imported.rel not in queued:
                    queued.add(imported.rel)
                    graph.queue.append(imported)
                    if self.request.follow and not self.excluded(imported, task, result):
                        graph.listed[imported.rel] = imported
        self.seen = set(graph.listed)
        return graph.roles()

    def learn_all(self, tasks: list[Task]) -> _Learned | None:
        """What the text pre-pass learns from each file, in order: in the worker processes when there
        are several (they go on to rewrite the files), each file's as soon as it is read, so that the
        imports of the first ones are resolved here while the workers read the rest. None: each is
        learned here as the graph reaches it."""
        if self.request.jobs <= 1 or len(tasks) < _SHARED:
            return None
        self.start_pool(min(self.request.jobs, len(tasks)))
        items = [(task.path, self.request.max_file_size) for task in tasks]
        chunk = max(1, min(32, len(items) // (self.request.jobs * 8)))
        return _Learned(self, items, self.pool.map(_learn_in_worker, items, chunksize=chunk))

    def learn(self, task: Task, text: _Text, graph: _Graph) -> None:
        """From one file's text: the frameworks it imports, the classes it exports, whether it is run
        as a script (a `__main__` guard, or a notebook: run as it stands)."""
        graph.frameworks[task.rel] = text.frameworks
        graph.module_frameworks[task.rel] = text.module_frameworks
        module = _module_name(task.rel)
        for name, base in text.exported.items():
            self.exported[f"{module}.{name}" if module else name] = base
        if text.guarded:
            graph.guarded.add(task.rel)

    def inherited_configs(self, task: Task, bases: tuple[str, ...], result: ApplyResult) -> list[Task]:
        """The configuration files a configuration inherits (`_BASE_: [../x.yml]`), where they exist
        inside the current folder and the project."""
        found = []
        for base in bases:
            path = Path(task.path).parent / base
            if not path.is_file():
                continue
            real = self.finder.real(path)
            if not self.reachable(real):
                note = f"{display(str(path))}: inherited by {task.shown} but {self.outside}; not rewritten"
                if note not in result.notes:
                    result.notes.append(note)
                continue
            base_task = self.task(real, "no")
            self.context.setdefault(base_task.rel, self.context[task.rel])
            found.append(base_task)
        return found

    def add_sys_path(self, task: Task, folders: tuple[tuple[str, bool], ...]) -> None:
        """The folders a file adds to sys.path from its own location (`sys.path.append(os.path.join(
        os.path.dirname(__file__), '..'))`): its imports, and those of the modules it imports, are
        found there too; a folder above its project root (a project with no marker file) becomes the
        root, as long as it lies within reprofix's own root."""
        search, root = self.context[task.rel]
        for folder, first in folders:
            path = Path(folder)
            if not inside(path, self.root) or path in search:
                continue
            search = [path, *search] if first else [*search, path]
            if inside(root, path):
                root = path
        self.context[task.rel] = (search, root)

    def excluded(self, reached: Task, by: Task, result: ApplyResult) -> bool:
        """Whether --exclude (or `exclude = [...]`) names a file reached through an import or a base
        configuration: it is read (what it imports still counts) but never rewritten; said once."""
        if not self.request.excludes:
            return False
        if self._excludes is None:
            import pathspec

            self._excludes = pathspec.GitIgnoreSpec.from_lines(self.request.excludes)
        try:
            rel = Path(reached.path).relative_to(self.cwd).as_posix()
        except ValueError:
            return False
        if not self._excludes.match_file(rel):
            return False
        result.notes.append(f"{reached.shown}: reached from {by.shown} but excluded; not rewritten")
        return True

    def imported(self, task: Task, imports: list[tuple[str, tuple[str, ...]]], result: ApplyResult) -> list[Task]:
        """The project files a file's imports (module, names) execute (inside the current folder and
        the project)."""
        search, root = self.context[task.rel]
        found = []
        for module, names in imports:
            for path in self.finder.resolve(Path(task.path), module, names, search, root):
                real = self.finder.real(path)
                if not self.reachable(real):
                    note = (f"{display(str(path))}: imported by {task.shown} but {self.outside}; "
                            "not rewritten")
                    if note not in result.notes:
                        result.notes.append(note)
                    continue
                imported = self.task(real, "no")
                self.context.setdefault(imported.rel, (search, root))
                found.append(imported)
        return found

    def task(self, real: Path, entry: str) -> Task:
        path = str(real)  # (files lie below both folders: a string test is enough, and the walk's cost)
        rel = _below(path, self._below_root) or real.relative_to(self.root).as_posix()
        return Task(path, rel, display(_below(path, self._below_cwd) or os.path.relpath(real, self.cwd)), entry)

    def named(self, path: str, what: str = "") -> Path:
        return resolve_named(path, self.cwd, self.root, what, self.request.writes)

    def reachable(self, real: Path) -> bool:
        """Whether a file reached through an import or a base configuration is taken: inside the
        project and, for a command that writes, inside the current folder."""
        return inside(real, self.root) and (not self.request.writes or inside(real, self.cwd))

    @property
    def outside(self) -> str:
        return "outside the current directory" if self.request.writes else "outside the project"

    def select(self, result: ApplyResult) -> list[Task]:
        request = self.request
        entries = {self.named(e, "--entry ") for e in request.entries}
        tasks: list[Task] = []
        for path in request.paths:
            real = self.named(path)
            if real.is_dir():
                tasks += self.in_folder(real, entries, result)
            else:  # (a configuration file is never an entry script)
                tasks.append(dataclasses.replace(self.task(real, "no" if transforms.is_config(str(real)) else "yes"),
                                                 named=True))
        named = {Path(task.path) for task in tasks} if entries else set()
        for entry in sorted(entries - named):
            if entry.is_dir():
                raise UsageError(f"--entry {display(str(entry))}: is a folder, not a file")
            tasks.append(self.task(entry, "yes"))
        unique = []
        for task in tasks:
            if task.rel not in self.seen:
                self.seen.add(task.rel)
                unique.append(task)
                if not request.text_only:  # (with text only, no imports are followed)
                    here = Path(task.path)
                    root = self.finder.project_root(here)
                    self.context[task.rel] = ([here.parent, root], root)
        return unique

    def in_folder(self, folder: Path, entries: set[Path], result: ApplyResult) -> list[Task]:
        """The files found in a folder; why others were skipped goes to the notes."""
        skipped: list[tuple[Path, str]] = []
        files = discover.python_files(folder, self.request.excludes, self.cwd, skipped, self.enough_to_share)
        tasks = [self.task(file, "yes" if file in entries else "auto") for file in files]
        if not files:
            result.notes.append(f"{display(os.path.relpath(folder, self.cwd))}: no Python file, notebook or YAML "
                                "configuration in this folder (hidden, ignored and excluded ones aside); nothing to do")
        for file, why in skipped:
            shown = display(os.path.relpath(file, self.cwd))
            if len(shown) > 160:  # a path longer than the system takes: its two ends say where
                shown = f"{shown[:60]}...{shown[-60:]} (a path of {len(shown)} characters)"
            result.notes.append(f"{shown}: skipped: {why}")
        return tasks

    def enough_to_share(self, found: int) -> None:
        """The walk has found `found` files: with enough to share, the workers start now and load
        libcst while the walk goes on (a third of a second)."""
        if found == _SHARED and self.request.jobs > 1 and not self.request.text_only:
            self.start_pool(self.request.jobs, warm=True)

    def project_modules(self) -> set[str]:
        names = set()
        folders = {folder for search, _ in self.context.values() for folder in search}
        for folder in sorted(folders):
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if entry.name.endswith(".py"):
                    names.add(entry.name[:-3])
                elif entry.is_dir() and not entry.name.startswith("."):
                    names.add(entry.name)
        return names

    def map(self, tasks: list[Task], options: transforms.Options) -> list[FileResult]:
        items = [(task, dataclasses.replace(options, package=_package(task.rel)), self.request.max_file_size)
                 for task in tasks]
        jobs = self.request.jobs
        if jobs <= 1 or len(tasks) < _SHARED:
            results = []
            for item in items:
                results.append(_process_all(item))
                self.tick()
            return results
        self.start_pool(min(jobs, len(tasks)))
        # Largest files first, in small chunks, so no process is left with the slowest at the end.
        order = sorted(range(len(items)), key=lambda i: -_size(tasks[i].path))
        results: list[FileResult | None] = [None] * len(items)
        chunk = max(1, min(16, len(items) // (jobs * 16)))
        from concurrent.futures.process import BrokenProcessPool

        try:
            for i, file_result in zip(order, self.pool.map(_process_all, [items[i] for i in order], chunksize=chunk)):
                results[i] = file_result
                atomic.crash_point("processed")
                self.tick()
        except BrokenProcessPool:  # a worker was killed (out of memory?): the files it had are lost
            self.stop_pool()
            for i, task in enumerate(tasks):
                if results[i] is None:
                    results[i] = FileResult(task.rel, b"", b"", (), shown=task.shown,
                                            error=f"{task.shown}: the process rewriting it died; file left unchanged")
        return results

    def start_pool(self, jobs: int, warm: bool = False) -> None:
        """The worker processes (forked where the OS can: they inherit what this one loaded). They
        start with their first task: `warm` starts them now."""
        if self.pool is None:
            import concurrent.futures
            import multiprocessing

            context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
            self.pool = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_setup,
                                                               initargs=(os.getpid(),))
            if warm:
                for _ in range(jobs):
                    self.pool.submit(int)

    def stop_pool(self) -> None:
        """Give up the worker processes (on an error, Ctrl-C, or a dead worker): no new work starts.
        The workers die with this process in any case (see _worker_setup)."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def tick(self) -> None:
        if self.progress is not None:
            self.done += 1
            self.progress(self.done, len(self.seen))


@dataclass
class _Graph:
    """The project's import graph as the text pre-pass finds it, by path relative to the root."""

    listed: dict[str, Task]  # the files to process
    queue: list[Task]  # every file reached, those only imported (--no-follow) included
    edges: dict[str, list[str]] = field(default_factory=dict)  # the project files each one imports
    frameworks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the frameworks each one imports
    # what runs when a file is imported (not what its functions import): the seed block's frameworks
    module_edges: dict[str, list[str]] = field(default_factory=dict)
    module_frameworks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    guarded: set[str] = field(default_factory=set)  # run as scripts: a `__main__` guard, or a notebook

    def roles(self) -> list[Task]:
        """The files to process, in order, each an entry script or not, with the frameworks an entry
        script uses only through the modules it imports."""
        imported_by_another = {rel for importer, targets in self.edges.items() for rel in targets if rel != importer}
        roots = self.guarded - imported_by_another  # scripts no other file of the run imports
        shown = {t.rel: t.shown for t in self.queue}
        importers: dict[str, list[str]] = {}
        for importer, targets in self.edges.items():
            for rel in targets:
                importers.setdefault(rel, []).append(importer)
        final = []
        for rel, task in sorted(self.listed.items()):
            entry = task.entry == "yes" or (task.entry == "auto" and rel in roots)
            through = _through(rel, self.module_edges, self.module_frameworks, shown) if entry else ()
            inherits = () if self.frameworks.get(rel) else _inherited(rel, importers, self.edges, self.frameworks)
            if not inherits and task.named and not rel.endswith((".yaml", ".yml")):
                # a config module named beside its script (mmengine's `configs/x.py`): the script's frameworks
                inherits = tuple(sorted({f for other, t in self.listed.items() if t.named for f in self.frameworks.get(other, ())}))
            final.append(dataclasses.replace(task, entry="yes" if entry else "no", through=through, inherits=inherits))
        return final


class _Learned:
    """The workers' answers for the files given, in order; if a worker is killed (out of memory?),
    the rest are read in this process (the rewrite gets a new pool)."""

    def __init__(self, runner: Runner, items: list[tuple[str, int]], answers):
        self.runner, self.items, self.answers, self.done = runner, items, answers, 0

    def __bool__(self) -> bool:
        return self.done < len(self.items)

    def next(self) -> _Text:
        from concurrent.futures.process import BrokenProcessPool

        item = self.items[self.done]
        self.done += 1
        if self.answers is not None:
            try:
                return next(self.answers)
            except BrokenProcessPool:
                self.runner.stop_pool()
                self.answers = None
        return _learn(item)


@dataclass(frozen=True)
class _Text:
    """What the text pre-pass learns from one file."""

    frameworks: tuple[str, ...]  # the frameworks its imports import
    exported: dict[str, str]  # its classes other files may call (see transforms.exported_classes)
    guarded: bool  # run as a script: a `__main__` guard, or a notebook
    imports: list[tuple[str, tuple[str, ...]]]  # (module, names) of each of its imports
    module_frameworks: tuple[str, ...] = ()  # the frameworks imported when it is imported (not in a def)
    module_imports: list = field(default_factory=list)  # its imports run when it is imported
    sys_path: tuple[tuple[str, bool], ...] = ()  # folders it adds to sys.path from its location: (folder, first)
    bases: tuple[str, ...] = ()  # a configuration file: the files it inherits, as written
    mentions: tuple[tuple[str, int], ...] = ()  # a configuration file: the names it builds, with their lines


def _learn(item: tuple[str, int]) -> _Text:
    """The text pre-pass on one file (path, size limit); never raises. Runs in worker processes."""
    if transforms.is_config(item[0]):
        source = _config_text(*item)
        return _Text((), {}, False, [], bases=tuple(transforms.config_bases(source)),
                     mentions=tuple(transforms.config_mentions(source)))
    source, is_notebook = _code(*item)
    return _Text(transforms.imported_frameworks(source), transforms.exported_classes(source),
                 is_notebook or discover.has_main_guard(source), discover.imports(source),
                 transforms.imported_frameworks(source, module_level=True), discover.imports(source, module_level=True),
                 discover.sys_path_folders(source, item[0]))


def _learn_in_worker(item: tuple[str, int]) -> _Text:
    atomic.crash_point("learned")
    return _learn(item)


def _config_text(path: str, limit: int) -> bytes:
    try:
        return read_regular(path, limit)
    except (OSError, NotRegular, TooLarge):
        return b""  # (processing it says why)


def _code(path: str, limit: int) -> tuple[bytes, bool]:
    """A file's code for the import graph (a notebook's cells as one program), and whether it is a
    notebook; a file that cannot be read has none (processing it says why)."""
    try:
        source = read_regular(path, limit)
        if notebook.is_notebook(path):
            return notebook.Notebook(source).program, True
        return source, False
    except (OSError, NotRegular, TooLarge, notebook.NotebookError):
        return b"", notebook.is_notebook(path)


def _with_diff(result: ApplyResult) -> ApplyResult:
    """The result in order, with the diff of every changed file (checked to reverse exactly)."""
    result.files.sort(key=lambda f: f.path)
    result.errors.sort()
    changed = [f for f in result.files if f.changed]
    if changed:
        result.diff = b"".join(f.diff for f in changed)
        _check_patch(result.diff, changed)
    return result


def _collect(result: ApplyResult, file_result: FileResult) -> None:
    """A file's result goes to the notes (skipped), the errors, or the files."""
    if file_result.note:
        result.notes.append(file_result.note)
    elif file_result.error:
        result.errors.append(file_result.error)
    else:
        result.files.append(file_result)


def _module_name(rel: str) -> str:
    """`src/loader.py` -> `src.loader`, `src/__init__.py` -> `src` (as imports from the root name it)."""
    parts = rel[:-3].split("/") if rel.endswith(".py") else rel.split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(rel: str) -> str:
    module = _module_name(rel)
    return module if rel.endswith("/__init__.py") or rel == "__init__.py" else module.rpartition(".")[0]


def _through(entry: str, edges: dict[str, list[str]], frameworks: dict[str, tuple[str, ...]],
             shown: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The frameworks the modules an entry script imports at module level import at module level
    (transitively), each with the first module found importing it, that the script does not import
    itself."""
    own = set(frameworks.get(entry, ()))
    found: dict[str, str] = {}
    seen, queue = {entry}, list(edges.get(entry, ()))
    for rel in queue:
        if rel in seen:
            continue
        seen.add(rel)
        for name in frameworks.get(rel, ()):
            if name not in own:
                found.setdefault(name, shown.get(rel, rel))
        queue += edges.get(rel, ())
    return tuple(sorted(found.items()))


def _inherited(rel: str, importers: dict[str, list[str]], edges: dict[str, list[str]],
               frameworks: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The frameworks of a file that imports none: those of the nearest project files importing it
    (a project's `dataset.py` of plain NumPy is its framework's data pipeline), else of the nearest it
    imports (an entry script reaching its framework through `src/`)."""
    for graph in (importers, edges):
        level, seen = [rel], {rel}
        while level:
            found = sorted({name for other in level if other != rel for name in frameworks.get(other, ())})
            if found:
                return tuple(found)
            level = [n for other in level for n in graph.get(other, ()) if n not in seen]
            seen.update(level)
    return ()


def _below(path: str, folder: str) -> str | None:
    """`path` relative to `folder` (given with a trailing separator) if it lies below it."""
    return path[len(folder):] if path.startswith(folder) else None


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _worker_setup(parent: int) -> None:
    """A worker process: it dies with its parent (even one killed with SIGKILL), leaves Ctrl-C to the
    parent, and does not keep the parent's patch lock alive."""
    deep_enough()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for fd in list(lock.HELD_LOCKS):
        try:
            os.close(fd)
        except OSError:
            pass
    lock.HELD_LOCKS.clear()  # (the file stays: the parent removes it)
    _die_with(parent)
    load("pipeline")  # libcst: every worker parses; a third of a second to load


def _die_with(parent: int) -> None:
    try:  # Linux: the kernel sends SIGKILL the moment the parent dies
        import ctypes

        if ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL) != 0:  # PR_SET_PDEATHSIG
            raise OSError
    except (OSError, AttributeError):  # elsewhere: look every half second
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # it died before we asked
        os._exit(1)


def _compile_error(code: bytes, shown: str, book: notebook.Notebook | None = None) -> str | None:
    """CPython's verdict on `code`: None if it compiles, else `shown:line:col: syntax error: ...` (the
    words of a parse that fails; a statement no rule parses is only compiled, see transforms.parse.partial)
    (`shown:cell N:line:col` in a notebook, where top-level `await` is allowed, as IPython allows it)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if book is not None else 0
            compile(code, shown, "exec", flags=flags, dont_inherit=True)
    except SyntaxError as error:
        where = f"{shown}:{notebook.where(book, error.lineno, error.offset or 1)}" if error.lineno else shown
        return f"{where}: syntax error: {error.msg}"
    except (ValueError, RecursionError, MemoryError) as error:
        return f"{shown}: not valid Python: {error or type(error).__name__}"
    return None


def _check_generated(code: bytes, original: bytes, shown: str, book: notebook.Notebook | None = None) -> str | None:
    """Generated code must compile, or the file is left alone. (CPython's compiler, not a second
    libcst parse: it is the check that matters to the user's run, at a tenth of the cost.) When the
    original does not compile either, that is the file's problem, not a bug of reprofix."""
    problem = _compile_error(code, shown, book)
    if problem is None:
        return None
    invalid = _compile_error(original, shown, book)
    if invalid:
        return f"{invalid}; file left unchanged"
    return f"{shown}: reprofix produced code that does not compile ({problem}); file left unchanged, please report this"


def _check_patch(diff: bytes, changed: list[FileResult]) -> None:
    """The patch must parse back and undo exactly what was done, before anything is written."""
    parsed = {p.path: p for p in patchlib.parse(diff)}
    for f in changed:
        if f.path not in parsed or patchlib.reverse(f.new, parsed[f.path]) != f.original:
            raise patchlib.PatchError(f"{f.shown}: the patch does not reverse the change")


def write_problems(result: ApplyResult, root: Path) -> list[str]:
    """Why a changed file must not be written now: a link, several hard links, read-only, an owner
    reprofix could not keep, or changed since it was read."""
    problems = []
    for f in result.files:
        if not f.changed:
            continue
        path = root / f.path
        refusal = atomic.write_refusal(path, root)
        if refusal:
            problems.append(f"{f.shown}: {refusal}")
            continue
        try:
            if read_regular(path) != f.original:
                problems.append(f"{f.shown}: changed while reprofix was reading it; run apply again")
        except (OSError, NotRegular) as error:
            problems.append(f"{f.shown}: cannot read: {getattr(error, 'strerror', None) or error}")
    return problems
