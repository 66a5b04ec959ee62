"""Loaded by Python at start-up because `reprofix verify` put this folder first on PYTHONPATH: tell
verify this process's rank (a distributed launch), start the probe of `--locate`, then run the
sitecustomize this one shadows, if any."""

import importlib
import os
import sys


def _chain():
    here = os.path.dirname(os.path.abspath(__file__))
    ours = sys.modules.pop("sitecustomize", None)
    saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    try:
        importlib.import_module("sitecustomize")
    except ImportError as error:
        if error.name != "sitecustomize":
            raise
    finally:
        sys.path[:] = saved
        if "sitecustomize" not in sys.modules and ours is not None:
            sys.modules["sitecustomize"] = ours


def _start(module: str) -> None:
    """Start one part of reprofix's probe; a failure is noted, never raised into the command."""
    try:
        importlib.import_module(module).start()
    except Exception as error:  # the probe must never stop the command
        try:
            from reprofix_probe.recorder import failure

            failure(error)
        except Exception:
            pass


_start("reprofix_probe.ranks")
_start("reprofix_probe")
_chain()
