"""`reprofix verify` on the real log formats of tests/log_formats.py: two runs of each format, in
each of the variants a user meets (reproducible; parting at step 1, at step 2, later; within the
tolerance; just beyond it), each run printing its log through a pipe as the tool would. The verdict,
the exit status, the first differing step and the rank that parts first must be exactly what a
person comparing the printed training losses would find (computed here from what each format noted
it printed, not from reprofix's reader)."""

import json
import math
from pathlib import Path

import pytest

from conftest import run_reprofix
from log_formats import BASE, FORMATS, Log

ATOL = RTOL = 1e-3
STEPS = 2


def tolerance(value: float) -> float:
    return ATOL + RTOL * abs(value)


VARIANTS = {
    "reproducible": lambda i, v: v,
    "step-1": lambda i, v: v + 0.05,
    "step-2": lambda i, v: v + (0.05 if i >= 1 else 0.0),
    "within-tolerance": lambda i, v: v + 0.3 * tolerance(v),
    "just-beyond": lambda i, v: v + 1.5 * tolerance(v),
    "late": lambda i, v: v + (0.05 if i >= 3 else 0.0),  # compared under --full; the default sees 2 steps
    "late-default": lambda i, v: v + (0.05 if i >= 3 else 0.0),
}
FULL = {"late"}
# one process's output: a run prints its log with no Python start-up (sh and cat)
COMMAND = ["sh", "-c", 'n=$(cat n 2>/dev/null || echo 0); n=$((n + 1)); echo $n > n; cat run$n.out; cat run$n.err >&2']


def render(form, values: list, run: int) -> Log:
    log = Log()
    form.render(values, log, run)
    return log


def truth(one: Log, two: Log, full: bool) -> tuple:
    """(first differing step, the rank that parts first, whether the printing is too coarse for the
    tolerance) from the printed losses: each series compared at the steps both runs printed, in
    run 1's order; a series printed again at the same step keeps its last printing."""
    firsts, coarse = [], False
    for (rank, name), printed in one.printed.items():
        mine = {key: (text, digits) for key, text, digits in printed}
        other = {key: (text, digits) for key, text, digits in two.printed.get((rank, name), [])}
        order = list(dict.fromkeys(key for key, _, _ in printed))
        common = [key for key in order if key in other]
        for number, key in enumerate(common if full else common[:STEPS], 1):
            a, b = float(mine[key][0]), float(other[key][0])
            coarse = coarse or max(resolution(*mine[key]), resolution(*other[key])) > tolerance(a)
            if not abs(b - a) <= tolerance(a):
                firsts.append((number, rank))
                break
    if not firsts:
        return None, None, coarse
    first = min(n for n, _ in firsts)
    ranks = [r for n, r in firsts if n == first and r is not None]
    return first, (min(ranks) if ranks else None), coarse


def resolution(text: str, digits: int | None = None) -> float:
    """The value of the last digit printed: 0.01 for "6.91"; with `digits`, of that many significant digits."""
    if digits is not None:
        return 10.0 ** (math.floor(math.log10(abs(float(text)))) - digits + 1)
    mantissa, _, exponent = text.lower().partition("e")
    return 10.0 ** ((int(exponent) if exponent else 0) - len(mantissa.partition(".")[2]))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("form", FORMATS, ids=[f.name for f in FORMATS])
def test_verdict_on_real_log_formats(tmp_path: Path, form, variant: str):
    change = VARIANTS[variant]
    logs = [render(form, BASE, 1), render(form, [change(i, v) for i, v in enumerate(BASE)], 2)]
    for number, log in enumerate(logs, 1):
        (tmp_path / f"run{number}.out").write_text(log.stdout, encoding="utf-8")
        (tmp_path / f"run{number}.err").write_text(log.stderr, encoding="utf-8")
    full = variant in FULL
    result = run_reprofix("verify", "--json", *(["--full"] if full else []), "--", *COMMAND, cwd=tmp_path)
    first, rank, coarse = truth(*logs, full)
    assert result.returncode == (0 if first is None else 1), (result.stdout, result.stderr)
    data = json.loads(result.stdout)
    assert (data["first_difference"], data["rank"]) == (first, rank)
    assert data["verdict"] == ("reproducible" if first is None else "not reproducible")
    too_coarse = any("printed with too few digits" in warning for warning in data["warnings"])
    assert too_coarse == coarse
    if form.ranks > 1:
        assert sorted(r["rank"] for r in data["ranks"]) == list(range(form.ranks))


def test_the_corpus_is_wide():
    """At least 25 formats, and every kind the issue names among them."""
    names = {f.name for f in FORMATS}
    assert len(names) == len(FORMATS) == 34
    for needed in ("mindspore-lossmonitor", "keras3-verbose1", "keras2-verbose1", "hf-trainer-4", "lightning1-tqdm",
                   "lightning2-tqdm", "timm-train", "nanogpt", "fairseq-simple", "fairseq-json", "detectron2",
                   "mmengine", "megatron", "deepspeed-pipe", "paddleclas", "paddle-hapi-verbose2", "pytorch-gan",
                   "tensorboard-style", "json-lines", "torchrun-tee", "openmpi-tag-output", "rank-prefix"):
        assert needed in names


def test_the_ground_truth_sees_what_was_printed():
    """The comparison the tests expect is the one of the printed texts: 3 significant digits hide a
    difference the tolerance would catch (timm), 4 decimals do not (nanoGPT)."""
    timm, nanogpt = (next(f for f in FORMATS if f.name == name) for name in ("timm-train", "nanogpt"))
    low = [2.2951 - 0.05 * i for i in range(6)]  # at the bottom of 3 digits' rounding: 2.30, 2.25, ...
    beyond = [v + 1.5 * tolerance(v) for v in low]
    assert truth(render(timm, low, 1), render(timm, beyond, 2), False) == (None, None, True)
    beyond = [v + 1.5 * tolerance(v) for v in BASE]
    assert truth(render(nanogpt, BASE, 1), render(nanogpt, beyond, 2), False) == (1, None, False)
    assert not math.isclose(float(render(nanogpt, beyond, 2).printed[(None, "loss")][0][1]), BASE[0], abs_tol=1e-3)
    lightning = next(f for f in FORMATS if f.name == "lightning2-tqdm")
    assert truth(render(lightning, BASE, 1), render(lightning, BASE, 2), False)[2]  # "2.300" is 3 digits
