"""reprofix's probe, loaded by `sitecustomize` into every Python process a command under
`reprofix verify --locate` starts. It waits for a framework to be imported, then hooks it; it writes
only to the trace folder named by REPROFIX_PROBE_DIR and never changes what the program computes,
prints or returns."""

from __future__ import annotations

import importlib
import os
import sys

from .recorder import Recorder, guarded

INSTALLERS = {
    "torch": "torch_hooks",
    "mindspore": "mindspore_hooks",
    "paddle": "paddle_hooks",
    "keras": "keras_hooks",
}


def start() -> None:
    directory = os.environ.get("REPROFIX_PROBE_DIR")
    if not directory or not os.path.isdir(directory):
        return
    recorder = Recorder(directory, int(os.environ.get("REPROFIX_PROBE_STEPS", "2")))

    def installer(hooks: str):
        return lambda framework: importlib.import_module(f"{__name__}.{hooks}").install(framework, recorder)

    sys.meta_path.insert(0, AfterImport({name: installer(hooks) for name, hooks in INSTALLERS.items()}))


class AfterImport:
    """A meta-path finder that lets the normal machinery import a watched module, then runs a
    callback on the module once its own code has run."""

    def __init__(self, callbacks: dict):
        self.callbacks = callbacks

    def find_spec(self, name, path=None, target=None):
        callback = self.callbacks.get(name)
        if callback is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return None
        del self.callbacks[name]
        original = loader.exec_module

        def exec_module(module):
            original(module)
            guarded(callback, module)

        loader.exec_module = exec_module
        return spec
