"""The `reprofix` command line. Heavy modules (libcst, the rule tables) load inside the commands, so
`reprofix --help` stays quick."""

from __future__ import annotations

import contextlib
import enum
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__, colour

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Make a training script reproducible, show the exact change, and take it back out.",
)

DEFAULT_PATCH = "reprofix.patch"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130

PATHS = typer.Argument(..., metavar="PATH...", help="Entry scripts and notebooks, or folders to rewrite whole.")
ENTRY = typer.Option(None, "--entry", metavar="FILE", help="Also an entry script (gets the seed block). Repeatable.")
EXCLUDE = typer.Option(None, "--exclude", metavar="GLOB", help="Skip matching files and folders (gitignore syntax). Repeatable.")
DISABLE = typer.Option(None, "--disable", metavar="RULE", help="A rule id not to apply or report. Repeatable.")
JOBS = typer.Option(None, "-j", "--jobs", min=1, help="Parallel processes (default: the number of cores).")
NO_FOLLOW = typer.Option(False, "--no-follow", help="Do not follow the project-local imports of the files named.")
MAX_FILE_SIZE = typer.Option(None, "--max-file-size", metavar="SIZE",
                             help="Skip files larger than SIZE (bytes, or 5M, 512K; default 5M).")


def _fail(message: str, code: int = EXIT_FAILED) -> None:
    typer.echo(f"reprofix: {message}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reprofix {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Make a training script reproducible, show the exact change, and take it back out."""


def _config(paths):
    """The [tool.reprofix] configuration nearest the paths (or the current directory). Without paths
    (revert, status) the rule ids are not checked: that would load every rule for nothing."""
    from . import config as configlib

    rules = _rule_ids if paths else None
    start = Path(os.path.commonpath([os.path.abspath(p) for p in paths])) if paths else Path.cwd()
    try:
        return configlib.load(start if start.is_dir() else start.parent, rules)
    except configlib.ConfigError as error:
        _fail(str(error), EXIT_USAGE)


def _rule_ids() -> set[str]:
    from . import engine

    return set(engine.all_rules())


def _cwd() -> Path:
    return Path(os.path.realpath(os.getcwd()))


def _shown(path, cwd: Path) -> str:
    """A path as the user sees it: relative to the current folder, quoted if it must be."""
    from .paths import display

    return display(os.path.relpath(os.path.abspath(path), cwd))


def _shown_patch(option: Optional[str], patch_path: str, cwd: Path) -> str:
    """The patch as the user named it with --patch, else relative to the current folder."""
    from .paths import display

    return display(option) if option else _shown(patch_path, cwd)


def _default_patch(folder: Path, config) -> str:
    """The patch a command run in `folder` uses by default: the configured one (relative to its
    pyproject.toml), else reprofix.patch at the project root (the nearest folder holding
    pyproject.toml, setup.py, setup.cfg or .git; the folder itself when there is none)."""
    from .paths import marked_root

    if config.patch and config.path is not None:
        return str(config.path.parent / config.patch)
    return str((marked_root(folder) or folder) / DEFAULT_PATCH)


def _undo_command(patch_path: str, folder: Path, config) -> str:
    """How to undo from `folder`: `reprofix revert`, with --patch when it would not find this patch."""
    if os.path.realpath(_default_patch(folder, config)) == os.path.realpath(patch_path):
        return "reprofix revert"
    return f"reprofix revert --patch {_shown(patch_path, folder)}"


def _root(paths, entries, cwd: Path, writes: bool = True) -> Path:
    """The project root of the paths named, each checked (cheaply, before the rules are loaded): a
    command that writes takes only paths inside the current folder."""
    from .paths import Refused, project_root_for, resolve_named

    try:
        root = project_root_for(list(paths), cwd, writes)
        for path in paths:
            resolve_named(path, cwd, root, writes=writes)
        for entry in entries or []:
            resolve_named(entry, cwd, root, "--entry ", writes)
    except Refused as error:
        _fail(str(error), EXIT_USAGE)
    return root


def _max_size(option: Optional[str], config) -> int:
    from .paths import DEFAULT_MAX_FILE_SIZE, parse_size

    if option is None:
        return config.max_file_size or DEFAULT_MAX_FILE_SIZE
    try:
        return parse_size(option)
    except ValueError as error:
        _fail(f"--max-file-size: {error}", EXIT_USAGE)


JOBS_PER_CORE = 4  # -j beyond this many processes a core only costs memory (each worker holds the rules)


def _jobs(asked: int | None) -> int:
    """-j, or the number of cores; at most JOBS_PER_CORE a core, with a note (and never more than the
    files, which the engine sees to)."""
    cores = os.cpu_count() or 1
    if asked is None:
        return cores
    if asked > JOBS_PER_CORE * cores:
        shown = str(asked) if len(str(asked)) <= 12 else f"{str(asked)[:6]}...({len(str(asked))} digits)"
        typer.echo(f"reprofix: note: -j {shown} is more than {JOBS_PER_CORE} processes per core; using "
                   f"{JOBS_PER_CORE * cores} ({cores} core(s))", err=True)
        return JOBS_PER_CORE * cores
    return asked


def _run(config, root, paths, entry, exclude, disable, jobs, no_follow, seed, max_size, text_only=False, keep=False,
         writes=True):
    """Check the options and process the files (`text_only`: only the rules found in the text;
    `writes`: apply's limits, every file inside the current folder)."""
    from . import engine

    options = _transform_options(config, disable, seed, keep)
    config_root = config.path.parent if config.path else Path.cwd()
    request = engine.Request(
        paths=list(paths),
        options=options,
        entries=[str(config_root / e) for e in config.entry] + list(entry or []),
        excludes=list(config.exclude) + list(exclude or []),
        jobs=_jobs(jobs),
        follow=not no_follow,
        root=root,
        max_file_size=max_size,
        text_only=text_only,
        writes=writes,
    )
    result = _process(request)
    for line in result.errors:
        typer.echo(f"reprofix: {line}", err=True)
    for line in result.notes:
        typer.echo(f"reprofix: note: {line}", err=True)
    return result


def _transform_options(config, disable, seed, keep=False):
    """The rewrites' options: the rules disabled (each id known) and the seed (in range), from the
    command line, else the configuration."""
    from ._rules import transforms

    unknown = sorted(set(disable) - _rule_ids()) if disable else []
    if unknown:
        _fail(f"--disable: unknown rule id(s) {', '.join(unknown)}", EXIT_USAGE)
    return transforms.Options(
        seed=_seed(config, seed),
        disabled=frozenset(config.disable) | frozenset(disable or []),
        dropout_classes=tuple(config.dropout_classes),
        random_data_ops=tuple(config.random_data_ops),
        keep_randomness=keep,
    )


def _seed(config, seed: Optional[int]) -> int:
    """--seed, else the configured seed, else 1; out of range a usage error, 0 a warning."""
    from . import config as configlib

    seed = seed if seed is not None else (config.seed if config.seed is not None else 1)
    if not configlib.seed_in_range(seed):
        _fail(f"--seed {seed}: must be {configlib.SEED_RANGE}", EXIT_USAGE)
    if seed == 0:
        typer.echo("reprofix: warning: seed 0; the procedure asks for a non-zero seed", err=True)
    return seed


def _process(request):
    """Run the engine over the files, with a progress bar on a terminal; its errors are usage errors
    or ours. Ctrl-C leaves at once."""
    from . import engine
    from .journal.patch import PatchError

    progress = _Progress() if sys.stderr.isatty() else None
    try:
        return engine.Runner(request, _cwd(), progress).run()
    except engine.UsageError as error:
        _fail(str(error), EXIT_USAGE)
    except PatchError as error:
        _fail(f"internal error building the patch: {error}; nothing was changed, please report this")
    except KeyboardInterrupt:
        _leave_interrupted(progress)
    finally:
        if progress is not None:
            progress.done()


def _leave_interrupted(progress) -> None:
    """Nothing is written yet. Leave at once: the workers die with this process, and waiting for
    them (as the interpreter's exit would) could take as long as the work itself."""
    from .journal import lock

    if progress is not None:
        progress.done()
    typer.echo("reprofix: interrupted; nothing was changed", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    lock.release_locks()
    os._exit(EXIT_INTERRUPTED)


@contextlib.contextmanager
def _locked(patch_path: str, label: Optional[str] = None):
    """The patch's lock, for a command that reads or writes the journal (see lock.locked)."""
    from .journal import lock as locklib

    label = label or _shown(patch_path, _cwd())
    try:
        lock = locklib.locked(patch_path, label)
        lock.__enter__()
    except locklib.Busy as error:
        _fail(str(error))
    except OSError as error:  # a folder we may not write in, or a link planted as the lock file
        _fail(f"{label}.lock: cannot take the lock: {error.strerror}; nothing was changed")
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


class _Progress:
    """A progress bar (rich's) on the terminal once there are many files; the total grows as imports
    are followed. It is drawn when a file is done, never from a thread of its own (the worker
    processes are forked from this one)."""

    MANY = 50

    def __init__(self):
        self.bar = None
        self.task = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < self.MANY:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(TextColumn("reprofix"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
                                console=Console(stderr=True), auto_refresh=False, transient=True)
            self.task = self.bar.add_task("files", total=total)
            self.bar.start()
        self.bar.update(self.task, completed=done, total=total, refresh=not done % 10 or done == total)

    def done(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


@app.command()
def apply(
    paths: List[str] = PATHS,
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed for every generator (default 1; the procedure asks for non-zero)."),
    patch: Optional[str] = typer.Option(None, "--patch", help="Where to write the patch that undoes the change (default reprofix.patch at the project root)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the diff and the report; write nothing."),
    entry: Optional[List[str]] = ENTRY,
    exclude: Optional[List[str]] = EXCLUDE,
    disable: Optional[List[str]] = DISABLE,
    jobs: Optional[int] = JOBS,
    no_follow: bool = NO_FOLLOW,
    max_file_size: Optional[str] = MAX_FILE_SIZE,
    keep_randomness: bool = typer.Option(False, "--keep-randomness", help="Seed the randomness instead of taking it "
                                         "out: shuffling, augmentation, dropout and workers stay."),
) -> None:
    """Rewrite the scripts (and the project modules they import) for reproducibility, and write one
    patch describing every change."""
    from . import report

    cwd = _cwd()
    root = _root(paths, entry, cwd)
    config = _config(paths)
    max_size = _max_size(max_file_size, config)
    patch_path = patch or _default_patch(root, config)
    shown_patch = _shown_patch(patch, patch_path, cwd)
    color = colour(sys.stdout)
    if dry_run:
        _warn_pending(patch_path, shown_patch)
        result = _run(config, root, paths, entry, exclude, disable, jobs, no_follow, seed, max_size,
                      keep=keep_randomness)
        if result.diff:
            report.print_diff(result.diff, color)
        _echo(report.render(result, color=color))
        typer.echo(report.summary(result, dry_run=True))
        raise typer.Exit(EXIT_FAILED if result.errors else EXIT_OK)
    _make_patch_folder(patch_path, shown_patch, root)
    with _locked(patch_path, shown_patch):
        result = _apply_locked(config, root, cwd, patch_path, shown_patch, paths, entry, exclude, disable, jobs,
                               no_follow, seed, max_size, keep=keep_randomness)
    _echo(report.render(result, color=color))
    changed = any(f.changed for f in result.files)
    typer.echo(report.summary(result, patch=shown_patch if changed else None,
                              undo=_undo_command(patch_path, cwd, _config([]))))
    if changed:
        typer.echo(f"next: reprofix verify -- python {_entry_script(result, paths, root, cwd)}   (runs it twice "
                   "and compares the losses)")
    raise typer.Exit(EXIT_FAILED if result.errors else EXIT_OK)


def _entry_script(result, paths, root: Path, cwd: Path) -> str:
    """The script to verify after apply, as typed in a shell: the one Python file named, else the one
    entry script (a `__main__` guard no other file imports, or --entry), else a placeholder."""
    import shlex

    from .paths import display

    if len(paths) == 1 and paths[0].endswith(".py") and os.path.isfile(paths[0]):
        script = paths[0]
    else:
        scripts = [os.path.relpath(root / f.path, cwd) for f in result.files if f.entry and f.path.endswith(".py")]
        if len(scripts) != 1:
            return "<your training script>"
        script = scripts[0]
    return shlex.quote(script) if script.isprintable() else display(script)


def _warn_pending(patch_path: str, shown_patch: str) -> None:
    """A dry run leaves an interrupted run recorded in the patch as it is: say what finishes it."""
    pending = False
    if os.path.lexists(patch_path):
        with _locked(patch_path, shown_patch):
            pending = _pending(patch_path)
    if pending:
        typer.echo(f"reprofix: warning: {shown_patch} records an interrupted run; `reprofix apply` (without "
                   "--dry-run) or `reprofix revert` finishes it", err=True)


def _make_patch_folder(patch_path: str, shown_patch: str, root: Path) -> None:
    """The patch lives in the project: one outside the root is refused; its folder is made."""
    from .paths import inside

    if not inside(Path(os.path.realpath(patch_path)), root):
        _fail(f"--patch {shown_patch}: outside the project root ({root}); the patch lives in the project", EXIT_USAGE)
    try:
        os.makedirs(os.path.dirname(os.path.abspath(patch_path)), exist_ok=True)
    except OSError as error:
        _fail(f"{shown_patch}: cannot create its folder: {error.strerror}", EXIT_USAGE)


def _apply_locked(config, root, cwd, patch_path, shown_patch, paths, entry, exclude, disable, jobs, no_follow,
                  seed, max_size, keep=False):
    """apply's work while it holds the patch's lock: finish an interrupted run, process the files,
    check them, write."""
    from .journal import undo

    _finish_interrupted(patch_path, cwd, shown_patch)
    result = _run(config, root, paths, entry, exclude, disable, jobs, no_follow, seed, max_size, keep=keep)
    changed = [f for f in result.files if f.changed]
    _check_writable(result, bool(changed), root, patch_path, shown_patch)
    if not changed:
        return result
    job = undo.Apply(patch_path, root, [(f.path, f.original, f.new) for f in changed],
                     undo_command=_undo_command(patch_path, root, config), mode="keep-randomness" if keep else "")
    _write_applied(job, cwd, shown_patch)
    return result


def _finish_interrupted(patch_path: str, cwd: Path, shown_patch: str) -> None:
    """Complete an interrupted apply, or finish an interrupted revert, before a new apply."""
    from .journal import undo
    from .journal.patch import PatchError

    try:
        finished = undo.finish_interrupted(patch_path, cwd, shown_patch)
    except (PatchError, undo.RevertConflict) as error:
        _fail(f"{error}; nothing was changed")
    except undo.RevertStopped as stopped:
        _fail(f"{shown_patch}: finishing an interrupted revert stopped ({stopped}); run `reprofix revert`")
    if finished:
        typer.echo(f"reprofix: {finished}", err=True)


def _check_writable(result, changed: bool, root: Path, patch_path: str, shown_patch: str) -> None:
    """Before anything is written: no patch already there to overwrite, and every file writable."""
    from . import engine

    if changed and os.path.lexists(patch_path):
        _fail(
            f"{shown_patch} already exists (an earlier apply that was not reverted?): run `reprofix revert` "
            "first, or pass --patch with another path; nothing was changed"
        )
    problems = engine.write_problems(result, root)
    if problems:
        for line in problems:
            typer.echo(f"reprofix: {line}", err=True)
        _fail("nothing was changed")


def _write_applied(job, cwd: Path, shown_patch: str) -> None:
    """Write the patch and the files; where it stops, say what was written and how to undo it."""
    from .journal import undo

    undo_here = _undo_command(job.patch_path, cwd, _config([]))
    try:
        undo.write_applied(job)
    except undo.Stopped as stopped:
        where = f"{_shown(stopped.changed.path, cwd)}: {stopped.changed.reason}"
        if not stopped.written:
            _fail(f"{where}; nothing was changed; run apply again")
        _fail(f"{where}; stopped before writing it: {stopped.written} of {stopped.total} file(s) were rewritten, "
              f"and {shown_patch} undoes exactly those (`{undo_here}`); revert, then run apply again")
    except undo.Interrupted as interrupted:
        _fail(f"interrupted after rewriting {interrupted.done} of {interrupted.total} file(s); {shown_patch} records "
              f"where it stopped: `reprofix apply` with the same paths completes the change, `{undo_here}` undoes it",
              EXIT_INTERRUPTED)
    except OSError as error:
        _fail(f"{_written(error, cwd, shown_patch)}: cannot write: {error.strerror}; `{undo_here}` undoes what was "
              "written")


def _written(error: OSError, cwd: Path, shown_patch: str) -> str:
    """The file a failed write names (shown), else the patch."""
    return _shown(error.filename, cwd) if error.filename else shown_patch


def _pending(patch: str) -> bool:
    from .journal import patch as patchlib
    from .paths import Unreadable, read_regular

    try:
        return patchlib.state(read_regular(patch)) in ("applying", "reverting")
    except (OSError, Unreadable):
        return False


class Format(str, enum.Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


@app.command()
def scan(
    paths: List[str] = typer.Argument(..., metavar="PATH...", help="Scripts, notebooks, or folders to scan."),
    output: Optional[Format] = typer.Option(None, "--format", help="text (the default), json, or sarif (SARIF "
                                            "2.1.0, for code scanning)."),
    as_json: bool = typer.Option(False, "--json", help="The same as --format json."),
    leftovers: bool = typer.Option(False, "--leftovers", help="Only look for reprofix changes left in the code, and an applied patch."),
    entry: Optional[List[str]] = ENTRY,
    exclude: Optional[List[str]] = EXCLUDE,
    disable: Optional[List[str]] = DISABLE,
    jobs: Optional[int] = JOBS,
    no_follow: bool = NO_FOLLOW,
    max_file_size: Optional[str] = MAX_FILE_SIZE,
) -> None:
    """Report every randomness source, fixable or not, and what to do; write nothing. Exit 1 when
    `apply` would change something (with --leftovers: when reprofix changes are still in the code, or
    a patch is applied)."""
    output = _output_format(output, as_json)
    cwd = _cwd()
    root = _root(paths, entry, cwd, writes=False)
    config = _config(paths)
    result = _run(config, root, paths, entry, exclude, disable, jobs, no_follow, None,
                  _max_size(max_file_size, config), text_only=leftovers, writes=False)
    if leftovers:
        extra, found = _keep_leftovers(result, _default_patch(root, config), cwd)
    else:
        from . import report

        report.as_problems(result)
        extra, found = {}, any(f.changed for f in result.files)
    _print_scan(result, output, root, cwd, leftovers, extra)
    raise typer.Exit(EXIT_FAILED if found or result.errors else EXIT_OK)


def _output_format(output: Optional[Format], as_json: bool) -> Format:
    if as_json and output not in (None, Format.json):
        _fail(f"--json and --format {output.value}: choose one", EXIT_USAGE)
    return Format.json if as_json else output or Format.text


def _keep_leftovers(result, patch_path: str, cwd: Path) -> tuple[dict, bool]:
    """scan --leftovers: keep only the findings of reprofix's own changes (the run read the text
    only, parsing nothing); (the report's `applied_patch`: the patch still applied, if any; whether
    anything was found)."""
    import dataclasses

    from ._rules import load

    textrules = load("tables.textrules")

    keep = {rule.id for rule in textrules.RULES if rule.name == "reprofix-leftover"}
    result.files = [dataclasses.replace(f, findings=tuple(x for x in f.findings if x.rule in keep))
                    for f in result.files]
    applied = _applied_files(patch_path, cwd)
    extra = {"applied_patch": None if applied is None else {"path": _shown(patch_path, cwd), "files": applied}}
    return extra, bool(applied) or any(f.findings for f in result.files)


def _print_scan(result, output: Format, root: Path, cwd: Path, leftovers: bool, extra: dict) -> None:
    from . import report

    if output == Format.json:
        typer.echo(report.to_json(result, **extra))
    elif output == Format.sarif:
        typer.echo(report.to_sarif(result, root, cwd, **extra))
    else:
        _echo(report.render(result, color=colour(sys.stdout), scan=True))
        typer.echo(report.scan_summary(result, leftovers=leftovers))
        if extra.get("applied_patch"):
            patch_info = extra["applied_patch"]
            typer.echo(f"reprofix scan: {patch_info['path']} is still applied to {len(patch_info['files'])} file(s): "
                       "`reprofix revert` takes it out")


def _applied_files(patch_path: str, cwd: Path) -> Optional[List[str]]:
    """The files a patch at `patch_path` is still applied to (shown paths), or None without a patch."""
    from .journal import undo
    from .journal.patch import PatchError

    if not os.path.isdir(os.path.dirname(os.path.abspath(patch_path))):
        return None
    with _locked(patch_path):
        if not os.path.lexists(patch_path):
            return None
        try:
            journal = undo.Journal.read(patch_path, cwd, _shown(patch_path, cwd))
            states = journal.file_states()
        except PatchError as error:
            typer.echo(f"reprofix: {error}", err=True)
            return [_shown(patch_path, cwd)]
        return [_shown(journal.root / s.path, cwd) for s in states if s.state != undo.ORIGINAL]


@app.command()
def revert(
    patch: Optional[str] = typer.Option(None, "--patch", help="The patch `reprofix apply` wrote (default: reprofix.patch at the project root)."),
    partial: bool = typer.Option(False, "--partial", help="Undo what still matches; save the rest to PATCH.rej."),
) -> None:
    """Restore the files a patch changed, keeping every edit made since, then remove the patch."""
    cwd = _cwd()
    patch_path = patch or _default_patch(cwd, _config([]))
    shown_patch = _shown_patch(patch, patch_path, cwd)
    if not os.path.isdir(os.path.dirname(os.path.abspath(patch_path))):
        _fail(f"{shown_patch}: no such patch; nothing to revert")

    def shown(path: str, root: Path) -> str:
        return _shown(root / path, cwd)

    with _locked(patch_path, shown_patch):
        result = _revert_locked(patch_path, partial, cwd, shown_patch, shown)
    _report_revert(result, shown)
    typer.echo(f"reprofix: {len(result.restored)} file(s) restored; removed {shown_patch}")
    if result.rejected:
        _fail(f"some hunks could not be undone: they are in {_shown(result.rejected, cwd)}; apply them in reverse by hand")


def _revert_locked(patch_path: str, partial: bool, cwd: Path, shown_patch: str, shown):
    """revert's work while it holds the patch's lock; each way it can stop, in one line with its exit
    status."""
    from .journal import undo
    from .journal.patch import PatchError

    try:
        return undo.revert(patch_path, partial=partial, cwd=cwd, label=shown_patch)
    except undo.RevertConflict as error:
        _fail_conflicts(error, patch_path, cwd, shown_patch, shown)
    except undo.RevertStopped as stopped:
        _fail_stopped(stopped, cwd, shown)
    except undo.NoPatch as error:
        _fail(str(error))
    except undo.NotOurs as error:
        _fail(f"{error}; nothing was changed", EXIT_USAGE)
    except PatchError as error:
        _fail(f"{error}; nothing was changed")
    except OSError as error:
        _fail(f"{_written(error, cwd, shown_patch)}: cannot write: {error.strerror}; run `reprofix revert` again to "
              "finish")
    except KeyboardInterrupt:
        _fail("interrupted; nothing was changed", EXIT_INTERRUPTED)


def _fail_conflicts(error, patch_path: str, cwd: Path, shown_patch: str, shown) -> None:
    """Nothing was reverted: each hunk that no longer matches, and the way out."""
    from .journal import undo

    root = undo.Journal.read(patch_path, cwd, shown_patch).root
    for conflict in error.conflicts:
        typer.echo(f"reprofix: {conflict.describe(shown(conflict.path, root))}", err=True)
    _fail(
        f"nothing was changed: {len(error.conflicts)} hunk(s) no longer match the files. Fix them by hand, "
        f"or run `reprofix revert --partial` to undo the {error.clean} other hunk(s) and save these to "
        f"{shown_patch}.rej"
    )


def _fail_stopped(stopped, cwd: Path, shown) -> None:
    """The revert stopped part-way (a file changed under it, or Ctrl-C): what it restored, and why it stopped."""
    _report_revert(stopped.result, shown)
    reason = f"{_shown(stopped.changed.path, cwd)}: {stopped.changed.reason}" if stopped.changed else "interrupted"
    _fail(f"{reason}; stopped after restoring {len(stopped.result.restored)} of {stopped.total} file(s); "
          "run `reprofix revert` again to finish (it keeps every edit)",
          EXIT_FAILED if stopped.changed else EXIT_INTERRUPTED)


def _report_revert(result, shown) -> None:
    for path, hunks in result.restored:
        moved = "".join(f"; hunk {number} found {abs(lines)} line{'s' if abs(lines) != 1 else ''} "
                        f"{'below' if lines > 0 else 'above'} where apply left it"
                        for number, lines in result.moves.get(path, ()))
        typer.echo(f"restored {shown(path, result.root)} ({hunks} hunk{'s' if hunks != 1 else ''} undone{moved})")
    for path in result.already:
        typer.echo(f"unchanged {shown(path, result.root)} (already as before apply)")
    for path in result.missing:
        typer.echo(f"missing {shown(path, result.root)}: its hunks are in the .rej file")


@app.command(context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True})
def minimize(
    command: List[str] = typer.Argument(..., metavar="-- COMMAND [ARGS...]", help="The training command to run."),
    steps: int = typer.Option(2, "--steps", min=1, help="Steps each run is compared on (the procedure: the first two)."),
    max_runs: int = typer.Option(60, "--max-runs", min=2, help="Runs the search may take (two a trial)."),
    timeout: float = typer.Option(600.0, "--timeout", help="Seconds each run may take."),
    patch: Optional[str] = typer.Option(None, "--patch", help="The patch `reprofix apply` wrote (default: reprofix.patch at the project root)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """After apply: keep only the changes the run needs to be reproducible. Delta debugging over the
    patch's changes, each trial judged by two runs as `verify` judges them; the smallest set found
    stays applied, as the patch (`reprofix revert` still restores every file)."""
    from .verify import minimize as minimizelib
    from .verify import run as verifylib
    from .journal.patch import PatchError

    cwd = _cwd()
    command = _command(command, "minimize")
    patch_path = patch or _default_patch(cwd, _config([]))
    shown_patch = _shown_patch(patch, patch_path, cwd)
    if not os.path.lexists(patch_path):
        _fail(f"{shown_patch}: no such patch; run `reprofix apply` first, then minimize")
    say = (lambda text: None) if as_json else (lambda text: typer.echo(text, err=True))
    with _locked(patch_path, shown_patch):
        try:
            result = minimizelib.Minimizer(patch_path, command, steps=steps, max_runs=max_runs, cwd=cwd,
                                           label=shown_patch, timeout=timeout, say=say).run()
        except (minimizelib.CannotMinimize, PatchError, verifylib.CannotJudge) as error:
            _fail(str(error))
    _report_minimize(result, cwd, shown_patch, as_json)
    if result.stopped and result.stopped.startswith("interrupted"):
        raise typer.Exit(EXIT_INTERRUPTED)


def _report_minimize(result, cwd: Path, shown_patch: str, as_json: bool) -> None:
    import json

    runs = sum(2 for t in result.trials if t.seconds)
    needed = set(result.needed)
    if as_json:
        def unit(u):
            return {"path": _shown(Path(u.path), cwd), "line": u.line, "rule": u.rule or None, "text": u.text}

        typer.echo(json.dumps({
            "needed": [unit(u) for u in result.units if u in needed],
            "not_needed": [unit(u) for u in result.units if u not in needed],
            "trials": len(result.trials), "runs": runs, "stopped": result.stopped,
            "seconds_full": round(result.full_seconds, 3), "seconds_minimal": round(result.minimal_seconds, 3),
            "step_seconds_full": round(result.full_step_seconds, 4),
            "step_seconds_minimal": round(result.minimal_step_seconds, 4),
            "patch": shown_patch if needed else None,
        }, indent=2))
        return
    typer.echo(f"Needed ({len(needed)} of {len(result.units)} change(s)):")
    for u in result.units:
        if u in needed:
            typer.echo(f"  {u.describe()}")
    typer.echo("Not needed (taken back out):")
    for u in result.units:
        if u not in needed:
            typer.echo(f"  {u.describe()}")
    stopped = f"; stopped early ({result.stopped}): the smallest reproducible set found is kept" if result.stopped else ""
    cost = ""
    if result.full_step_seconds and result.minimal_step_seconds:  # what determinism costs this run
        cost = (f"; a step took {_duration(result.full_step_seconds)} with every change, "
                f"{_duration(result.minimal_step_seconds)} with the kept ones (a whole run to the compared steps: "
                f"{result.full_seconds:.1f} s and {result.minimal_seconds:.1f} s)")
    elif result.full_seconds and result.minimal_seconds:  # one step compared: no step time to measure
        cost = (f"; a run to the compared steps took {result.full_seconds:.1f} s with every change, "
                f"{result.minimal_seconds:.1f} s with the kept ones")
    where = f"patch: {shown_patch} (undo: reprofix revert)" if needed else "nothing left applied"
    typer.echo(f"reprofix: minimize: {len(needed)} of {len(result.units)} change(s) kept after {len(result.trials)} "
               f"trial(s), {runs} run(s){cost}{stopped}; {where}")


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


@app.command()
def status(
    patch: Optional[str] = typer.Option(None, "--patch", help="The patch `reprofix apply` wrote (default: reprofix.patch at the project root)."),
) -> None:
    """Say whether a reprofix patch is applied, which files it covers, and whether they changed since.
    Exit 1 while it is applied (a guard for commits), 0 when nothing is."""
    from .journal import undo

    cwd = _cwd()
    patch_path = patch or _default_patch(cwd, _config([]))
    shown_patch = _shown_patch(patch, patch_path, cwd)
    if not os.path.isdir(os.path.dirname(os.path.abspath(patch_path))):
        _nothing_applied(shown_patch)
    journal, states = _file_states(patch_path, cwd, shown_patch)
    applied = [s for s in states if s.state != undo.ORIGINAL]
    pending = {"applying": "; an apply was interrupted: `reprofix apply` completes it, `reprofix revert` undoes it",
               "reverting": "; a revert was interrupted: `reprofix revert` finishes it"}.get(journal.state or "", "")
    typer.echo(f"reprofix: {shown_patch} is {'applied' if applied else 'not applied'} to "
               f"{len(applied)} of {len(states)} file(s){pending}")
    _report_states(states, journal.root, cwd)
    raise typer.Exit(EXIT_FAILED if applied else EXIT_OK)


def _nothing_applied(shown_patch: str) -> None:
    typer.echo(f"reprofix: no patch at {shown_patch}: nothing is applied")
    raise typer.Exit(EXIT_OK)


def _file_states(patch_path: str, cwd: Path, shown_patch: str):
    """The journal and the state of each file it covers, read under the patch's lock."""
    from .journal import undo
    from .journal.patch import PatchError

    with _locked(patch_path, shown_patch):
        if not os.path.lexists(patch_path):
            _nothing_applied(shown_patch)
        try:
            journal = undo.Journal.read(patch_path, cwd, shown_patch)
            return journal, journal.file_states()
        except undo.NotOurs as error:
            _fail(str(error), EXIT_USAGE)
        except PatchError as error:
            _fail(str(error))


def _report_states(states, root: Path, cwd: Path) -> None:
    from .journal import undo

    describe = {
        undo.APPLIED: "applied, unchanged since",
        undo.EDITED: "applied, edited since (revert keeps the edits)",
        undo.ORIGINAL: "not applied (as before apply)",
        undo.MISSING: "missing",
    }
    for s in states:
        shown = _shown(root / s.path, cwd)
        if s.state == undo.CONFLICT:
            typer.echo(f"  {shown}: applied, then edited where reprofix changed it:")
            for conflict in s.conflicts:
                typer.echo(f"    {conflict.describe(shown)}")
        else:
            typer.echo(f"  {shown}: {describe[s.state]}")


@app.command(context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True})
def verify(
    command: List[str] = typer.Argument(..., metavar="-- COMMAND [ARGS...]", help="The training command to run."),
    runs: int = typer.Option(2, "--runs", min=2, help="How many times to run it."),
    steps: int = typer.Option(2, "--steps", min=1, help="Steps to compare (the procedure: the first two)."),
    full: bool = typer.Option(False, "--full", help="Let every run finish and compare every step."),
    timeout: float = typer.Option(600.0, "--timeout", help="Seconds each run may take, everything included."),
    no_loss_timeout: float = typer.Option(120.0, "--no-loss-timeout", metavar="SECONDS",
                                          help="Stop a run that has printed no loss after this long (0: never)."),
    atol: Optional[float] = typer.Option(None, "--atol", help="Absolute tolerance (numpy.allclose); losses: 1e-3, "
                                         "--locate's traces: exact."),
    rtol: Optional[float] = typer.Option(None, "--rtol", help="Relative tolerance (numpy.allclose); losses: 1e-3, "
                                         "--locate's traces: exact."),
    loss_pattern: Optional[str] = typer.Option(None, "--loss-pattern", metavar="REGEX",
                                               help="A regular expression whose one group captures the loss."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    plot: Optional[str] = typer.Option(None, "--plot", metavar="FILE.png", help="Draw the runs' losses and their differences."),
    locate: bool = typer.Option(False, "--locate", help="Trace both runs and report where they first part: step, "
                                "phase, module."),
    keep_traces: Optional[str] = typer.Option(None, "--keep-traces", metavar="DIR",
                                              help="With --locate: keep the traces in DIR."),
) -> None:
    """Run a command several times and judge reproducibility as the procedure's step 6 does.
    Exit 0 reproducible, 1 not reproducible, 2 could not judge."""
    from .verify import session as verify_session

    command = _command(command)
    _check_numbers(atol, rtol, timeout, no_loss_timeout)
    if locate and runs != 2:
        _fail("--locate compares two runs: leave --runs at 2", EXIT_USAGE)
    if keep_traces is not None and not locate:
        _fail("--keep-traces goes with --locate", EXIT_USAGE)
    pattern = _loss_pattern(loss_pattern)
    _check_plot(plot)
    applied, applied_mode = _applied_patch()
    options = verify_session.Options(
        command=command, runs=runs, steps=steps, full=full, timeout=timeout,
        no_loss_timeout=no_loss_timeout or None, atol=atol, rtol=rtol, pattern=pattern, as_json=as_json,
        plot=plot, locate=locate, keep_traces=keep_traces, applied_patch=applied, applied_mode=applied_mode,
    )
    raise typer.Exit(verify_session.execute(options))


def _applied_patch() -> tuple[Optional[str], str]:
    """The reprofix patch applied to the project of the current folder, as shown to the user (None if
    there is none, or it cannot be read: verify does not depend on it), and its mode."""
    from . import config as configlib
    from .journal.patch import read_header
    from .paths import NotRegular, TooLarge, read_regular

    cwd = _cwd()
    try:
        patch_path = _default_patch(cwd, configlib.load(cwd, None))
        found = read_header(read_regular(patch_path, 1 << 24))
    except (OSError, configlib.ConfigError, NotRegular, TooLarge, ValueError):
        return None, ""
    if found is None or found.state != "applied":
        return None, ""
    return _shown(patch_path, cwd), found.mode


def _command(command: List[str], name: str = "verify") -> List[str]:
    """The command after --; none is a usage error."""
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        _fail(f"{name} needs a command after --, e.g. `reprofix {name} -- python train.py`", EXIT_USAGE)
    if _python_file(command[0]):
        import shlex

        _fail(f"{shlex.quote(command[0])} is a Python file, not a program: run reprofix {name} -- python "
              f"{shlex.join(command)}", EXIT_USAGE)
    return command


def _python_file(word: str) -> bool:
    """Whether the command's first word is a Python file that cannot run as a program: `train.py`
    (not on PATH), or a `./train.py` that is not executable or has no `#!` line."""
    import shutil

    if not word.endswith(".py") or not os.path.isfile(word):
        return False
    if shutil.which(word) is None:
        return True
    try:
        with open(word, "rb") as file:
            return file.read(2) != b"#!"
    except OSError:
        return False


def _check_numbers(atol: Optional[float], rtol: Optional[float], timeout: float, no_loss_timeout: float) -> None:
    """The tolerances and the time limits are finite numbers, none below its least."""
    import math

    for name, value in (("--atol", atol), ("--rtol", rtol)):
        if value is not None and not (math.isfinite(value) and value >= 0):
            _fail(f"{name} {value}: must be a finite number, 0 or more", EXIT_USAGE)
    for name, value, least in (("--timeout", timeout, 1), ("--no-loss-timeout", no_loss_timeout, 0)):
        if not (math.isfinite(value) and value >= least):
            _fail(f"{name} {value}: must be a finite number of seconds, {least} or more", EXIT_USAGE)


def _loss_pattern(loss_pattern: Optional[str]):
    """--loss-pattern compiled, with exactly one capture group; None without it."""
    import re

    if loss_pattern is None:
        return None
    try:
        pattern = re.compile(loss_pattern)
    except re.error as error:
        _fail(f"--loss-pattern: not a regular expression: {error}", EXIT_USAGE)
    if pattern.groups != 1:
        _fail("--loss-pattern must have exactly one capture group, around the loss", EXIT_USAGE)
    return pattern


def _check_plot(plot: Optional[str]) -> None:
    import importlib.util

    if plot is not None and importlib.util.find_spec("matplotlib") is None:
        _fail("--plot needs matplotlib: pip install 'reprofix[plot]'", EXIT_USAGE)


def _echo(text: str) -> None:
    if text:
        typer.echo(text)


def main() -> None:
    from . import deep_enough

    deep_enough()
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 must never stop a report
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("reprofix: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:  # a bug of ours: one line, never a traceback
        typer.echo(f"reprofix: internal error: {type(error).__name__}: {error}; please report it", err=True)
        sys.exit(EXIT_FAILED)
