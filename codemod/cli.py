"""The `reprofix` command line. Heavy modules (libcst, the rule tables) load inside the commands, so
`reprofix --help` stays quick."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Make a training script reproducible, show the exact change, and take it back out.",
)

DEFAULT_PATCH = "reprofix.patch"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

PATHS = typer.Argument(..., metavar="PATH...", help="Entry scripts, or folders to rewrite whole.")
ENTRY = typer.Option(None, "--entry", metavar="FILE", help="Also an entry script (gets the seed block). Repeatable.")
EXCLUDE = typer.Option(None, "--exclude", metavar="GLOB", help="Skip matching files and folders (gitignore syntax). Repeatable.")
DISABLE = typer.Option(None, "--disable", metavar="RULE", help="A rule id not to apply or report. Repeatable.")
JOBS = typer.Option(None, "-j", "--jobs", min=1, help="Parallel processes (default: the number of cores).")
NO_FOLLOW = typer.Option(False, "--no-follow", help="Do not follow the project-local imports of the files named.")


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
    """The [tool.reprofix] configuration nearest the paths (or the current directory)."""
    from . import config as configlib
    from . import engine

    start = Path(os.path.commonpath([os.path.abspath(p) for p in paths])) if paths else Path.cwd()
    try:
        return configlib.load(start if start.is_dir() else start.parent, set(engine.all_rules()))
    except configlib.ConfigError as error:
        _fail(str(error), EXIT_USAGE)


def _run(config, paths, entry, exclude, disable, jobs, no_follow, seed, patch_name=""):
    """Check the options and process the files."""
    from . import engine
    from .patch import PatchError
    import transforms

    cwd = Path.cwd()
    known = set(engine.all_rules())
    unknown = sorted(set(disable or []) - known)
    if unknown:
        _fail(f"--disable: unknown rule id(s) {', '.join(unknown)}", EXIT_USAGE)
    seed = seed if seed is not None else (config.seed if config.seed is not None else 1)
    if not 0 <= seed < 2**32:
        _fail(f"--seed {seed}: must be between 0 and 4294967295", EXIT_USAGE)
    if seed == 0:
        typer.echo("reprofix: warning: seed 0; the procedure asks for a non-zero seed", err=True)
    root = config.path.parent if config.path else cwd
    options = transforms.Options(
        seed=seed,
        disabled=frozenset(config.disable) | frozenset(disable or []),
        dropout_classes=tuple(config.dropout_classes),
        random_data_ops=tuple(config.random_data_ops),
    )
    request = engine.Request(
        paths=list(paths),
        options=options,
        entries=[str(root / e) for e in config.entry] + list(entry or []),
        excludes=list(config.exclude) + list(exclude or []),
        jobs=jobs or os.cpu_count() or 1,
        follow=not no_follow,
    )
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        result = engine.Runner(request, cwd, progress).run(patch_name)
    except engine.UsageError as error:
        _fail(str(error), EXIT_USAGE)
    except PatchError as error:
        _fail(f"internal error building the patch: {error}")
    finally:
        if progress is not None:
            progress.done()
    for line in result.errors:
        typer.echo(f"reprofix: {line}", err=True)
    for line in result.notes:
        typer.echo(f"reprofix: note: {line}", err=True)
    return result


class _Progress:
    """A progress bar on the terminal once there are many files (the total grows as imports are
    followed)."""

    MANY = 50

    def __init__(self):
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if total < self.MANY or (done % 10 and done != total):
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\rreprofix [{'#' * filled}{'-' * (width - filled)}] {done}/{total} files")
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


@app.command()
def apply(
    paths: List[str] = PATHS,
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed for every generator (default 1; the procedure asks for non-zero)."),
    patch: Optional[str] = typer.Option(None, "--patch", help="Where to write the patch that undoes the change (default reprofix.patch)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the diff and the report; write nothing."),
    entry: Optional[List[str]] = ENTRY,
    exclude: Optional[List[str]] = EXCLUDE,
    disable: Optional[List[str]] = DISABLE,
    jobs: Optional[int] = JOBS,
    no_follow: bool = NO_FOLLOW,
) -> None:
    """Rewrite the scripts (and the project modules they import) for reproducibility, and write one
    patch describing every change."""
    from . import engine, report, undo
    from .patch import PatchError

    config = _config(paths)
    patch = patch or config.patch or DEFAULT_PATCH
    if dry_run:
        if os.path.exists(patch) and _pending(patch):
            typer.echo(f"reprofix: warning: {patch} records an interrupted run; `reprofix apply` (without "
                       "--dry-run) or `reprofix revert` finishes it", err=True)
    else:
        try:
            finished = undo.finish_interrupted(patch, Path.cwd())
        except (PatchError, undo.RevertConflict) as error:
            _fail(f"{error}; nothing was changed")
        if finished:
            typer.echo(f"reprofix: {finished}", err=True)
    result = _run(config, paths, entry, exclude, disable, jobs, no_follow, seed, "" if patch == DEFAULT_PATCH else patch)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    changed = [f for f in result.files if f.changed]
    if dry_run:
        if result.diff:
            typer.echo(report.colour_diff(result.diff) if color else result.diff.decode("utf-8", "replace"), nl=False)
        _echo(report.render(result, color=color))
        typer.echo(report.summary(result, dry_run=True))
        raise typer.Exit(EXIT_FAILED if result.errors else EXIT_OK)
    if changed and os.path.exists(patch):
        _fail(
            f"{patch} already exists (an earlier apply that was not reverted?): run `reprofix revert` "
            "first, or pass --patch with another path; nothing was changed"
        )
    problems = engine.write_problems(result, Path.cwd())
    if problems:
        for line in problems:
            typer.echo(f"reprofix: {line}", err=True)
        _fail("nothing was changed")
    if changed:
        try:
            undo.write_applied(patch, result.patch, [(f.path, f.new) for f in changed], Path.cwd())
        except OSError as error:
            _fail(f"{error.filename or patch}: cannot write: {error.strerror}; `reprofix revert` undoes what was written")
    _echo(report.render(result, color=color))
    typer.echo(report.summary(result, patch=patch if changed else None))
    raise typer.Exit(EXIT_FAILED if result.errors else EXIT_OK)


def _pending(patch: str) -> bool:
    from . import patch as patchlib

    try:
        return patchlib.state(Path(patch).read_bytes()) in ("applying", "reverting")
    except OSError:
        return False


@app.command()
def scan(
    paths: List[str] = PATHS,
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
    leftovers: bool = typer.Option(False, "--leftovers", help="Only look for reprofix changes left in the code."),
    entry: Optional[List[str]] = ENTRY,
    exclude: Optional[List[str]] = EXCLUDE,
    disable: Optional[List[str]] = DISABLE,
    jobs: Optional[int] = JOBS,
    no_follow: bool = NO_FOLLOW,
) -> None:
    """Report every randomness source, fixable or not; write nothing. Exit 1 when `apply` would change
    something (with --leftovers: when reprofix changes are still in the code)."""
    from . import engine, report

    result = _run(_config(paths), paths, entry, exclude, disable, jobs, no_follow, None)
    if leftovers:
        keep = {rule.id for rule in engine.all_rules().values() if rule.name == "reprofix-leftover"}
        result.files = [
            engine.FileResult(f.path, f.original, f.original, tuple(x for x in f.findings if x.rule in keep), f.entry)
            for f in result.files
        ]
        found = any(f.findings for f in result.files)
    else:
        found = any(f.changed for f in result.files)
    if as_json:
        typer.echo(report.to_json(result))
    else:
        _echo(report.render(result, color=sys.stdout.isatty() and "NO_COLOR" not in os.environ, scan=True))
        typer.echo(report.scan_summary(result, leftovers=leftovers))
    raise typer.Exit(EXIT_FAILED if found or result.errors else EXIT_OK)


@app.command()
def revert(
    patch: Optional[str] = typer.Option(None, "--patch", help="The patch `reprofix apply` wrote (default reprofix.patch)."),
    partial: bool = typer.Option(False, "--partial", help="Undo the hunks that still match; save the others to PATCH.rej."),
) -> None:
    """Restore the files a patch changed, keeping every edit made since, then remove the patch."""
    from . import undo
    from .patch import PatchError

    patch = patch or _config([]).patch or DEFAULT_PATCH
    try:
        result = undo.revert(patch, Path.cwd(), partial=partial)
    except undo.RevertConflict as error:
        for conflict in error.conflicts:
            typer.echo(f"reprofix: {conflict.describe()}", err=True)
        _fail(
            f"nothing was changed: {len(error.conflicts)} hunk(s) no longer match the files. Fix them by hand, "
            f"or run `reprofix revert --partial` to undo the {error.clean} other hunk(s) and save these to "
            f"{patch}.rej"
        )
    except PatchError as error:
        _fail(f"{error}; nothing was changed")
    except OSError as error:
        _fail(f"{error.filename}: cannot write: {error.strerror}; run `reprofix revert` again to finish")
    for path, hunks in result.restored:
        typer.echo(f"restored {path} ({hunks} hunk{'s' if hunks != 1 else ''} undone)")
    for path in result.already:
        typer.echo(f"unchanged {path} (already as before apply)")
    typer.echo(f"reprofix: {len(result.restored)} file(s) restored; removed {patch}")
    if result.rejected:
        _fail(f"some hunks could not be undone: they are in {result.rejected}; apply them in reverse by hand")


@app.command()
def status(
    patch: Optional[str] = typer.Option(None, "--patch", help="The patch `reprofix apply` wrote (default reprofix.patch)."),
) -> None:
    """Say whether a reprofix patch is applied, which files it covers, and whether they changed since.
    Exit 1 while it is applied (a guard for commits), 0 when nothing is applied."""
    from . import undo
    from .patch import PatchError

    patch = patch or _config([]).patch or DEFAULT_PATCH
    if not os.path.exists(patch):
        typer.echo(f"reprofix: no patch at {patch}: nothing is applied")
        raise typer.Exit(EXIT_OK)
    try:
        journal = undo.Journal.read(patch)
        states = journal.file_states(Path.cwd())
    except PatchError as error:
        _fail(str(error))
    applied = [s for s in states if s.state != undo.ORIGINAL]
    pending = {"applying": "; an apply was interrupted: `reprofix apply` completes it, `reprofix revert` undoes it",
               "reverting": "; a revert was interrupted: `reprofix revert` finishes it"}.get(journal.state or "", "")
    typer.echo(f"reprofix: {patch} is {'applied' if applied else 'not applied'} to "
               f"{len(applied)} of {len(states)} file(s){pending}")
    describe = {
        undo.APPLIED: "applied, unchanged since",
        undo.EDITED: "applied, edited since (revert keeps the edits)",
        undo.ORIGINAL: "not applied (as before apply)",
        undo.MISSING: "missing",
    }
    for s in states:
        if s.state == undo.CONFLICT:
            typer.echo(f"  {s.path}: applied, then edited where reprofix changed it:")
            for conflict in s.conflicts:
                typer.echo(f"    {conflict.describe()}")
        else:
            typer.echo(f"  {s.path}: {describe[s.state]}")
    raise typer.Exit(EXIT_FAILED if applied else EXIT_OK)


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
    import math
    import re

    from . import verify_session

    if command and command[0] == "--":
        command = command[1:]
    if not command:
        _fail("verify needs a command after --, e.g. `reprofix verify -- python train.py`", EXIT_USAGE)
    for name, value in (("--atol", atol), ("--rtol", rtol)):
        if value is not None and not (math.isfinite(value) and value >= 0):
            _fail(f"{name} {value}: must be a finite number, 0 or more", EXIT_USAGE)
    for name, value, least in (("--timeout", timeout, 1), ("--no-loss-timeout", no_loss_timeout, 0)):
        if not (math.isfinite(value) and value >= least):
            _fail(f"{name} {value}: must be a finite number of seconds, {least} or more", EXIT_USAGE)
    if locate and runs != 2:
        _fail("--locate compares two runs: leave --runs at 2", EXIT_USAGE)
    if keep_traces is not None and not locate:
        _fail("--keep-traces goes with --locate", EXIT_USAGE)
    pattern = None
    if loss_pattern is not None:
        try:
            pattern = re.compile(loss_pattern)
        except re.error as error:
            _fail(f"--loss-pattern: not a regular expression: {error}", EXIT_USAGE)
        if pattern.groups != 1:
            _fail("--loss-pattern must have exactly one capture group, around the loss", EXIT_USAGE)
    if plot is not None:
        import importlib.util

        if importlib.util.find_spec("matplotlib") is None:
            _fail("--plot needs matplotlib: pip install 'reprofix[plot]'", EXIT_USAGE)
    options = verify_session.Options(
        command=command, runs=runs, steps=steps, full=full, timeout=timeout,
        no_loss_timeout=no_loss_timeout or None, atol=atol, rtol=rtol, pattern=pattern, as_json=as_json,
        plot=plot, locate=locate, keep_traces=keep_traces,
    )
    raise typer.Exit(verify_session.execute(options))


def _echo(text: str) -> None:
    if text:
        typer.echo(text)


def main() -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))  # deeply nested expressions in real code
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("reprofix: interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # a bug of ours: one line, never a traceback
        typer.echo(f"reprofix: internal error: {type(error).__name__}: {error}; please report it", err=True)
        sys.exit(EXIT_FAILED)
