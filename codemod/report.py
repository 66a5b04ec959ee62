"""How findings and diffs are shown to a person, or to a machine (`--json`)."""

from __future__ import annotations

import json

import typer

from transforms import NOTE, REPORT, REWRITE

from . import __version__
from .notebook import CellFinding, location

SECTIONS = {
    REWRITE: ("Changed", "Apply fixes"),
    REPORT: ("Needs you", "Needs you"),
    NOTE: ("Notes", "Notes"),
}


def render(result, *, color: bool = False, scan: bool = False) -> str:
    """Entry scripts, then each change with rule id and file:line:col, then what needs a human,
    then notes."""
    lines = []
    entries = [f.shown or f.path for f in result.files if f.entry]
    if entries:
        lines.append(_title("Entry scripts (seed block):", color) + " " + ", ".join(entries))
    for kind, titles in SECTIONS.items():
        rows = [(f.shown or f.path, finding) for f in result.files for finding in f.findings if finding.kind == kind]
        if not rows:
            continue
        lines.append(_title((titles[1] if scan else titles[0]) + ":", color))
        for path, finding in rows:
            lines.append(f"  {path}:{location(finding)}  {finding.rule}  {finding.message}")
    return "\n".join(lines)


def _title(text: str, color: bool) -> str:
    return typer.style(text, bold=True) if color else text


def _counts(result):
    changed = [f for f in result.files if f.changed]
    count = sum(1 for f in result.files for finding in f.findings if finding.kind == REWRITE)
    needs = sum(1 for f in result.files for finding in f.findings if finding.kind == REPORT)
    return changed, count, needs


def summary(result, *, patch: str | None = None, undo: str = "reprofix revert", dry_run: bool = False) -> str:
    changed, count, needs = _counts(result)
    files = result.files
    text = (
        f"reprofix: {len(changed)} of {len(files)} file(s) {'would change' if dry_run else 'changed'}, "
        f"{count} change(s), {needs} need you"
    )
    if result.errors:
        text += f", {len(result.errors)} file(s) could not be processed (see above)"
    if dry_run:
        return text + "; dry run, nothing written"
    if patch:
        return text + f"; patch: {patch} (undo: {undo})"
    return text + "; nothing to change"


def scan_summary(result, *, leftovers: bool = False) -> str:
    if leftovers:
        marked = [f for f in result.files if f.findings]
        return f"reprofix scan: {len(result.files)} file(s), reprofix changes left in {len(marked)}"
    changed, count, needs = _counts(result)
    text = (
        f"reprofix scan: {len(result.files)} file(s), {count} source(s) `reprofix apply` would fix "
        f"in {len(changed)} file(s), {needs} need you"
    )
    if result.errors:
        text += f", {len(result.errors)} file(s) could not be processed (see above)"
    return text


def to_json(result, **extra) -> str:
    """Strict JSON (no NaN or Infinity; paths that are not UTF-8 are given in git's quoted form)."""
    from .engine import all_rules

    rules = all_rules()
    findings = [
        {
            "path": f.shown or f.path,
            **({"cell": finding.cell} if isinstance(finding, CellFinding) else {}),
            "line": finding.line,
            "col": finding.col,
            "rule": finding.rule,
            "name": rules[finding.rule].name,
            "kind": finding.kind,
            "fixed_by_apply": finding.kind == REWRITE,
            "message": finding.message,
        }
        for f in result.files
        for finding in f.findings
    ]
    return json.dumps(
        {
            "reprofix": __version__,
            "files": [f.shown or f.path for f in result.files],
            "entry_scripts": [f.shown or f.path for f in result.files if f.entry],
            "would_change": [f.shown or f.path for f in result.files if f.changed],
            "findings": findings,
            "errors": result.errors,
            **extra,
        },
        indent=2,
        allow_nan=False,
    )


def colour_diff(diff: bytes) -> str:
    out = []
    for line in diff.decode("utf-8", "replace").splitlines(keepends=True):
        text, end = line.rstrip("\r\n"), line[len(line.rstrip("\r\n")) :]
        if line.startswith(("+++", "---", "diff ")):
            text = typer.style(text, bold=True)
        elif line.startswith("@@"):
            text = typer.style(text, fg="cyan")
        elif line.startswith("+"):
            text = typer.style(text, fg="green")
        elif line.startswith("-"):
            text = typer.style(text, fg="red")
        out.append(text + end)
    return "".join(out)
