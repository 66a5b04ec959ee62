"""`reprofix verify --locate`: read the traces the probe wrote in two runs, align them event by
event, and say where they first part: step, phase, module, class, source, size of the difference,
and what that usually means.

Only the standard library: the traces hold digests (hash, statistics, a sample of values), written
by probe/site/reprofix_probe.
"""

from __future__ import annotations

import array
import base64
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

PHASE_MEANING = {
    "data": ("the inputs of the model differ: the data order or augmentation is not fixed (a shuffling sampler, "
             "random transforms, worker processes, a sampler drawing from the OS's randomness); `reprofix scan` "
             "lists the candidates reprofix knows"),
    "forward": ("its inputs agreed and its output differs: randomness inside it (a random op, noise from a generator "
                "the seeds do not reach) or a nondeterministic kernel"),
    "forward-glue": ("the input of {inner} differs while everything before it agreed: randomness in the code of "
                     "{module} that runs before it calls {inner}"),
    "backward": ("the gradient entering it agreed and the gradient leaving it differs: randomness in its backward "
                 "pass (a custom autograd function or bprop, or a nondeterministic gradient kernel: on CUDA "
                 "index_add_, scatter_add_, index_put_ with accumulate, embedding_bag, interpolate and ctc_loss "
                 "backward, unless torch.use_deterministic_algorithms(True); on Ascend the procedure's list, "
                 "e.g. Conv2D backward filter, BNTrainingReduceGrad, StridedSlice backward)"),
    "backward-glue": ("the gradient at {inner} differs while the gradients after it agreed: randomness in the "
                      "backward of the code of {module} between its layers"),
    "backward-loss": ("the first gradient of the backward pass, at {module}, differs while the forward pass "
                      "agreed: randomness in the loss function's backward, after the model"),
    "update": ("the gradients agreed and the parameters after the optimizer step differ: the optimizer ({type}) adds "
               "randomness"),
    "update-allreduce": ("its own gradients agreed and the parameters after the optimizer step differ: a data-parallel "
                         "update averages every rank's gradients, and rank {rank} had parted before (step {step}, "
                         "{phase})"),
    "loss": ("the model's inputs, outputs, gradients and updates agree, but the losses differ: the randomness is "
             "after the model (the loss function or the printing)"),
    "path": ("the runs recorded different events here: the control flow depends on randomness (a random branch, "
             "a different number of calls, a different number of steps)"),
    "forward-hook": ("noise added by a {hook} registered on {module}, defined at {source}: the module's own {what} "
                     "agreed, what the hook made of it differs"),
    "update-outside": ("the parameter changed after the optimizer step and before the next forward, outside the "
                       "optimizer{where} (weight noise, an EMA or a clamp written into the model, ...)"),
    "gradient-outside": ("the gradient agreed when the backward pass made it and differs when the optimizer step "
                         "used it: it was changed in between, outside the backward pass (gradient noise or clipping "
                         "by hand)"),
    "gradient-averaged": ("this rank's own gradient agreed and the gradient averaged over the ranks (the all-reduce "
                          "of a data-parallel training) differs: another rank's gradient differs"),
}
OUTSIDE = {"outside the optimizer": "update-outside", "outside the backward pass": "gradient-outside",
           "averaged over the ranks": "gradient-averaged"}


PHASES = ("data", "forward", "backward", "update", "path")


class TraceError(Exception):
    """The traces do not allow a comparison; the message says why."""


@dataclass
class Trace:
    argv: list
    start: float
    events: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    done: bool = False
    rank: int | None = None  # the process's rank in a distributed launch
    world: int = 0
    parallel: str | None = None  # "data": the model is a replica on each rank


@dataclass
class Divergence:
    step: int
    phase: str  # data, forward, backward, update; "loss" when only the losses differ; "path"
    module: str
    type: str
    source: str
    max_abs_diff: float | None
    within_tolerance: bool
    exact: bool = True  # max_abs_diff over every value (small tensors), or over a sample
    event: str = ""  # the first differing record itself, when it is not the module's own output
    meaning: str = ""
    rank: int | None = None  # the rank whose two runs part here (None: one process)
    via_rank: int | None = None  # data-parallel: the rank whose difference reached this one's update

    def as_json(self) -> dict:
        return {"step": self.step, "phase": self.phase, "module": self.module, "type": self.type,
                "source": self.source, "max_abs_diff": self.max_abs_diff, "within_tolerance": self.within_tolerance,
                "max_abs_diff_exact": self.exact, "event": self.event, "meaning": self.meaning, "rank": self.rank,
                "through_rank": self.via_rank}

    def order(self) -> tuple:
        """Which of two divergences (of two ranks) comes first: by step, then phase."""
        return self.step, PHASES.index(self.phase) if self.phase in PHASES else len(PHASES), self.rank or 0


@dataclass
class Desync:
    """Within one run, the ranks of a data-parallel training hold different parameters after an update."""
    run: int
    step: int
    parameter: str
    ranks: tuple

    def as_json(self) -> dict:
        return {"run": self.run, "step": self.step, "parameter": self.parameter, "ranks": list(self.ranks)}

    def describe(self) -> str:
        return (f"in run {self.run}, after step {self.step}'s update, {self.parameter} differs between rank "
                f"{self.ranks[0]} and rank {self.ranks[1]}: the replicas of a data-parallel training went apart (a "
                "desync between ranks, not nondeterminism: a parameter or buffer the wrapper does not synchronise, "
                "code that changes the model on some ranks only, unused parameters)")


@dataclass
class Location:
    divergence: Divergence | None  # the first difference beyond the tolerance, else the first bitwise one
    first_bitwise: Divergence | None
    events: tuple[int, int]  # events compared in each run
    steps: int
    notes: list = field(default_factory=list)
    ranks: list = field(default_factory=list)  # (rank, its own first divergence or None), in a distributed launch
    desyncs: list = field(default_factory=list)  # Desync: ranks that went apart within a run


def read_traces(directory: Path) -> list[Trace]:
    """The traces of every process that recorded events, in the order the processes started."""
    traces = []
    for path in sorted(Path(directory).glob("trace-*.jsonl")):
        trace = _read_trace(path)
        if trace is not None and (trace.events or trace.notes):
            traces.append(trace)
    return sorted(traces, key=lambda t: t.start)


def _read_trace(path: Path) -> Trace | None:
    """One process's trace, up to its first unreadable line; None without its opening record."""
    trace = None
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                break  # a process killed mid-line
            kind = record.get("kind")
            if kind == "process":
                rank = record.get("rank")
                trace = Trace(record.get("argv", []), record.get("start", 0.0),
                              rank=rank if isinstance(rank, int) else None, world=record.get("world") or 0)
            elif trace is None:
                break
            elif kind == "parallel":
                trace.parallel = record.get("mode")
            elif kind == "event":
                trace.events.append(record)
            elif kind == "note":
                trace.notes.append(record["text"])
            elif kind == "done":
                trace.done = True
    return trace


def probe_errors(directory: Path) -> list[str]:
    found = []
    for path in sorted(Path(directory).glob("error-*")):
        found += [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return found


def locate(first: Path, second: Path, *, atol: float, rtol: float) -> Location:
    runs, notes = _recorded(first, second)
    if not runs[0] or not runs[1]:
        raise TraceError(_nothing_recorded(first, second) + "".join(f"; {note}" for note in notes))
    pairs = _pairs(runs, notes)
    counted = (_events(runs[0]), _events(runs[1]))
    steps = max((e["step"] for t in runs[0] for e in t.events), default=0)
    found = [(rank, *_first_divergence(one, two, atol, rtol, rank)) for rank, one, two in pairs]
    beyond = [d for _, d, _ in found if d is not None]
    bitwise = [b for _, _, b in found if b is not None]
    divergence = min(beyond, key=Divergence.order) if beyond else None
    first_bitwise = min(bitwise, key=Divergence.order) if bitwise else None
    ranked = [(rank, d or b) for rank, d, b in found] if any(rank is not None for rank, _, _ in pairs) else []
    _through_allreduce(ranked, divergence, {rank: one for rank, one, _ in pairs})
    desyncs = [d for number, traces in enumerate(runs, 1) for d in _desyncs(number, traces)]
    return Location(divergence or first_bitwise, first_bitwise, counted, steps, notes, ranked, desyncs)


def _pairs(runs: list, notes: list) -> list:
    """(rank, run 1's trace, run 2's trace): rank with rank when every process knows its rank, else in
    the order the processes started."""
    ranks = [{t.rank: t for t in traces} for traces in runs]
    if all(t.rank is not None for traces in runs for t in traces) and all(len(r) == len(t) for r, t in zip(ranks, runs)):
        shared = sorted(set(ranks[0]) & set(ranks[1]))
        for rank in sorted(set(ranks[0]) ^ set(ranks[1])):
            notes.append(f"rank {rank} recorded in run {1 if rank in ranks[0] else 2} only; not compared")
        return [(rank, ranks[0][rank], ranks[1][rank]) for rank in shared]
    if len(runs[0]) != len(runs[1]):
        notes.append(f"run 1 recorded {len(runs[0])} process(es) and run 2 {len(runs[1])}; compared in start order")
    return [(None, one, two) for one, two in zip(runs[0], runs[1])]


def _through_allreduce(ranked: list, first: Divergence | None, traces: dict) -> None:
    """In a data-parallel run, a rank whose first difference is its update, after another rank parted,
    got that difference through the averaged gradients: say so, not that its optimizer is random."""
    if first is None or first.rank is None:
        return
    for rank, found in ranked:
        averaged = found is not None and (found.phase == "update" or found.type.endswith("GradReducer"))
        if averaged and found is not first and traces[rank].parallel == "data" and first.order() < found.order():
            found.meaning = PHASE_MEANING["update-allreduce"].format(rank=first.rank, step=first.step, phase=first.phase)
            found.via_rank = first.rank


def _desyncs(number: int, traces: list) -> list:
    """Parameters of a data-parallel training that differ between ranks after the same update, within
    one run: the first (by step) for each rank that differs from the lowest rank."""
    replicas = sorted((t for t in traces if t.rank is not None and t.parallel == "data"), key=lambda t: t.rank)
    if len(replicas) < 2:
        return []
    reference = _states(replicas[0])
    found = []
    for trace in replicas[1:]:
        for key, event in _states(trace).items():
            other = reference.get(key)
            if other is not None and other["shape"] == event["shape"] and other["hash"] != event["hash"]:
                found.append(Desync(number, event["step"], event["module"], (replicas[0].rank, trace.rank)))
                break
    return found


def _states(trace: Trace) -> dict:
    """(step, parameter, "value" or "gradient") -> the last update-phase event saying what it was at the end
    of that step (a value changed after the optimizer step is the one the next step starts from), in order."""
    states: dict = {}
    for event in trace.events:
        if event["phase"] == "update":
            kind = "value" if event["what"].startswith("value") else "gradient"
            states.pop((event["step"], event["module"], kind), None)
            states[(event["step"], event["module"], kind)] = event
    return dict(sorted(states.items(), key=lambda item: item[0][0]))


def _recorded(first: Path, second: Path) -> tuple[list, list]:
    """The traces with events of each run, and the notes of every trace of both, sorted."""
    runs = [[t for t in read_traces(d) if t.events] for d in (first, second)]
    notes = sorted({n for d in (first, second) for t in read_traces(d) for n in t.notes})
    return runs, notes


def _nothing_recorded(first: Path, second: Path) -> str:
    errors = probe_errors(first) + probe_errors(second)
    return (f"the probe failed: {errors[0]}" if errors else
            "no training was recorded: the probe saw no PyTorch module, MindSpore cell, Paddle layer or Keras "
            "layer being called (not a Python command? `python -I`, `-E` or `-S` skip the probe; a framework "
            "the probe does not hook; or a model compiled to a graph)")


def _events(traces: list) -> int:
    return sum(len(t.events) for t in traces)


def _first_divergence(one: Trace, two: Trace, atol: float, rtol: float, rank: int | None = None):
    """(the first difference beyond the tolerance or None, the first bitwise one or None) between two
    runs of one process, each marked with its rank."""
    first_bitwise, found = compare(one.events, two.events, atol, rtol)
    for divergence in (first_bitwise, found):
        if divergence is not None:
            divergence.rank = rank
    return found, first_bitwise


def compare(one: list, two: list, atol: float, rtol: float):
    """(first bitwise difference, first difference beyond the tolerance) between two runs' events."""
    first_bitwise = None
    for index, (a, b) in enumerate(zip(one, two)):
        if key(a) != key(b) or a["shape"] != b["shape"] or a["dtype"] != b["dtype"]:
            return first_bitwise, path_divergence(a, b)
        if a["hash"] == b["hash"]:
            continue
        size, exact = max_abs_diff(a, b)
        within = within_tolerance(a, b, atol, rtol)
        divergence = explain(one, index, size, within, exact)
        if first_bitwise is None:
            first_bitwise = divergence
        if not within:
            return first_bitwise, divergence
    return first_bitwise, _extra_events(one, two)


def _extra_events(one: list, two: list) -> Divergence | None:
    """The runs agree as far as both go: a run that recorded more took another path."""
    if len(one) == len(two):
        return None
    longer = one if len(one) > len(two) else two
    extra = longer[min(len(one), len(two))]
    which = "run 1" if longer is one else "run 2"
    return Divergence(extra["step"], "path", extra["module"], extra["type"], extra["source"], None, False,
                      event=f"only {which} recorded {describe_event(extra)}", meaning=PHASE_MEANING["path"])


def key(event: dict) -> tuple:
    return event["step"], event["phase"], event["module"], event["type"], event["what"]


def path_divergence(a: dict, b: dict) -> Divergence:
    return Divergence(a["step"], "path", a["module"], a["type"], a["source"], None, False,
                      event=f"run 1 recorded {describe_event(a)}, run 2 {describe_event(b)}",
                      meaning=PHASE_MEANING["path"])


def describe_event(event: dict) -> str:
    where = f"{event['module']} ({event['type']})" if event["module"] else f"the top-level {event['type']}"
    if event["phase"] == "data":
        where = f"input {event['module']} of {event['type']}"
        return f"{event['phase']} {where} {event['shape']}"
    return f"{event['phase']} {event['what']} of {where} {event['shape']}"


def explain(events: list, index: int, size: float, within: bool, exact: bool) -> Divergence:
    """The first differing event, attributed to the code that made it differ: the module whose inputs
    (or whose incoming gradient) agreed."""
    event = events[index]
    phase, what = event["phase"], event["what"]
    blamed, meaning, detail = event, PHASE_MEANING.get(phase, ""), describe_event(event)
    hook = event["type"].partition(" ")[0] == "forward" and event["type"].startswith(("forward hook ",
                                                                                     "forward pre-hook "))
    if phase == "forward" and hook:
        kind = event["type"].rsplit(" ", 1)[0]
        meaning = PHASE_MEANING["forward-hook"].format(hook=kind, module=event["module"] or "the model",
                                                       source=event["source"] or "an unknown place",
                                                       what="input" if "pre-hook" in kind else "output")
    elif phase == "update" and event["type"] in OUTSIDE:
        where = f", at {event['source']}" if event["source"] else ""
        meaning, detail = PHASE_MEANING[OUTSIDE[event["type"]]].format(where=where), ""
    elif phase == "forward" and what.startswith("input "):
        blamed = layer_event(events, index, parent(event["module"]))
        meaning = PHASE_MEANING["forward-glue"].format(inner=label(event), module=label(blamed))
    elif phase == "forward" and what.startswith("output"):
        detail = ""
    elif phase == "backward" and not is_parameter_gradient(event):
        previous = last_agreeing_gradient(events, index)
        if previous is None:
            meaning = PHASE_MEANING["backward-loss"].format(module=label(event))
        elif previous["what"].startswith("gradient of input"):
            blamed = layer_event(events, index, parent(previous["module"]))
            meaning = PHASE_MEANING["backward-glue"].format(inner=label(event), module=label(blamed))
        else:
            blamed = previous
    elif phase == "update":
        meaning = PHASE_MEANING["update"].format(type=event["type"])
        detail = ""
    return Divergence(event["step"], phase, blamed["module"], blamed["type"], blamed["source"], size, within, exact,
                      detail, meaning)


def parent(module: str) -> str:
    return module.rpartition(".")[0]


def label(event: dict) -> str:
    return f"{event['module']} ({event['type']})" if event["module"] else f"the model ({event['type']})"


def layer_event(events: list, index: int, module: str) -> dict:
    """A forward event of the same step that describes the layer named `module` (its class and
    source), the nearest before `index` first."""
    step = events[index]["step"]
    found = [i for i, e in enumerate(events) if e["step"] == step and e["phase"] == "forward" and e["module"] == module]
    before = [i for i in found if i < index]
    if before or found:
        return events[before[-1] if before else found[0]]
    return {"module": module, "type": "", "source": ""}


def last_agreeing_gradient(events: list, index: int):
    """The gradient that last agreed before this one, in this step. Of several gradients about the
    same tensor (a layer's output is also its parent's), the innermost layer's, which comes first."""
    step = events[index]["step"]
    earlier = [e for e in events[:index]
               if e["step"] == step and e["phase"] == "backward" and not is_parameter_gradient(e)]
    if not earlier:
        return None
    start = len(earlier) - 1
    while start > 0 and earlier[start - 1].get("tensor") == earlier[-1].get("tensor"):
        start -= 1
    return earlier[start]


def is_parameter_gradient(event: dict) -> bool:
    what = event["what"]
    return what.startswith("gradient of ") and not what.startswith(("gradient of output", "gradient of input"))


def max_abs_diff(a: dict, b: dict) -> tuple[float, bool]:
    """The largest |difference| seen: over every value when the tensors are small enough for the
    sample to hold them all (exact), else over the sample and the statistics (a lower bound)."""
    x, y = sample(a), sample(b)
    largest = max((difference(p, q) for p, q in zip(x, y)), default=0.0)
    for name in ("min", "max", "mean"):
        if name in a["stats"] and name in b["stats"]:
            gap = abs(a["stats"][name] - b["stats"][name])
            largest = max(largest, gap) if math.isfinite(gap) else largest
    if not _same_non_finite(a, b):
        largest = math.inf
    return largest, a["count"] == len(x)


def _same_non_finite(a: dict, b: dict) -> bool:
    """As many NaN, and as many infinities, in both."""
    return a["stats"].get("nan") == b["stats"].get("nan") and a["stats"].get("inf") == b["stats"].get("inf")


def within_tolerance(a: dict, b: dict, atol: float, rtol: float) -> bool:
    """numpy.allclose's test on every value held (run 1 as reference), NaN agreeing with NaN."""
    if atol == 0 and rtol == 0:
        return False
    return _sample_within(a, b, atol, rtol) and _mean_within(a, b, atol, rtol) and _same_non_finite(a, b)


def _sample_within(a: dict, b: dict, atol: float, rtol: float) -> bool:
    for p, q in zip(sample(b), sample(a)):
        if difference(p, q) > atol + rtol * abs(q) and not (math.isinf(p) and p == q):
            return False
    return True


def _mean_within(a: dict, b: dict, atol: float, rtol: float) -> bool:
    """The means, when both are recorded and finite."""
    if "mean" not in a["stats"] or "mean" not in b["stats"]:
        return True
    one, two = a["stats"]["mean"], b["stats"]["mean"]
    return not (math.isfinite(one) and math.isfinite(two) and abs(one - two) > atol + rtol * abs(one))


def difference(p: float, q: float) -> float:
    if math.isnan(p) or math.isnan(q):
        return 0.0 if math.isnan(p) and math.isnan(q) else math.inf
    if p == q:  # also equal infinities
        return 0.0
    return abs(p - q)


def sample(event: dict) -> array.array:
    values = array.array("d")
    values.frombytes(base64.b64decode(event["sample"]))
    if sys.byteorder == "big":
        values.byteswap()
    return values

