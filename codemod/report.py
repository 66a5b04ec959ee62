"""How findings and diffs are shown to a person."""

from __future__ import annotations

import typer

from transforms import NOTE, REPORT, REWRITE

SECTIONS = (
    (REWRITE, "Changed"),
    (REPORT, "Needs you"),
    (NOTE, "Notes"),
)


def render(files, *, color: bool = False) -> str:
    """Each change with rule id and file:line:col, then what needs a human, then notes."""
    lines = []
    for kind, title in SECTIONS:
        rows = [(f.path, finding) for f in files for finding in f.findings if finding.kind == kind]
        if not rows:
            continue
        lines.append(typer.style(f"{title}:", bold=True) if color else f"{title}:")
        for path, finding in rows:
            where = f"{path}:{finding.line}:{finding.col}"
            lines.append(f"  {where}  {finding.rule}  {finding.message}")
    return "\n".join(lines)


def summary(files, *, errors: int = 0, patch: str | None = None, dry_run: bool = False) -> str:
    changed = [f for f in files if f.changed]
    count = sum(1 for f in files for finding in f.findings if finding.kind == REWRITE)
    needs = sum(1 for f in files for finding in f.findings if finding.kind == REPORT)
    text = f"reprofix: {len(changed)} of {len(files)} file(s) {'would change' if dry_run else 'changed'}, {count} change(s), {needs} need you"
    if errors:
        text += f", {errors} file(s) could not be processed (see above)"
    if dry_run:
        return text + "; dry run, nothing written"
    if patch:
        return text + f"; patch: {patch} (undo: reprofix revert{'' if patch == 'reprofix.patch' else ' --patch ' + patch})"
    return text + "; nothing to change"


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
