"""One `reprofix verify` invocation: run the command, judge the losses, with --locate compare the
probe's traces, and print the result as text or JSON. Returns the exit status: 0 reproducible,
1 not reproducible, 2 could not judge; 128 + the signal when interrupted."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import typer

from .. import colour
from . import judge as judgelib
from . import locate as locatelib
from . import probe
from . import run as verifylib

EXIT_OK, EXIT_FAILED, EXIT_CANNOT = 0, 1, 2


@dataclass
class Options:
    command: list
    runs: int = 2
    steps: int = 2
    full: bool = False
    timeout: float = 600.0
    no_loss_timeout: float | None = 120.0
    atol: float | None = None  # None: the procedure's 1e-3 for losses; exact (0) for --locate's traces
    rtol: float | None = None
    pattern: re.Pattern | None = None
    as_json: bool = False
    plot: str | None = None
    locate: bool = False
    keep_traces: str | None = None
    applied_patch: str | None = None  # a reprofix patch applied here (as shown to the user): for the next step
    applied_mode: str = ""  # its mode ("keep-randomness": training to keep, not a debugging aid)

    @property
    def loss_atol(self) -> float:
        return 1e-3 if self.atol is None else self.atol

    @property
    def loss_rtol(self) -> float:
        return 1e-3 if self.rtol is None else self.rtol

    @property
    def trace_atol(self) -> float:
        return self.atol or 0.0

    @property
    def trace_rtol(self) -> float:
        return self.rtol or 0.0


def say(text: str) -> None:
    typer.echo(text, err=True)


def execute(options: Options) -> int:
    verifylib.become_subreaper()
    base = _trace_base(options)
    results: list = []
    try:
        with verifylib.Signals() as signals:
            try:
                results = _run_all(options, base, signals, results)
            except verifylib.CannotJudge as error:
                return _cannot_judge(options, str(error))
            except verifylib.Interrupted as stop:
                return _interrupted(options, stop, results, base)
        if options.locate:
            return _report_located(options, results, base)
        verdict, problem = _judge_losses(options, results)
        if verdict is None:
            return _cannot_judge(options, problem)
        _report(options, results, verdict)
        return EXIT_OK if verdict.reproducible else EXIT_FAILED
    finally:
        if base is not None and options.keep_traces is None:
            shutil.rmtree(base, ignore_errors=True)


def _trace_base(options: Options) -> Path | None:
    if not options.locate:
        return None
    if options.keep_traces is None:
        return Path(tempfile.mkdtemp(prefix="reprofix-traces-"))
    base = Path(options.keep_traces)
    for n in range(1, options.runs + 1):  # traces of an earlier run in the same folder
        shutil.rmtree(base / f"run-{n}", ignore_errors=True)
    base.mkdir(parents=True, exist_ok=True)
    return base


def _run_all(options: Options, base: Path | None, signals, results: list) -> list:
    quiet = options.as_json
    for number in range(1, options.runs + 1):
        if not quiet:
            probe_note = " (with the probe)" if options.locate else ""
            say(f"reprofix: run {number}/{options.runs}{probe_note}: {' '.join(options.command)}")
        env = ready = None
        if base is not None:
            trace_dir = base / f"run-{number}"
            trace_dir.mkdir(parents=True, exist_ok=True)
            env = probe.environment(trace_dir, options.steps)
            ready = (lambda d=trace_dir: probe.finished(d))
        seen: dict = {}

        def show(found, reader, number=number, seen=seen) -> None:
            if quiet:
                return
            shown = []
            for sid, value in found:
                seen[sid] = seen.get(sid, 0) + 1
                if options.full or seen[sid] <= options.steps:
                    shown.append((sid, value))
            if shown:
                rank = "" if shown[0][0].rank is None else f" rank {shown[0][0].rank}"
                losses = ", ".join(f"{sid.name} {value:.6g}" for sid, value in shown)
                say(f"  run {number}{rank} step {seen[shown[0][0]]}: {losses}")

        run = verifylib.run_once(options.command, steps=options.steps, full=options.full, timeout=options.timeout,
                                 pattern=options.pattern, on_loss=show, no_loss_timeout=options.no_loss_timeout,
                                 env=env, ready=ready, signals=signals)
        results.append(run)
        if options.locate:  # the traces may still say where the runs part
            judgelib.check_ran(number, run)
        else:  # no use running again what cannot be judged
            judgelib.check_judgeable(number, run, 1 if options.full else options.steps)
    return results


def _cannot_judge(options: Options, reason: str) -> int:
    if options.as_json:
        typer.echo(json.dumps({"verdict": "could not judge", "reason": reason, **({"divergence": None}
                                                                                   if options.locate else {})},
                              indent=2))
    line = f"reprofix: could not judge: {reason}"
    say(typer.style(line, fg=typer.colors.YELLOW, bold=True) if colour(sys.stderr) and not options.as_json else line)
    return EXIT_CANNOT


def _verdict(line: str, reproducible: bool) -> None:
    """The verdict line: green when reproducible, red when not, on a terminal that takes colour."""
    if colour(sys.stdout):
        line = typer.style(line, fg=typer.colors.GREEN if reproducible else typer.colors.RED, bold=True)
    typer.echo(line)


def _interrupted(options: Options, stop, results: list, base: Path | None) -> int:
    done = [f"run {n} read {len(r.losses)} loss(es)" for n, r in enumerate(results, 1)]
    kept = f"; the traces so far are in {base}" if base is not None and options.keep_traces else ""
    say(f"reprofix: interrupted by {stop} during run {len(results) + 1} of {options.runs}: it was stopped, with "
        f"every process it started; {', '.join(done) if done else 'no run had finished'}; nothing was judged"
        f"{kept}. To finish, run the same verify command again.")
    return 128 + stop.signum


def _report(options: Options, results: list, verdict, located: tuple | None = None) -> None:
    """The loss tables and the verdict; with --locate (`located`: final verdict, its message, JSON
    fields, text lines), the losses' own verdict is one line among the findings."""
    if options.plot is not None:
        judgelib.plot(results, verdict, options.plot)
    final, message, extra, lines = located or (
        "reproducible" if verdict.reproducible else "not reproducible", verdict.message, {}, [])
    reproducible = final == "reproducible"
    if options.as_json:
        _echo_json({
            "verdict": final,
            "message": message,
            **({"losses_message": verdict.message} if located else {}),
            **_losses_json(options, results, verdict),
            **extra,
            "next": next_steps(options, reproducible),
        })
        return
    _loss_tables(verdict, len(results))
    if located:
        typer.echo(f"losses: {verdict.message}")
    for line in lines:
        typer.echo(line)
    for warning in verdict.warnings:
        typer.echo(f"warning: {warning}")
    _verdict(f"verdict: {final}: {message}" if located else f"verdict: {message}", reproducible)
    for step in next_steps(options, reproducible):
        typer.echo(f"next: {step}")
    if options.plot is not None:
        typer.echo(f"plot: {options.plot}")


def next_steps(options: Options, reproducible: bool) -> list:
    """What to do after this verdict, as commands: find where the runs part, fix what reprofix knows,
    or keep only the applied patch's changes the runs need, and take it out once the bug is found."""
    command = shlex.join(options.command)
    steps = []
    if not reproducible:
        if not options.locate:
            steps.append(f"reprofix verify --locate -- {command}   (finds the step, phase and layer where the "
                         "runs first part)")
        if options.applied_patch is None:
            script = next((arg for arg in options.command if arg.endswith((".py", ".ipynb"))), "TRAIN_SCRIPT")
            paths = [script, *_config_files(options.command)]
            steps.append(f"reprofix apply {shlex.join(paths)}   (fixes the randomness reprofix knows: seeds, "
                         "shuffling, augmentation, dropout" + (", in the configuration too)" if paths[1:] else ")"))
    elif options.applied_patch is not None:
        steps.append(f"reprofix minimize -- {command}   (keeps only the changes of {options.applied_patch} these "
                     "runs need)")
        if options.applied_mode == "keep-randomness":
            steps.append(f"reprofix revert   (only to take {options.applied_patch} out: it seeds this training's "
                         "randomness, keep it for runs you want reproducible)")
        else:
            steps.append(f"reprofix revert   (once the bug is found: takes {options.applied_patch} out; the changes "
                         "slow training)")
    return steps


def _config_files(command: list[str]) -> list[str]:
    """The configuration files a command names (`-c configs/x.yaml`, `--config=x.yml`, `--hyp h.yaml`)
    that exist: what it reads its settings from, to be rewritten with its script."""
    found = []
    for arg in command:
        value = arg.split("=", 1)[1] if arg.startswith("-") and "=" in arg else arg
        if value.lower().endswith((".yaml", ".yml")) and os.path.isfile(value) and value not in found:
            found.append(value)
    return found


def _echo_json(data: dict) -> None:
    typer.echo(json.dumps(judgelib.strict_json(data), indent=2, allow_nan=False))


def _losses_json(options: Options, results: list, verdict) -> dict:
    """The runs' losses and how they compare, step by step, series by series and rank by rank."""
    return {
        "first_difference": verdict.first_difference,
        "rank": verdict.rank,
        "atol": options.loss_atol, "rtol": options.loss_rtol,
        "warnings": verdict.warnings,
        "notes": verdict.notes,
        "runs": [{"losses": r.losses, "returncode": r.returncode, "stopped_early": r.stopped,
                  "exited": r.exited, "seconds": round(r.seconds, 3), "world_size": r.world or None,
                  "series": [{"name": sid.name, "rank": sid.rank, "stream": sid.stream, "losses": series.values,
                              "counters": series.counters} for sid, series in r.series.items()]}
                 for r in results],
        "steps": [_step_json(s) for s in verdict.steps],
        "series": [{"name": s.name, "rank": s.rank, "stream": s.id.stream, "main": s.main,
                    "first_difference": s.first_difference, "progress_bar_on_a_timer": s.timed_bar,
                    "nonfinite_step": s.nonfinite_step, "steps": [_step_json(step) for step in s.steps]}
                   for s in verdict.series],
        "ranks": [{"rank": rank, "reproducible": first is None, "first_difference": first}
                  for rank, first in _per_rank(verdict)],
    }


def _per_rank(verdict) -> list:
    """(rank, the first step any of its series parts at, or None) for each rank compared."""
    ranks: dict = {}
    for s in verdict.series:
        if s.rank not in ranks or (s.first_difference is not None
                                   and (ranks[s.rank] is None or s.first_difference < ranks[s.rank])):
            ranks[s.rank] = s.first_difference
    return sorted(ranks.items(), key=lambda item: -1 if item[0] is None else item[0])


def _loss_tables(verdict, runs: int) -> None:
    """Each series' table (a row per step, a column per run, the differences, whether they agree, the
    step as printed), then each rank's verdict and the notes on the series not compared."""
    for series in verdict.series:
        if len(verdict.series) > 1:
            stream = " (stderr)" if series.id.stream == "stderr" else ""
            typer.echo(f"series {series.id.label(verdict.ranked)}{stream}:")
        header = f"{'step':>4}  " + "  ".join(f"{'run ' + str(i):>14}" for i in range(1, runs + 1))
        typer.echo(header + f"  {'|diff|':>10}  {'rel diff':>10}  agree")
        for s in series.steps:
            values = "  ".join(f"{v:>14.8g}" for v in s.values)
            agree = "both NaN" if s.nonfinite and s.values[0] != s.values[0] else (
                "same inf" if s.nonfinite else "yes" if s.agree else "NO")
            printed = f"  ({s.counter})" if s.counter else ""
            typer.echo(f"{s.number:>4}  {values}  {s.abs_diff:>10.3g}  {s.rel_diff:>10.3g}  {agree}{printed}")
    if verdict.ranked:
        for rank, first in _per_rank(verdict):
            typer.echo(f"rank {rank}: " + (f"parts at step {first}" if first is not None else
                                           "agrees on every step compared"))
    for note in verdict.notes:
        typer.echo(f"note: {note}")


def _step_json(step) -> dict:
    return {"step": step.number, "counter": step.counter, "values": step.values, "abs_diff": step.abs_diff,
            "rel_diff": step.rel_diff, "agree": step.agree, "printed_resolution": step.resolution,
            "nonfinite": step.nonfinite}


# --- --locate --------------------------------------------------------------------------------------

def _report_located(options: Options, results: list, base: Path) -> int:
    verdict, loss_problem = _judge_losses(options, results)
    try:
        location = locatelib.locate(base / "run-1", base / "run-2", atol=options.trace_atol, rtol=options.trace_rtol)
    except locatelib.TraceError as error:
        losses = f"the losses: {verdict.message}" if verdict is not None else loss_problem
        return _cannot_judge(options, f"could not locate: {error} ({losses})")
    divergence = _divergence(location, verdict)
    parted = divergence is not None and not divergence.within_tolerance
    if not parted and verdict is None:
        return _cannot_judge(options, (
            f"the traces agree{' within tolerance' if divergence else ''} over {location.steps} step(s), but the "
            f"losses could not be compared, so randomness after the model is not ruled out: {loss_problem}"))
    final, message = _located_verdict(location, divergence, parted)
    extra = {"divergence": divergence.as_json() if divergence else None, "locate": _locate_json(location, options)}
    lines = _located_text(location, divergence, options)
    if verdict is not None:
        _report(options, results, verdict, (final, message, extra, lines))
    else:  # the traces alone found where the runs part
        _report_traces(options, (final, message, extra, lines), loss_problem)
    return EXIT_FAILED if parted else EXIT_OK


def _report_traces(options: Options, located: tuple, loss_problem: str) -> None:
    """The traces' verdict when the losses could not be judged (`located` as for _report)."""
    final, message, extra, lines = located
    steps = next_steps(options, final == "reproducible")
    if options.as_json:
        _echo_json({"verdict": final, "message": message, "losses_message": loss_problem, **extra, "next": steps})
        return
    typer.echo(f"losses: {loss_problem}")
    for line in lines:
        typer.echo(line)
    _verdict(f"verdict: {final}: {message}", final == "reproducible")
    for step in steps:
        typer.echo(f"next: {step}")


def _judge_losses(options: Options, results: list) -> tuple:
    """(the losses' verdict, None), or (None, why they could not be judged): the traces may still tell."""
    try:
        return judgelib.judge(results, steps=options.steps, full=options.full, atol=options.loss_atol,
                               rtol=options.loss_rtol), None
    except verifylib.CannotJudge as error:
        return None, str(error)


def _divergence(location, verdict) -> locatelib.Divergence | None:
    """Where the runs part: the traces' divergence, or, when the traces agree (or part only within
    tolerance) and the losses do not, after the model."""
    divergence = location.divergence
    if (divergence is None or divergence.within_tolerance) and verdict is not None and not verdict.reproducible:
        return _after_model(verdict)
    return divergence


def _located_verdict(location, divergence, parted: bool) -> tuple[str, str]:
    if parted:
        rank = f" on rank {divergence.rank}" if divergence.rank is not None else ""
        return "not reproducible", (
            locatelib.PHASE_MEANING["loss"] if divergence.phase == "loss" else
            f"the runs first part{rank} at step {divergence.step}, {divergence.phase}, {_where(divergence)}")
    return "reproducible", (f"the losses and every traced tensor agree over {location.steps} step(s)"
                            + (" within tolerance (bitwise different)" if divergence else ", bitwise"))


def _after_model(verdict) -> locatelib.Divergence:
    """The traces agree, the losses do not: the randomness is after the model."""
    series = next(s for s in verdict.series if s.first_difference == verdict.first_difference
                  and (verdict.rank is None or s.rank == verdict.rank))
    step = series.steps[series.first_difference - 1]
    return locatelib.Divergence(step.number, "loss", "", "", "", step.abs_diff, False,
                                meaning=locatelib.PHASE_MEANING["loss"], rank=series.rank)


def _where(divergence) -> str:
    """`encoder.jitter (Jitter)`, `input x of Net`, `the top-level model (Net)`."""
    if divergence.phase == "data":
        if not divergence.module:
            return divergence.type
        name = divergence.module if divergence.module.startswith("input ") else f"input {divergence.module}"
        return f"{name} of {divergence.type}"
    where = divergence.module or "the top-level model"
    return f"{where} ({divergence.type})" if divergence.type else where


def _locate_json(location, options: Options) -> dict:
    return {
        "steps": location.steps, "events": list(location.events), "atol": options.trace_atol,
        "rtol": options.trace_rtol, "notes": location.notes,
        "first_bitwise_difference": location.first_bitwise.as_json() if location.first_bitwise else None,
        "ranks": [{"rank": rank, "divergence": found.as_json() if found else None} for rank, found in location.ranks],
        "desyncs": [desync.as_json() for desync in location.desyncs],
        "traces": options.keep_traces,
    }


def _located_text(location, divergence, options: Options) -> list:
    lines = [_located_line(location, divergence)]
    in_model = divergence is not None and divergence.phase != "loss"
    if in_model:
        lines += _divergence_text(divergence, options)
    first = location.first_bitwise
    if in_model and first is not None and first is not divergence:
        lines.append(f"  before it, within tolerance: step {first.step}, {first.phase}, {first.module or first.type}")
    for rank, found in location.ranks:
        if found is None:
            lines.append(f"  rank {rank}: no divergence")
        elif found.via_rank is not None:
            lines.append(f"  rank {rank}: first parts at step {found.step}, {found.phase}, {found.module}: through the "
                         f"gradients averaged over the ranks (rank {found.via_rank} parted first)")
        else:
            lines.append(f"  rank {rank}: first parts at step {found.step}, {found.phase}, {_where(found)}")
    for desync in location.desyncs:
        lines.append(f"  desync: {desync.describe()}")
    for note in location.notes:
        lines.append(f"  note: {note}")
    lines.append(f"  compared: {location.events[0]} and {location.events[1]} event(s) over {location.steps} step(s)"
                 + (f"; traces in {options.keep_traces}" if options.keep_traces else ""))
    return lines


def _located_line(location, divergence) -> str:
    if divergence is None:
        return (f"located: no divergence: both runs recorded the same {location.events[0]} event(s) "
                f"(data, forward, backward, update) over {location.steps} step(s), bitwise")
    rank = f"rank {divergence.rank}, " if divergence.rank is not None else ""
    if divergence.phase == "loss":
        return f"located: {rank}step {divergence.step}, after the model: {divergence.meaning}"
    at = f" at {divergence.source}" if divergence.source else ""
    return f"located: {rank}step {divergence.step}, {divergence.phase}: {_where(divergence)}{at}"


def _divergence_text(divergence, options: Options) -> list:
    """A divergence inside the model: how large, the record that differs, what it usually means."""
    lines = []
    if divergence.max_abs_diff is not None:
        tolerance = (f"atol={options.trace_atol:g}, rtol={options.trace_rtol:g}"
                     if options.trace_atol or options.trace_rtol else "exact comparison")
        bound = "=" if divergence.exact else "\u2265"
        size = f"max |\u0394| {bound} {divergence.max_abs_diff:.3g}"
        if not divergence.exact:
            size += " (from a sample of the values and their statistics)"
        verdict = "within tolerance" if divergence.within_tolerance else "not within tolerance"
        lines.append(f"  {size}: {verdict} ({tolerance})")
    if divergence.event:
        lines.append(f"  first differing record: {divergence.event}")
    lines.append(f"  what it usually means: {divergence.meaning}")
    return lines
