"""How findings and diffs are shown to a person, or to a machine (`--json`)."""

from __future__ import annotations

import dataclasses
import json
import re

import typer

from . import __version__
from ._rules import NOTE, REPORT, REWRITE
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
    entries = [_shown(f) for f in result.files if f.entry]
    if entries:
        lines.append(_title("Entry scripts (seed block):", color) + " " + ", ".join(entries))
    for kind, titles in SECTIONS.items():
        rows = _rows(result, kind)
        if not rows:
            continue
        lines.append(_title((titles[1] if scan else titles[0]) + ":", color))
        for path, finding in rows:
            lines.append(f"  {path}:{location(finding)}  {finding.rule}  {finding.message}")
    return "\n".join(lines)


APPLY_FIXES = " (reprofix apply fixes this)"
# A change apply makes, as it reports it (past tense), as the fix to make: each form its fixers word.
_FIXES = tuple((re.compile(pattern), template) for pattern, template in (
    (r"seed block inserted(.*)", r"add the seed block\1"),
    (r"(.+?) -> (.+)", r"replace \1 with \2"),
    (r"(.+?) disabled(.*)", r"disable \1\2"),
    (r"(.+?) removed from the list", r"take \1 out of the list"),
    (r"(.+?)\(\.\.\., (.+?)( where set)?\)", r"pass \2 to \1\3"),  # create_model(..., drop_rate=0.0)
    (r"(.+?): (\w+=.+?)( \((?:over|in the dict) .+\))?", r"pass \2 to \1\3"),  # DataLoader: shuffle=False
    (r"([\w.]+) = (.+)", r"set \1 = \2"),  # benchmark = False
    (r"([\w.]+): (.+)", r"set \1: \2"),  # a configuration's `shuffle: false`
    (r"[\w.]+\(.*\)", r"call \g<0>"),  # set_num_parallel_workers(1)
))


def as_problems(result) -> None:
    """scan writes nothing: each change apply would make is reported as the problem it fixes, in
    the present tense, with the fix (`dropout draws a new mask every step: pass p=0.0 to Dropout
    (reprofix apply fixes this)`); the other findings already say what is there."""
    from .engine import all_rules

    rules = all_rules()
    result.files = [dataclasses.replace(f, findings=tuple(
        dataclasses.replace(x, message=f"{rules[x.rule].problem}: {as_fix(x.message)}{APPLY_FIXES}")
        if x.kind == REWRITE else x for x in f.findings)) for f in result.files]


def as_fix(message: str) -> str:
    """`Dropout: p=0.0` -> `pass p=0.0 to Dropout`, `RandomCrop -> CenterCrop(32)` -> `replace
    RandomCrop with CenterCrop(32)`; a message of another form stays as it is."""
    for pattern, template in _FIXES:
        found = pattern.fullmatch(message)
        if found:
            return found.expand(template)
    return message


def _rows(result, kind: str) -> list:
    """(the file as shown, the finding) for every finding of this kind."""
    return [(_shown(f), finding) for f in result.files for finding in f.findings if finding.kind == kind]


def _shown(file) -> str:
    return file.shown or file.path


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
    findings = [_finding_json(_shown(f), finding, rules) for f in result.files for finding in f.findings]
    return json.dumps(
        {
            "reprofix": __version__,
            "files": [_shown(f) for f in result.files],
            "entry_scripts": [_shown(f) for f in result.files if f.entry],
            "would_change": [_shown(f) for f in result.files if f.changed],
            "findings": findings,
            "errors": result.errors,
            **extra,
        },
        indent=2,
        allow_nan=False,
    )


def _finding_json(path: str, finding, rules) -> dict:
    return {
        "path": path,
        **({"cell": finding.cell} if isinstance(finding, CellFinding) else {}),
        "line": finding.line,
        "col": finding.col,
        "rule": finding.rule,
        "name": rules[finding.rule].name,
        "kind": finding.kind,
        "fixed_by_apply": finding.kind == REWRITE,
        "message": finding.message,
    }


DIFF_STYLES = (("+++", "bold"), ("---", "bold"), ("diff ", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"))


def print_diff(diff: bytes, color: bool) -> None:
    """The diff on stdout: coloured by rich on a terminal, else exactly its bytes (what the patch holds)."""
    import sys

    sys.stdout.flush()
    if not color:
        sys.stdout.buffer.write(diff)
        sys.stdout.buffer.flush()
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    for line in diff.decode("utf-8", "replace").splitlines():
        style = next((style for prefix, style in DIFF_STYLES if line.startswith(prefix)), "")
        console.print(Text(line, style=style))


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {REWRITE: "warning", REPORT: "warning", NOTE: "note"}


def to_sarif(result, root, cwd, **extra) -> str:
    """SARIF 2.1.0, as code scanning reads it: one rule per reprofix rule, one result per finding.
    Paths are relative to the current folder (`%SRCROOT%`). A finding in a notebook points at the line
    of the notebook's JSON file that holds its code, and names its cell (a logical location, and
    `cell`, `line`, `column` in the location's properties)."""
    import os
    from urllib.parse import quote

    from .engine import all_rules

    rules = list(all_rules().values())
    index = {rule.id: number for number, rule in enumerate(rules)}
    results = []
    for f in result.files:
        uri = quote(os.fsencode(os.path.relpath(os.path.join(root, f.path), cwd).replace(os.sep, "/")))
        for finding in f.findings:
            results.append({
                "ruleId": finding.rule,
                "ruleIndex": index[finding.rule],
                "level": SARIF_LEVEL[finding.kind],
                "message": {"text": finding.message},
                "locations": [_sarif_location(uri, finding)],
                "properties": {"kind": finding.kind, "fixedByApply": finding.kind == REWRITE},
            })
    notifications = [{"level": "error", "message": {"text": line}} for line in result.errors]
    notifications += [{"level": "note", "message": {"text": line}} for line in result.notes]
    run = {
        "tool": {"driver": {
            "name": "reprofix",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [_sarif_rule(rule) for rule in rules],
        }},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": cwd.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "results": results,
    }
    if extra:
        run["properties"] = extra
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, allow_nan=False)


def _sarif_rule(rule) -> dict:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": f"{rule.summary} {rule.why}", "markdown": f"{rule.summary}\n\n{rule.why}"},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.fix]},
        "properties": {"framework": rule.framework, "kind": rule.fix},
    }


def _sarif_location(uri: str, finding) -> dict:
    physical: dict = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}
    location: dict = {"physicalLocation": physical}
    line, col = finding.line, finding.col
    if isinstance(finding, CellFinding):
        line, col = finding.file_line, finding.file_col
        if finding.cell:
            location["logicalLocations"] = [
                {"name": f"cell {finding.cell}", "fullyQualifiedName": f"cells[{finding.cell - 1}]", "kind": "object"}]
            location["properties"] = {"cell": finding.cell, "line": finding.line, "column": finding.col}
    if line >= 1:
        physical["region"] = {"startLine": line, "startColumn": max(col, 1)}
    return location
