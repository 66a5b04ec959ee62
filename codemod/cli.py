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


def _fail(message: str, code: int = EXIT_FAILED) -> None:
    typer.echo(f"reprofix: {message}", err=True)
    raise typer.Exit(code)


def _echo_report(text: str) -> None:
    if text:
        typer.echo(text)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reprofix {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Make a training script reproducible, show the exact change, and take it back out."""


@app.command()
def apply(
    files: List[str] = typer.Argument(..., metavar="FILE...", help="Training scripts to rewrite."),
    seed: int = typer.Option(1, "--seed", help="Seed for every generator (the procedure asks for non-zero)."),
    patch: str = typer.Option(DEFAULT_PATCH, "--patch", help="Where to write the patch that undoes the change."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the diff and the report; write nothing."),
) -> None:
    """Rewrite FILEs in place for reproducibility and write one patch describing every change."""
    from . import engine, report
    from .patch import PatchError

    if not 0 <= seed < 2**32:
        _fail(f"--seed {seed}: must be between 0 and 4294967295", EXIT_USAGE)
    if seed == 0:
        typer.echo("reprofix: warning: seed 0; the procedure asks for a non-zero seed", err=True)
    cwd = Path.cwd()
    try:
        result = engine.rewrite_files(files, seed=seed, cwd=cwd, patch_name="" if patch == DEFAULT_PATCH else patch)
    except engine.UsageError as error:
        _fail(str(error), EXIT_USAGE)
    except PatchError as error:
        _fail(f"internal error building the patch: {error}")
    for line in result.errors:
        typer.echo(f"reprofix: {line}", err=True)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    changed = [f for f in result.files if f.changed]
    if dry_run:
        if result.diff:
            typer.echo(report.colour_diff(result.diff) if color else result.diff.decode("utf-8", "replace"), nl=False)
        _echo_report(report.render(result.files, color=color))
        typer.echo(report.summary(result.files, errors=len(result.errors), dry_run=True))
        raise typer.Exit(EXIT_FAILED if result.errors else EXIT_OK)
    if changed and os.path.exists(patch):
        _fail(
            f"{patch} already exists (an earlier apply that was not reverted?): run `reprofix revert` "
            "first, or pass --patch with another path; nothing was changed"
        )
    if changed:
        try:
            engine.write_applied(result, patch)
        except OSError as error:
            _fail(f"{error.filename or patch}: cannot write: {error.strerror}; run `reprofix revert` if the patch was written")
    _echo_report(report.render(result.files, color=color))
    typer.echo(report.summary(result.files, errors=len(result.errors), patch=patch if changed else None))
    raise typer.Exit(EXIT_FAILED if result.errors else EXIT_OK)


@app.command()
def revert(
    patch: str = typer.Option(DEFAULT_PATCH, "--patch", help="The patch `reprofix apply` wrote."),
) -> None:
    """Restore the files a patch changed, byte for byte, then remove the patch."""
    from . import engine
    from .patch import PatchError

    try:
        result = engine.revert(patch, Path.cwd())
    except PatchError as error:
        _fail(f"{error}; nothing was changed")
    except OSError as error:
        _fail(f"{error.filename}: cannot write: {error.strerror}")
    for path, hunks in result.restored:
        typer.echo(f"restored {path} ({hunks} hunk{'s' if hunks != 1 else ''} undone)")
    typer.echo(f"reprofix: {len(result.restored)} file(s) restored; removed {patch}")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("reprofix: interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # a bug of ours: one line, never a traceback
        typer.echo(f"reprofix: internal error: {type(error).__name__}: {error}; please report it", err=True)
        sys.exit(EXIT_FAILED)
