"""Judging runs as the procedure's step 6 does: the first two iterations' losses must agree within
`numpy.allclose(atol=1e-3, rtol=1e-3)`; the first equal means the forward pass is fixed, the second
forward and backward.

Every series (rank, stream, name) is compared with the same series of the other runs, step by step
at the steps every run printed (by the printed counter where there is one), rank r with rank r. The
verdict says which series and rank part first, and what the runs could not show: a NaN both reach,
losses printed too coarsely for the tolerance or below it, a forward pass that already differs in its
last bits, a run that failed after the steps compared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .losses import SeriesId
from .run import CannotJudge


@dataclass
class Step:
    number: int
    values: list
    abs_diff: float
    rel_diff: float
    agree: bool
    counter: str | None = None  # the step as run 1 printed it ("epoch 1 step 5", "12/100")
    resolution: float | None = None  # the coarsest printed precision among the values
    nonfinite: bool = False  # every run printed the same NaN or infinity here

    @property
    def bitwise(self) -> bool:
        return self.abs_diff == 0 and all(_same(v, self.values[0]) for v in self.values)


@dataclass
class Series:
    id: SeriesId
    steps: list
    first_difference: int | None
    main: bool = False  # its rank's main series
    timed_bar: bool = False  # a progress bar redrawn on a timer: only the batches every run printed are compared
    nonfinite_step: int | None = None  # every run reached the same NaN or infinity here; nothing after it compared

    @property
    def name(self) -> str:
        return self.id.name

    @property
    def rank(self) -> int | None:
        return self.id.rank


@dataclass
class Verdict:
    series: list  # Series: the main series of the first rank first
    reproducible: bool
    first_difference: int | None
    message: str
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    rank: int | None = None  # the rank that parts first
    ranked: bool = False  # several ranks, each compared with itself

    @property
    def steps(self) -> list:
        return self.series[0].steps if self.series else []


def close(a: float, b: float, atol: float, rtol: float) -> bool:
    """numpy.allclose's test for one pair: |a - b| <= atol + rtol * |b|; nan is never close."""
    if math.isnan(a) or math.isnan(b):
        return False
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * abs(b)


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def judge(runs: list, *, steps: int, full: bool, atol: float, rtol: float) -> Verdict:
    """Compare each series of every run with the same series of run 1; say where they part, in the
    procedure's words, and what could not be seen."""
    needed = 1 if full else steps
    for number, run in enumerate(runs, 1):
        check_judgeable(number, run, needed)
    ids = [sid for sid in runs[0].series if sid not in _echoes(runs)]
    mains = {next(sid for sid in ids if sid.rank == rank) for rank in {sid.rank for sid in ids}}
    compared, notes = [], []
    for sid in ids:
        per_run = [run.series.get(sid) for run in runs]
        label = sid.label(_ranked(ids))
        missing = [n for n, series in enumerate(per_run, 1) if series is None]
        if missing:
            notes.append(f"{label}: not printed in run {missing[0]}, not compared")
            continue
        main = runs[0].series[next(m for m in mains if m.rank == sid.rank)]
        if sid not in mains and 2 * len(per_run[0].values) < len(main.values):
            notes.append(f"{label}: printed {len(per_run[0].values)} time(s) against {len(main.values)} for the main "
                         "series: not a loss per step (a summary), not compared")
            continue
        series = _compare(sid, per_run, steps, full, atol, rtol)
        if len(series.steps) < needed and series.nonfinite_step is None:
            if sid in mains:
                raise CannotJudge(_not_aligned(label, per_run, needed))
            notes.append(f"{label}: printed {min(len(s.values) for s in per_run)} time(s) in some run, not compared")
            continue
        series.main = sid in mains
        compared.append(series)
    notes += [f"{sid.label(_ranked(ids))}: printed only in run {n}, not compared"
              for n, run in enumerate(runs[1:], 2) for sid in run.series if sid not in runs[0].series]
    return _verdict(compared, notes, len(runs), needed, atol, rtol)


def _ranked(ids) -> bool:
    return any(sid.rank is not None for sid in ids)


def _echoes(runs: list) -> set:
    """Series on stderr that repeat the same series on stdout in every run (a print and a logger):
    they count once."""
    found = set()
    for sid in runs[0].series:
        twin = SeriesId(sid.rank, "stdout", sid.name)
        if sid.stream == "stderr" and all(_repeats(run.series.get(sid), run.series.get(twin)) for run in runs):
            found.add(sid)
    return found


def _repeats(one, other) -> bool:
    if one is None or other is None or not one.values or not other.values:
        return False
    for a, b, r, s in zip(one.values, other.values, one.resolutions, other.resolutions):
        if not (_same(a, b) or abs(a - b) <= max(r or 0, s or 0)):
            return False
    return True


def _compare(sid: SeriesId, per_run: list, steps: int, full: bool, atol: float, rtol: float) -> Series:
    """The series compared at the steps every run printed, in run 1's order; nothing after a NaN that
    every run reached."""
    positions = [dict(zip(series.keys, range(len(series.keys)))) for series in per_run]
    common = [key for key in per_run[0].keys if all(key in p for p in positions[1:])]
    table = []
    for number, key in enumerate(common if full else common[:steps], 1):
        indexes = [p[key] for p in positions]
        values = [series.values[i] for series, i in zip(per_run, indexes)]
        resolutions = [series.resolutions[i] for series, i in zip(per_run, indexes)]
        step = _step(number, values, atol, rtol, per_run[0].counters[indexes[0]], resolutions)
        table.append(step)
        if step.nonfinite:
            break
    first = next((s.number for s in table if not s.agree and not s.nonfinite), None)
    nonfinite = table[-1].number if table and table[-1].nonfinite else None
    timed = any(series.gaps for series in per_run)
    return Series(sid, table, first, timed_bar=timed, nonfinite_step=nonfinite)


def _step(number: int, values: list, atol: float, rtol: float, counter=None, resolutions=()) -> Step:
    """One step of every run against the first run's."""
    base = values[0]
    abs_diff = max([_difference(v, base) for v in values[1:]] or [0.0])
    if abs_diff == 0:
        rel_diff = 0.0
    else:
        rel_diff = abs_diff / abs(base) if base != 0 and math.isfinite(base) else math.inf
    nonfinite = not math.isfinite(base) and all(_same(v, base) for v in values)
    known = [r for r in resolutions if r is not None]
    return Step(number, values, abs_diff, rel_diff, all(close(v, base, atol, rtol) for v in values[1:]), counter,
                max(known) if len(known) == len(values) else None, nonfinite)


def _difference(a: float, b: float) -> float:
    if _same(a, b):
        return 0.0
    if math.isnan(a) or math.isnan(b):
        return math.inf
    return abs(a - b)


def _not_aligned(label: str, per_run: list, needed: int) -> str:
    """Why a main series could not be compared: the runs printed other steps of it."""
    shown = ", ".join(f"run {n}: {_counters(series)}" for n, series in enumerate(per_run, 1))
    why = (f"{label}: the runs printed different steps ({shown}), so fewer than {needed} step(s) can be compared")
    if any(series.gaps for series in per_run):
        return (f"{why}. It is read from a progress bar that is redrawn on a timer (Keras redraws at most every "
                "0.05 s, tqdm every 0.1 s), so each run shows other batches: with Keras use fit(verbose=2) (one "
                "line per epoch), or print the loss at every step (a callback, or log_every_n_steps=1)")
    return f"{why}; print the loss at every step"


def _counters(series) -> str:
    shown = [c or str(i) for i, c in enumerate(series.counters[:4], 1)]
    return ", ".join(shown) + (", ..." if len(series.counters) > 4 else "")


# --- the verdict -------------------------------------------------------------------------------------

def _verdict(compared: list, notes: list, runs: int, needed: int, atol: float, rtol: float) -> Verdict:
    ranked = _ranked([s.id for s in compared])
    parted = [s for s in compared if s.first_difference is not None]
    first = min((s.first_difference for s in parted), default=None)
    rank = min((s.rank for s in parted if s.first_difference == first and s.rank is not None), default=None)
    if first is None:
        _nonfinite_verdict(compared, needed, ranked)
    notes = notes + [_nonfinite_note(s, ranked) for s in compared if s.nonfinite_step is not None]
    warnings = _warnings(compared, atol, rtol)
    message = _message(compared, first, rank, runs, atol, rtol, warnings, ranked)
    return Verdict(compared, first is None, first, message, notes, warnings, rank, ranked)


def _nonfinite_verdict(compared: list, needed: int, ranked: bool) -> None:
    """Every run reached the same NaN (or infinity) before the main series had `needed` finite steps:
    a NaN cannot be compared, so nothing can be said."""
    for series in compared:
        if series.main and series.nonfinite_step is not None and series.nonfinite_step <= needed:
            raise CannotJudge(f"{_nonfinite_note(series, ranked)}. A NaN cannot be compared, so the check has "
                              f"fewer than {needed} step(s): make the loss finite first (the learning rate, the data, "
                              "the initial weights), then verify again")


def _nonfinite_note(series: Series, ranked: bool) -> str:
    step = series.steps[-1]
    what = "NaN" if math.isnan(step.values[0]) else f"{step.values[0]:g}"
    before = series.steps[:-1]
    if not before:
        said = "nothing before it could be compared"
    elif all(s.bitwise for s in before):
        said = "every step before it agrees bitwise"
    else:
        said = "every step before it agrees within tolerance (not bitwise)"
    who = f" ({series.id.label(ranked)})" if ranked or series.name.lower() != "loss" else ""
    return f"both runs reach {what} at step {step.number}{who}; {said}"


def _warnings(compared: list, atol: float, rtol: float) -> list:
    """What the printed losses could not show: a difference below their last digit, where that is
    more than the tolerance; any difference at all, for losses below atol."""
    warnings = []
    coarse = [(s, step) for s in compared for step in s.steps
              if step.resolution is not None and not step.nonfinite
              and 0 < atol + rtol * abs(step.values[0]) < step.resolution]
    if coarse:
        series, step = max(coarse, key=lambda pair: pair[1].resolution / (atol + rtol * abs(pair[1].values[0])))
        tolerance = atol + rtol * abs(step.values[0])
        warnings.append(
            f"{series.name} is printed with too few digits to show the tolerance: {step.values[0]:g} is printed to "
            f"{step.resolution:g}, but the tolerance there is {tolerance:.2g}, so the runs may differ by up to "
            f"{step.resolution:g} unseen; print more digits (e.g. f\"{{loss:.6f}}\", or a logger's precision)")
    small = [step for s in compared for step in s.steps if math.isfinite(step.values[0]) and abs(step.values[0]) < atol]
    if small and atol > 0:
        warnings.append(
            f"losses below atol ({atol:g}) always agree with each other (|{small[0].values[0]:g}| at step "
            f"{small[0].number}): the check says little there; pass a smaller --atol (--atol 0 keeps the relative "
            "tolerance alone)")
    return warnings


def _message(compared: list, first: int | None, rank: int | None, runs: int, atol: float, rtol: float,
             warnings: list, ranked: bool) -> str:
    which = _which(compared, ranked)
    count = max(len([step for step in s.steps if not step.nonfinite]) for s in compared)
    if first is None:
        ranks = len({s.rank for s in compared})
        where = f" on each of the {ranks} ranks" if ranked and ranks > 1 else ""
        caveat = ", but the printed losses cannot show all of it (see the warnings)" if warnings else ""
        return (f"reproducible: all {runs} runs agree on the first {count} step(s){_agreed(compared, count + 1)}{where}"
                f" (numpy.allclose, atol={atol:g}, rtol={rtol:g}){which}{caveat}")
    who = f"rank {rank} parts first: " if ranked and rank is not None else ""
    series = next(s for s in compared if s.first_difference == first and (rank is None or s.rank == rank))
    if first == 1:
        return f"not reproducible: {who}the first step differs, so forward-pass randomness remains{which}"
    step = series.steps[first - 1]
    if first == 2:
        how = _agreed(compared, 2)
        if series.timed_bar and step.counter:
            return (f"not reproducible: {who}the first step agrees{how or ' (the forward pass is fixed)'} but at "
                    f"{step.counter} the runs differ (the progress bar skips batches: that is the next batch both "
                    f"runs printed), so randomness enters after the first forward pass{which}")
        if how:
            return (f"not reproducible: {who}the first step agrees only{how}: the forward pass already differs in "
                    f"its last bits, and the second step differs beyond the tolerance{which}")
        return (f"not reproducible: {who}the first step agrees (the forward pass is fixed) but the second differs, "
                f"so backward-pass randomness remains{which}")
    how = _agreed(compared, first) or " (forward and backward are fixed)"
    return (f"not reproducible: {who}the first two steps agree{how} but step {first} differs, so randomness "
            f"enters later (data order, a schedule, ...){which}")


def _agreed(compared: list, upto: int) -> str:
    """How the steps before `upto` agreed: bitwise, or within tolerance with the largest |diff|."""
    steps = [s for series in compared for s in series.steps if s.number < upto and not s.nonfinite]
    if all(s.bitwise for s in steps):
        return ""
    return f" within tolerance (bitwise different, |\u0394| = {max(s.abs_diff for s in steps):.3g})"


def _which(compared: list, ranked: bool) -> str:
    """Which series agree and which part, when there is more than one; with ranks (each rank's verdict
    is a line of its own), the series that part, first first."""
    if len(compared) < 2:
        return ""
    if ranked:
        parted = sorted((s for s in compared if s.first_difference), key=lambda s: (s.first_difference, s.rank))
        return f" ({'; '.join(f'{s.id.label(True)} from step {s.first_difference}' for s in parted)})" if parted else ""
    parts = [f"{s.id.label(ranked)} from step {s.first_difference}" if s.first_difference else
             f"{s.id.label(ranked)} agrees" for s in compared]
    return f" ({'; '.join(parts)})"


# --- runs that cannot be judged ----------------------------------------------------------------------

HINT = ("Print a loss per step (e.g. MindSpore's LossMonitor(1), or `print(f\"loss: {loss}\")`), or pass "
        "--loss-pattern with a regular expression whose one group captures the loss, "
        "e.g. --loss-pattern 'train loss ([0-9.]+)'")


def check_ran(number: int, run, steps: int | None = None) -> None:
    """The command itself failed: nothing can be judged. It failed after printing the steps compared
    (it ended by itself, before it was stopped): say so, the verdict would hide it."""
    if run.returncode in (0, None):
        return
    if run.exited and steps is not None and run.main is not None and len(run.main.values) >= steps:
        raise CannotJudge(f"run {number} printed the {steps} step(s) compared, then failed with exit status "
                          f"{run.returncode}; a verdict would hide that. The end of its stderr:\n{_tail(run)}")
    if run.exited or not (run.stopped or run.timed_out or run.no_loss):
        raise CannotJudge(f"run {number}: the command failed with exit status {run.returncode}; "
                          f"the end of its stderr:\n{_tail(run)}")


def _tail(run) -> str:
    return "\n".join("    " + line for line in run.stderr_tail[-10:]) or "    (no output on stderr)"


def check_judgeable(number: int, run, steps: int) -> None:
    check_ran(number, run, steps)
    _check_one_writer(number, run)
    if run.slow_pattern:
        raise CannotJudge(f"run {number} timed out after {run.seconds:.0f} s while --loss-pattern was matching a "
                          "line: the pattern backtracks too much (nested repeats such as (a+)+); simplify it")
    if not run.losses:
        raise CannotJudge(_no_loss(number, run))
    if _per_epoch(run.epochs):
        raise CannotJudge(
            f"run {number}: only per-epoch losses were printed (sink mode: steps {run.epochs[:3]}...). "
            "The check needs a loss per step: train with dataset_sink_mode=False and LossMonitor(1)"
        )
    if len(run.losses) < steps:
        why = f"timed out after {run.seconds:.0f} s" if run.timed_out else "ended"
        raise CannotJudge(
            f"run {number} {why} with {len(run.losses)} loss(es); {steps} are needed: run more steps, "
            "or lower --steps (the procedure compares the first two)"
        )


def _check_one_writer(number: int, run) -> None:
    """A step counter printed twice in a row with different losses: several processes print the same
    steps without saying which they are, and which line is read first is chance."""
    for sid, series in run.series.items():
        if series.conflict is not None:
            counter, one, other = series.conflict
            raise CannotJudge(
                f"run {number}: {sid.name} at {counter} was printed twice, as {one:g} and {other:g}: several "
                "processes print the same steps and their lines cannot be told apart, so comparing them would "
                "compare chance. Start them with a launcher that gives each its rank in the environment (torchrun, "
                "python -m torch.distributed.run, msrun, mpirun, python -m paddle.distributed.launch, accelerate, "
                "deepspeed: reprofix then reads each rank on its own, unless Python runs with -I, -E or "
                "-S), print the rank on each line (`[rank0]: ...`, torchrun --tee 3), or print the loss on one rank "
                "only")


def _no_loss(number: int, run) -> str:
    """Why no loss was read, with the run's last lines, the lines left out, and how to print one."""
    tail = "\n".join("    " + line for line in run.output_tail[-10:]) or "    (no output)"
    why = [f"run {number}: no loss found in {run.lines} line(s) of output"]
    if run.no_loss:
        why.append(f"(stopped after {run.seconds:.0f} s without one: --no-loss-timeout)")
    elif run.timed_out:
        why.append(f"(timed out after {run.seconds:.0f} s)")
    extra = ""
    if run.bare_integers:
        extra += (f"{run.bare_integers} line(s) were bare whole numbers: a step counter is not a loss, so they "
                  "were not read as losses. ")
    if run.evaluation_lines:
        extra += f"{run.evaluation_lines} evaluation line(s) (test, validation) were left out. "
    return f"{' '.join(why)}. Its last lines:\n{tail}\n{extra}{HINT}"


def _per_epoch(epochs: list) -> bool:
    """LossMonitor in sink mode prints one line per epoch: steps jump, or epochs change every line."""
    if len(epochs) < 2:
        return bool(epochs) and epochs[0][1] > 1
    steps = [s for _, s in epochs]
    new_epoch_each_line = len({e for e, _ in epochs}) == len(epochs)
    jumps = any(b - a > 1 for a, b in zip(steps, steps[1:]) if b > a)
    return new_epoch_each_line and (jumps or steps[0] > 1)


def strict_json(value):
    """JSON has no NaN or Infinity: they become the strings "NaN", "Infinity", "-Infinity"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    return value


def plot(runs: list, verdict: Verdict, path: str) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (curves, diffs) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    for number, run in enumerate(runs, 1):
        shown = run.losses[: max(len(verdict.steps), 1)] if verdict.steps else run.losses
        curves.plot(range(1, len(shown) + 1), shown, marker="o", label=f"run {number}", alpha=0.8)
    curves.set_ylabel("loss")
    curves.set_title(verdict.message, fontsize=9)
    curves.legend()
    diffs.bar([s.number for s in verdict.steps], [s.abs_diff for s in verdict.steps],
              color=["tab:green" if s.agree else "tab:red" for s in verdict.steps])
    diffs.set_xlabel("step")
    diffs.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    diffs.set_ylabel("largest |difference| to run 1")
    figure.tight_layout()
    figure.savefig(path, format="png")
    plt.close(figure)
