"""`reprofix minimize`: which of the applied changes did the run need?

The applied patch is cut into units (each run of changed lines of a file: a seed block, a rewritten
call, a commented-out op), and delta debugging (Zeller's ddmin) looks for a smallest set of units
whose files make two runs of the command agree, with `verify`'s judge. Every trial goes through the
original files: the patch is reverted (a state with nothing applied), then the trial's units are
applied with a patch of their own, so that at every moment the files and the patch agree and
`reprofix revert` gives back the originals byte for byte, even after a crash or Ctrl-C. At the end
the smallest set found stays applied, as the patch."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..journal import patch as patchlib
from ..journal import undo
from ..paths import display
from . import judge as judgelib
from . import run as verifylib


class CannotMinimize(Exception):
    """One line: why minimize cannot start, or cannot go on."""


@dataclass(frozen=True)
class Unit:
    """One run of changed lines of one file: original lines [i1, i2) become rewritten [j1, j2)."""
    path: str
    i1: int
    i2: int
    j1: int
    j2: int
    rule: str = ""  # the rule whose change it is, where known
    text: str = ""  # its first rewritten line (or the first original one, for a removal)

    @property
    def line(self) -> int:
        return self.i1 + 1

    def describe(self) -> str:
        rule = f"  {self.rule}" if self.rule else ""
        return f"{display(self.path)}:{self.line}{rule}  {self.text}"


@dataclass
class Trial:
    units: frozenset
    reproducible: bool
    why: str
    seconds: float  # the slower of the two runs, early-stopped after the compared steps
    step_seconds: float = 0.0  # the slower of the two runs' step times (verify.step_seconds)


@dataclass
class Result:
    units: list[Unit]
    needed: list[Unit]
    trials: list[Trial] = field(default_factory=list)
    full_seconds: float = 0.0
    minimal_seconds: float = 0.0
    full_step_seconds: float = 0.0
    minimal_step_seconds: float = 0.0
    stopped: str | None = None  # why the search stopped early (Ctrl-C, --max-runs), if it did


class Minimizer:
    def __init__(self, patch_path: str, command: list, *, steps: int, max_runs: int, cwd: Path, label: str,
                 timeout: float = 600.0, say=None):
        self.patch_path, self.command, self.steps, self.max_runs = patch_path, command, steps, max_runs
        self.cwd, self.label, self.timeout = cwd, label, timeout
        self.say = say or (lambda text: None)
        journal = undo.Journal.read(patch_path, cwd, label)
        if journal.state != "applied":
            raise CannotMinimize(f"{display(label)}: its journal says {journal.state!r}: run `reprofix apply` again "
                                 "(it finishes what was under way), then minimize")
        states = journal.file_states()
        edited = [s.path for s in states if s.state != undo.APPLIED]
        if edited:
            raise CannotMinimize(f"{display(edited[0])}: changed since apply; minimize needs the files as apply left "
                                 "them: revert, apply again, then minimize")
        self.root, self.mode = journal.root, journal.header.mode
        said = re.search(rb"^# reprofix patch: [^\n]*Undo them with `([^`\n]+)`", journal.data, re.MULTILINE)
        self.undo_command = said.group(1).decode("utf-8", "replace") if said else "reprofix revert"  # as apply said
        self.original = {s.path: s.undone for s in states}
        self.rewritten = {s.path: s.current for s in states}
        self.units = _units(self.original, self.rewritten)
        self.cache: dict[frozenset, Trial] = {}
        self.runs = 0

    # -- the files a set of units gives ---------------------------------------------------------------
    def contents(self, chosen: frozenset) -> dict[str, bytes]:
        out = {}
        for path, original in self.original.items():
            a, b = patchlib.split_lines(original), patchlib.split_lines(self.rewritten[path])
            lines, at = [], 0
            for unit in (u for u in self.units if u.path == path):
                lines += a[at:unit.i1]
                lines += b[unit.j1:unit.j2] if unit in chosen else a[unit.i1:unit.i2]
                at = unit.i2
            out[path] = b"".join(lines + a[at:])
        return out

    def put(self, chosen: frozenset, contents: dict[str, bytes] | None = None, *, stop_after: bool = True) -> None:
        """Leave exactly `chosen` applied: the patch reverted (nothing applied), then these units
        applied with a patch of their own (none when the set is empty). A Ctrl-C on the way (revert
        and apply stop between two files when one comes) is held until the files and the patch
        agree again; then, `stop_after`, it stops the search."""
        import signal

        contents = self.contents(chosen) if contents is None else contents
        interrupted = False
        while True:
            try:
                self._put(contents)
                break
            except (undo.RevertStopped, undo.Interrupted, undo.Stopped) as stop:
                if getattr(stop, "changed", None) is not None:  # a file changed under us: not ours to go on
                    raise CannotMinimize(f"{display(stop.changed.path)}: {stop.changed.reason}; run `reprofix "
                                         "revert` (it keeps every edit)") from None
                interrupted = True  # finish the transition, then stop
        if interrupted and stop_after:
            raise verifylib.Interrupted(signal.SIGINT)

    def _put(self, contents: dict[str, bytes]) -> None:
        import os

        if os.path.lexists(self.patch_path):
            undo.revert(self.patch_path, cwd=self.cwd, label=self.label)
        files = [(path, self.original[path], new) for path, new in contents.items() if new != self.original[path]]
        if files:
            undo.write_applied(undo.Apply(self.patch_path, self.root, files, undo_command=self.undo_command,
                                          mode=self.mode))

    # -- trials ---------------------------------------------------------------------------------------
    def test(self, chosen: frozenset, signals) -> bool:
        if chosen in self.cache:
            return self.cache[chosen].reproducible
        if self.runs + 2 > self.max_runs:
            raise _OutOfRuns()
        contents = self.contents(chosen)
        problem = self._compile_problem(contents)
        signals.shielded = True  # a Ctrl-C while files are written waits for the writes
        try:
            self.put(chosen, contents)
        finally:
            signals.shielded = False
        signals.raise_pending()
        if problem:
            trial = Trial(chosen, False, problem, 0.0)
        else:
            trial = self._run_twice(chosen, signals)
        self.cache[chosen] = trial
        self.say(f"reprofix: trial {len(self.cache)}: {len(chosen)} of {len(self.units)} change(s) "
                 f"({_names(chosen, self.units)}): {trial.why.splitlines()[0]}")
        return trial.reproducible

    @staticmethod
    def _compile_problem(contents: dict[str, bytes]) -> str | None:
        for path, code in contents.items():
            if path.endswith(".py"):
                try:
                    compile(code, path, "exec", dont_inherit=True)
                except (SyntaxError, ValueError) as error:
                    return f"does not compile ({display(path)}: {error})"
        return None

    def _run_twice(self, chosen: frozenset, signals) -> Trial:
        runs = []
        for _ in range(2):
            self.runs += 1
            run = verifylib.run_once(self.command, steps=self.steps, full=False, timeout=self.timeout, signals=signals)
            runs.append(run)
        seconds = max(run.seconds for run in runs)
        step = max(verifylib.step_seconds(run, self.steps) for run in runs)
        try:
            verdict = judgelib.judge(runs, steps=self.steps, full=False, atol=1e-3, rtol=1e-3)
        except verifylib.CannotJudge as error:
            return Trial(chosen, False, f"could not judge: {error}", seconds, step)
        return Trial(chosen, verdict.reproducible, "reproducible" if verdict.reproducible else "not reproducible",
                     seconds, step)

    # -- the search -----------------------------------------------------------------------------------
    def run(self) -> Result:
        everything = frozenset(self.units)
        result = Result(self.units, list(self.units))
        best = everything
        verifylib.become_subreaper()
        try:
            with verifylib.Signals() as signals:
                try:
                    if not self.test(everything, signals):
                        why = self.cache[everything].why
                        if why.startswith("could not judge"):
                            raise CannotMinimize("with every change applied, reprofix could not judge the runs: "
                                                 + why.removeprefix("could not judge: "))
                        raise CannotMinimize("with every change applied the runs do not agree: minimize starts "
                                             "from a reproducible run; see `reprofix verify --locate`")
                    best = frozenset() if self.test(frozenset(), signals) else self._ddmin(everything, signals)
                except _OutOfRuns:
                    result.stopped = f"--max-runs {self.max_runs} reached"
                    best = min((t.units for t in self.cache.values() if t.reproducible), key=len, default=everything)
                except verifylib.Interrupted as stop:
                    result.stopped = f"interrupted by {stop}"
                    best = min((t.units for t in self.cache.values() if t.reproducible), key=len, default=everything)
        finally:
            from ..journal.lock import deferred_interrupts

            with deferred_interrupts():  # the set kept is written whole, whatever Ctrl-C comes now
                self.put(best, stop_after=False)
        result.needed = [u for u in self.units if u in best]
        result.trials = list(self.cache.values())
        full, minimal = self.cache.get(everything), self.cache.get(best)
        result.full_seconds, result.full_step_seconds = (full.seconds, full.step_seconds) if full else (0.0, 0.0)
        result.minimal_seconds, result.minimal_step_seconds = (minimal.seconds, minimal.step_seconds) if minimal else (0.0, 0.0)
        return result

    def _ddmin(self, units: frozenset, signals) -> frozenset:
        """Zeller's ddmin: a 1-minimal set of units that still passes (each unit of it is needed)."""
        current = sorted(units, key=lambda u: (u.path, u.i1))
        n = 2
        while len(current) >= 2:
            chunks = [current[i * len(current) // n:(i + 1) * len(current) // n] for i in range(n)]
            for chunk in chunks:
                if self.test(frozenset(chunk), signals):
                    current, n = chunk, 2
                    break
            else:
                for chunk in chunks:
                    rest = [u for u in current if u not in chunk]
                    if self.test(frozenset(rest), signals):
                        current, n = rest, max(n - 1, 2)
                        break
                else:
                    if n >= len(current):
                        break
                    n = min(len(current), 2 * n)
        return frozenset(current)


class _OutOfRuns(Exception):
    pass


def _units(original: dict[str, bytes], rewritten: dict[str, bytes]) -> list[Unit]:
    """Each run of changed lines, file by file, with the rule that made it where a rule's own mark
    says so (the seed block's, a commented-out op's) or the rules find it again in the original."""
    units = []
    for path in sorted(original):
        a, b = patchlib.split_lines(original[path]), patchlib.split_lines(rewritten[path])
        found = _findings(path, original[path])
        for tag, i1, i2, j1, j2 in patchlib._Matcher(a, b).get_opcodes():
            if tag == "equal":
                continue
            shown = [line for line in b[j1:j2] if not line.lstrip().startswith(b"#")] or b[j1:j2] or a[i1:i2]
            text = shown[0].decode("utf-8", "replace").strip()
            rule = _rule(b[j1:j2], found, i1, i2)
            if any(b"reprofix: seed block" in line or line.startswith(b"# >>>") for line in b[j1:j2]):
                text = "seed block"
            units.append(Unit(path, i1, i2, j1, j2, rule, text[:80]))
    return units


def _findings(path: str, source: bytes) -> list:
    if not path.endswith(".py"):
        return []
    try:
        from .._rules import transforms

        return list(transforms.rewrite(source, script=True).findings)
    except Exception:  # a file the rules cannot read alone (it needs its project): no rule ids
        return []


def _rule(added: list[bytes], findings: list, i1: int, i2: int) -> str:
    import re

    for line in added:
        mark = re.search(rb"\[reprofix ([A-Z]{2}\d{3})\]", line)
        if mark:
            return mark.group(1).decode()
    near = [f for f in findings if i1 + 1 <= f.line <= max(i2, i1 + 1)]
    if not near and added and any(b"reprofix" in line for line in added):
        near = [f for f in findings if f.rule.endswith("001")]
    return near[0].rule if near else ""


def _names(chosen: frozenset, units: list[Unit]) -> str:
    if not chosen:
        return "none"
    shown = [f"{display(u.path)}:{u.line}" for u in units if u in chosen]
    return ", ".join(shown[:4]) + (f", and {len(shown) - 4} more" if len(shown) > 4 else "")
