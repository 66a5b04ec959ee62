"""`python -m codemod`, run for the tests without paying Python's start-up and imports each time.

`python tests/zygote.py` imports the command line and what its commands load (typer, libcst, the rule
tables), then serves requests, one JSON line each on its standard input: it forks a child per
command, and the child takes the command's working folder, environment and arguments, writes its
standard output and error to the files named, reads nothing (standard input is /dev/null), runs
`codemod`'s `__main__` as `python -m codemod` does, and ends as Python ends (threads joined, exit
handlers run, streams flushed) with the command's exit status. The zygote answers with two lines:
the child's pid, then its wait status. It runs nothing itself, so every child starts from the state
a fresh `python -m codemod` would reach by importing those modules.

What depends on how a process starts (another environment: Python reads some of it only at
start-up; resource limits; signals sent from outside) is run fresh by `conftest.run_reprofix`.
"""

from __future__ import annotations

import json
import os
import sys

PRELOAD = ("codemod.cli", "codemod.engine", "codemod.verify.run", "codemod.journal.undo", "codemod.journal.patch",
           "codemod.report", "codemod.notebook", "transforms.pipeline", "transforms.tables.frameworks",
           "transforms.tables.textrules")


def serve() -> None:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    reply = os.dup(1)
    pending = b""
    while True:
        while b"\n" not in pending:
            data = os.read(0, 65536)
            if not data:
                return
            pending += data
        line, _, pending = pending.partition(b"\n")
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            os.close(reply)
            _child(request)
        os.write(reply, b"%d\n" % pid)
        _, status = os.waitpid(pid, 0)
        os.write(reply, b"%d\n" % status)


def _child(request: dict) -> None:
    """Become the command, and never return."""
    import atexit
    import runpy
    import threading
    import traceback

    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for fd, path in ((1, request["out"]), (2, request["err"])):
            opened = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.argv = ["-m", *request["args"]]
        try:
            runpy.run_module("codemod", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as stop:  # as Python reads it
            if stop.code is None or isinstance(stop.code, int):
                code = stop.code or 0
            else:
                print(stop.code, file=sys.stderr)
                code = 1
        threading._shutdown()  # (as the interpreter does at exit: non-daemon threads first)
        atexit._run_exitfuncs()
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                code = code or 120  # as Python exits when it cannot flush
        os._exit(code)


if __name__ == "__main__":
    serve()
