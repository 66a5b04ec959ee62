"""Loaded by Python at start-up because `reprofix verify --locate` put this folder first on
PYTHONPATH: start reprofix's probe, then run the sitecustomize this one shadows, if any."""

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


try:
    import reprofix_probe

    reprofix_probe.start()
except Exception as _error:  # the probe must never stop the command
    try:
        from reprofix_probe.recorder import failure

        failure(_error)
    except Exception:
        pass
_chain()
