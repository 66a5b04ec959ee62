"""The probe of `reprofix verify --locate`, from reprofix's side: the environment that loads it into
every Python process of a command (site/sitecustomize.py first on PYTHONPATH, chaining to any
sitecustomize already there), and where its traces land. The code that runs inside those processes
is in site/reprofix_probe/ and needs nothing but the standard library, numpy and the framework."""

from __future__ import annotations

import os
from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"


def environment(trace_dir: Path, steps: int, base: dict | None = None) -> dict:
    """The environment of one run under the probe, writing its traces to `trace_dir`."""
    env = dict(os.environ if base is None else base)
    path = env.get("PYTHONPATH", "")
    env["PYTHONPATH"] = str(SITE) + (os.pathsep + path if path else "")
    env["REPROFIX_PROBE_DIR"] = str(trace_dir)
    env["REPROFIX_PROBE_STEPS"] = str(steps)
    env["MS_JIT"] = "0"  # MindSpore: @jit functions and GRAPH_MODE cells run eagerly, so cell hooks see them
    return env


def finished(trace_dir: Path) -> bool:
    """Has the run recorded all its steps? In a distributed launch, every rank the launch announced
    has finished; otherwise, one process has (a data-loader worker or a helper records nothing, and
    what else the command runs need not be waited for)."""
    try:
        names = os.listdir(trace_dir)
    except OSError:
        return False
    done = {name[len("done-"):] for name in names if name.startswith("done-")}
    ranks, world = {}, 0
    for name in names:
        if name.startswith("trace-"):
            rank, size = _rank_of(Path(trace_dir) / name)
            if rank is not None:
                ranks[rank] = ranks.get(rank, False) or name.split("-")[1] in done
                world = max(world, size)
    if ranks:
        return len(ranks) >= world and all(ranks.values())
    return bool(done)


def _rank_of(trace: Path) -> tuple:
    """(rank or None, world size) from a trace's first record."""
    import json

    try:
        with open(trace, encoding="utf-8") as lines:
            record = json.loads(lines.readline())
    except (OSError, ValueError):
        return None, 0
    rank = record.get("rank") if isinstance(record, dict) else None
    return (rank, record.get("world") or 0) if isinstance(rank, int) else (None, 0)
