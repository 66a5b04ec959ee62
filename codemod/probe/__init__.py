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
    """Has some process of the run recorded all its steps?"""
    try:
        return any(name.startswith("done-") for name in os.listdir(trace_dir))
    except OSError:
        return False
