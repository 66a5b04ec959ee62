"""The engine: read files, rewrite each with `transforms`, check the result, build and write the patch,
revert it. It knows nothing about any framework; `transforms` does.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path


import transforms
from transforms.rule import Finding, Rule

from . import discover, undo
from . import patch as patchlib



class UsageError(Exception):
    """Bad input from the command line (exit 2)."""


def all_rules() -> dict[str, Rule]:
    return transforms.RULES


@dataclass(frozen=True)
class FileResult:
    path: str  # relative to the working directory, with / separators
    original: bytes
    new: bytes
    findings: tuple[Finding, ...]
    entry: bool = False
    imports: tuple[tuple[str, tuple[str, ...]], ...] = ()
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.new != self.original


@dataclass(frozen=True)
class Task:
    path: str  # as the user or the import resolution gave it
    rel: str
    entry: str  # "yes", "no", or "auto": an entry script if it has a __main__ guard


@dataclass
class ApplyResult:
    files: list[FileResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each, `path:line:col: message`
    notes: list[str] = field(default_factory=list)  # one line each, about the selection itself
    diff: bytes = b""  # the unified diff of every changed file
    patch: bytes = b""  # the diff behind a short header: what is written to disk

    @property
    def entries(self) -> list[str]:
        return [f.path for f in self.files if f.entry]


def relative(path: str, cwd: Path) -> str:
    """`path` relative to `cwd` with / separators; UsageError if it is not inside it."""
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(cwd)
    except ValueError:
        raise UsageError(
            f"{path}: outside the current directory; run reprofix from the project root"
        ) from None
    return rel.as_posix()


def rewrite_source(original: bytes, options: transforms.Options, *, script: bool):
    """One file's rewrite: (new code, findings, frameworks used). Raises transforms.SourceError."""
    rewritten = transforms.rewrite(original, options, script=script)
    return rewritten.code, rewritten.findings, rewritten.frameworks


def process(task: Task, options: transforms.Options) -> FileResult:
    """Read, rewrite and check one file; never raises. Runs in worker processes."""
    try:
        original = Path(task.path).read_bytes()
    except OSError as error:
        return FileResult(task.rel, b"", b"", (), error=f"{task.rel}: cannot read: {error.strerror}")
    entry = task.entry == "yes" or (task.entry == "auto" and discover.has_main_guard(original))
    imports = tuple(discover.imports(original))
    try:
        new, findings, frameworks = rewrite_source(original, options, script=entry)
    except transforms.SourceError as error:
        where = f"{task.rel}:{error.line}:{error.col}" if error.line else task.rel
        return FileResult(task.rel, original, original, (), entry, imports,
                          f"{where}: {error.message}; file left unchanged")
    except RecursionError:
        return FileResult(task.rel, original, original, (), entry, imports,
                          f"{task.rel}: nested too deeply to rewrite; file left unchanged")
    except Exception as error:  # a bug of ours must not cost the other files
        return FileResult(task.rel, original, original, (), entry, imports,
                          f"{task.rel}: internal error ({type(error).__name__}: {error}); "
                          "file left unchanged, please report this")
    if new == original:  # nothing to carry back but the findings
        return FileResult(task.rel, b"", b"", findings, entry and bool(frameworks), imports)
    problem = _check_generated(new, task.rel)
    if problem:
        return FileResult(task.rel, b"", b"", (), entry, imports, problem)
    return FileResult(task.rel, original, new, findings, entry and bool(frameworks), imports)


def _process_all(item: tuple[Task, transforms.Options]) -> FileResult:
    return process(*item)


@dataclass
class Request:
    paths: list[str]
    options: transforms.Options = transforms.Options()
    entries: list[str] = field(default_factory=list)  # files that get the seed block in a directory
    excludes: list[str] = field(default_factory=list)
    jobs: int = 1
    follow: bool = True  # follow the project-local imports of the files named


class Runner:
    """Select the files, process them (in parallel when it pays), follow imports, build the patch."""

    def __init__(self, request: Request, cwd: Path, progress=None):
        self.request = request
        self.cwd = cwd
        self.progress = progress
        self.pool = None
        self.done = 0
        self.seen: set[str] = set()
        self.context: dict[str, tuple[list[Path], Path]] = {}  # rel -> (search path, project root)
        self.finder = discover.Finder()

    def run(self, patch_name: str = "") -> ApplyResult:
        result = ApplyResult()
        level = self.select(result)
        options = self.request.options
        options = dataclasses.replace(options, project_modules=frozenset(self.project_modules()))
        try:
            while level:
                processed = self.map(level, options)
                for file_result in processed:
                    if file_result.error:
                        result.errors.append(file_result.error)
                    else:
                        result.files.append(file_result)
                level = self.follow(level, processed, result) if self.request.follow else []
        finally:
            if self.pool is not None:
                self.pool.shutdown()
        result.files.sort(key=lambda f: f.path)
        result.errors.sort()
        changed = [f for f in result.files if f.changed]
        if changed:
            result.diff = b"".join(patchlib.file_diff(f.path, f.original, f.new) for f in changed)
            result.patch = undo.header("applying", [(f.path, f.new) for f in changed], patch_name) + result.diff
            _check_patch(result.patch, changed)
        return result

    def select(self, result: ApplyResult) -> list[Task]:
        request, cwd = self.request, self.cwd
        entries = {relative(e, cwd) for e in request.entries}
        tasks: list[Task] = []
        for path in request.paths:
            if os.path.isdir(path):
                top = Path(os.path.abspath(path))
                relative(path, cwd)
                for file in discover.python_files(top, request.excludes, cwd):
                    rel = file.relative_to(cwd).as_posix()
                    tasks.append(Task(str(file), rel, "yes" if rel in entries else "auto"))
            elif os.path.islink(path):
                raise UsageError(f"{path}: is a symbolic link; name the file it points to")
            elif os.path.isfile(path):
                rel = relative(path, cwd)
                tasks.append(Task(path, rel, "yes"))
            else:
                raise UsageError(f"{path}: no such file or directory")
        named = {task.rel for task in tasks}
        for entry in request.entries:
            if not os.path.isfile(entry):
                raise UsageError(f"--entry {entry}: no such file")
            if relative(entry, cwd) not in named:
                tasks.append(Task(entry, relative(entry, cwd), "yes"))
        unique = []
        for task in tasks:
            if task.rel not in self.seen:
                self.seen.add(task.rel)
                unique.append(task)
                here = Path(os.path.abspath(task.path))
                root = self.finder.project_root(here)
                self.context[task.rel] = ([here.parent, root], root)
        return unique

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
        items = [(task, options) for task in tasks]
        jobs = self.request.jobs
        if jobs <= 1 or len(tasks) < 4:
            results = []
            for item in items:
                results.append(_process_all(item))
                self.tick()
            return results
        if self.pool is None:
            import concurrent.futures
            import multiprocessing

            context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
            self.pool = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_setup)
        # Largest files first, in small chunks, so no process is left with the slowest at the end.
        order = sorted(range(len(items)), key=lambda i: -_size(tasks[i].path))
        results: list[FileResult | None] = [None] * len(items)
        chunk = max(1, min(16, len(items) // (jobs * 16)))
        for i, file_result in zip(order, self.pool.map(_process_all, [items[i] for i in order], chunksize=chunk)):
            results[i] = file_result
            self.tick()
        return results

    def tick(self) -> None:
        if self.progress is not None:
            self.done += 1
            self.progress(self.done, len(self.seen))

    def follow(self, level: list[Task], processed: list[FileResult], result: ApplyResult) -> list[Task]:
        """The project-local modules the files just processed import, not seen before."""
        found: list[Task] = []
        cwd = self.finder.real(self.cwd)
        for task, file_result in zip(level, processed):
            if not file_result.imports:
                continue
            search, root = self.context[task.rel]
            importer = Path(os.path.abspath(task.path))
            for module, names in file_result.imports:
                for path in self.finder.resolve(importer, module, names, search, root):
                    rel = self.finder.relative(path, cwd)
                    if rel is None:
                        note = f"{path}: imported by {task.rel} but outside the current directory; not rewritten"
                        if note not in result.notes:
                            result.notes.append(note)
                        continue
                    if rel not in self.seen:
                        self.seen.add(rel)
                        self.context[rel] = (search, root)
                        found.append(Task(str(path), rel, "no"))
        return sorted(found, key=lambda t: t.rel)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _worker_setup() -> None:
    import sys

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))



def _check_generated(code: bytes, rel: str) -> str | None:
    """Generated code must compile, or the file is left alone. (CPython's compiler, not a second
    libcst parse: it is the check that matters to the user's run, at a tenth of the cost.)"""
    try:
        compile(code, rel, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return f"{rel}: reprofix produced code that does not compile ({error}); file left unchanged, please report this"
    return None


def _check_patch(data: bytes, changed: list[FileResult]) -> None:
    """The patch must parse back and undo exactly what was done, before anything is written."""
    parsed = {p.path: p for p in patchlib.parse(data)}
    for f in changed:
        if patchlib.reverse(f.new, parsed[f.path]) != f.original:
            raise AssertionError(f"{f.path}: the patch does not reverse the change")


def write_problems(result: ApplyResult, cwd: Path) -> list[str]:
    """Why a changed file must not be written now: a link, read-only, or changed since it was read."""
    problems = []
    for f in result.files:
        if not f.changed:
            continue
        path = cwd / f.path
        if path.is_symlink():
            problems.append(f"{f.path}: is a symbolic link; reprofix never writes through links")
        elif not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:  # read-only, even for root
            problems.append(f"{f.path}: is read-only; make it writable to rewrite it")
        else:
            try:
                if path.read_bytes() != f.original:
                    problems.append(f"{f.path}: changed while reprofix was reading it; run apply again")
            except OSError as error:
                problems.append(f"{f.path}: cannot read: {error.strerror}")
    return problems
