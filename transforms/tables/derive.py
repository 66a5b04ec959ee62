"""Derive from the installed frameworks what the tables would otherwise keep by hand.

`python -m transforms.tables.derive [FRAMEWORK ...] [--check]` is a developer tool: it needs the
frameworks installed and is never run by reprofix itself. For each table (`frameworks.FRAMEWORKS`) it
writes `transforms/tables/data/<framework>.json`:

- `aliases`: every other public path under which the framework exports an object some fact names
  (`mindspore.dataset.engine.ImageFolderDataset` -> `mindspore.dataset.ImageFolderDataset`), found by
  importing every public module of the framework's packages and comparing their attributes by
  identity (`is`). A path is public when no part of it starts with `_`; test modules are left out.
- `signatures`: the parameter lists (`inspect.signature`) of the data sources and loaders the tables
  list, in order, `*args` and `**kwargs` left out. The names come from the table (that is, from this
  file: to add a source, add its name with an empty list and run the tool).
- `derived_from`: the packages' versions; `not_installed`: import roots that could not be walked;
  `missing`: names the table lists that this version does not have; `modules`: how many public
  modules were walked; `unimportable`: those whose import failed (mostly optional dependencies) or
  was stopped.

An object several table names share has its aliases mapped to the shortest of them. Names under a
root that is not installed cannot be derived (they stay as written, with no aliases). Keras is walked
on the torch backend (`KERAS_BACKEND=torch`), TensorFlow's `tensorflow.keras` beside it.

Importing thousands of modules has side effects (threads, printing, `sys.exit`, signal handlers,
crashes), so each framework is walked in a child process of its own, each import bounded by a timer
and watched from outside; a module that kills or hangs the child is skipped on the next attempt.
`--check` derives again and compares with the files, writing nothing (exit 1 when they differ).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import json
import os
import pkgutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# This module's name, which `python -m` runs in the child processes it starts, and the folder that
# holds its top-level package, put on their PYTHONPATH (a checkout's, found from the working folder;
# none where an editable install maps the name to these files).
RUN_AS = __spec__.name
_ABOVE = Path(__file__).resolve().parents[RUN_AS.count(".")]
TOP = str(_ABOVE) if (_ABOVE / RUN_AS.partition(".")[0]).is_dir() else None
MODULE_TIMEOUT = 60.0  # seconds one import may take before it is given up
ATTEMPTS = 20  # child processes per framework (each restart skips the module that stopped the last)
# Set for the child: quiet logs, and Keras 3 on the torch backend (TensorFlow is not installed here).
ENVIRONMENT = {"KERAS_BACKEND": "torch", "GLOG_v": "3", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}


# ---- in the child: one framework ---------------------------------------------------------------
def table_names(table) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """Every qualified name the table's facts name, and its sources and loaders with the parameter
    lists it holds now."""
    from ..facts import Fact, Sources

    sources = {
        name: params for fact, _ in table.facts(Fact)
        if isinstance(getattr(fact, "sources", None), Sources) for name, params in fact.sources.signatures.items()
    }
    return table.trigger_names | frozenset(sources), sources


def is_public(dotted: str) -> bool:
    return not any(part.startswith("_") for part in dotted.split("."))


def is_walked(module: str) -> bool:
    """A public module that is not a test (`tests`, `test`, `*_test`, `test_*`): tests import what they
    test, and nobody imports a layer from them."""
    parts = module.split(".")
    return is_public(module) and not any(
        p in ("test", "tests") or p.endswith("_test") or p.startswith("test_") for p in parts
    )


def resolve(name: str):
    """The object a dotted name reaches: its longest importable module prefix, then attributes."""
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            value = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            value = getattr(value, attr)
        return value
    raise ImportError(name)


def identity_matters(value) -> bool:
    """Classes and functions: objects whose identity names them (not `True`, `0`, a module)."""
    return callable(value) and not inspect.ismodule(value)


def public_modules(root: str) -> list[str]:
    """Every public module of a package, found on disk without importing it."""
    spec = importlib.util.find_spec(root)
    found = [root]
    pending = [(list(spec.submodule_search_locations or ()), root + ".")]
    while pending:
        paths, prefix = pending.pop()
        for info in pkgutil.iter_modules(paths, prefix):
            if not is_walked(info.name):
                continue
            found.append(info.name)
            if info.ispkg:
                pending.append(([os.path.join(info.module_finder.path, info.name.rpartition(".")[2])], info.name + "."))
    return sorted(set(found))


class _Timeout(BaseException):
    """Raised by the timer inside an import that takes too long (BaseException: `except Exception`
    in the module does not swallow it)."""


def _import_bounded(module: str) -> bool:
    def expire(signum, frame):
        raise _Timeout(module)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, MODULE_TIMEOUT)
    try:
        importlib.import_module(module)
        return True
    except KeyboardInterrupt:
        raise
    except BaseException:  # ImportError, anything a module raises, SystemExit, the timer
        return False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def parameters(obj) -> list[str]:
    kinds = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [p.name for p in inspect.signature(obj).parameters.values() if p.kind not in kinds]


def canonical_name(names: list[str]) -> str:
    """Of several table names for one object, the shortest path (then the first alphabetically)."""
    return min(names, key=lambda n: (n.count("."), n))


def installed_roots(table) -> list[str]:
    return [root for root in table.import_roots if importlib.util.find_spec(root) is not None]


def resolve_names(names, roots: list[str]) -> tuple[dict[str, object], list[str]]:
    """The objects the names under `roots` reach, and the names that reach nothing."""
    objects, missing = {}, []
    for name in sorted(n for n in names if n.split(".")[0] in roots):
        try:
            objects[name] = resolve(name)
        except Exception:
            missing.append(name)
    return objects, missing


def aliases_in_loaded_modules(roots: list[str], objects: dict[str, object], names) -> tuple[dict[str, str], list[str]]:
    # complexity: one filter per reason a module or member is not an alias
    """Every public `module.attr` path of the loaded modules under `roots` that is one of `objects`
    (by identity) and not itself a table name, with its canonical name; and the modules scanned."""
    by_id: dict[int, tuple[object, list[str]]] = {}
    for name, value in objects.items():
        if identity_matters(value):
            by_id.setdefault(id(value), (value, []))[1].append(name)
    found, scanned = {}, []
    for key in sorted(sys.modules):
        module = sys.modules[key]
        if key.split(".")[0] not in roots or not is_walked(key) or not inspect.ismodule(module):
            continue
        try:
            members = list(vars(module).items())
        except TypeError:
            continue
        scanned.append(key)
        for attr, value in members:
            path = f"{key}.{attr}"
            entry = by_id.get(id(value))
            if entry is not None and entry[0] is value and is_public(attr) and path not in names:
                found[path] = canonical_name(entry[1])
    return found, scanned


def derive_framework(table, skip: frozenset[str], progress) -> dict:
    """Walk one framework in this process (the child): its aliases, signatures and versions."""
    names, sources = table_names(table)
    roots = installed_roots(table)
    objects, missing = resolve_names(names, roots)
    unimportable = []
    walked = [m for root in roots for m in public_modules(root)]
    for module in walked:
        if module in sys.modules:
            continue
        progress.write(module + "\n")
        progress.flush()
        if module in skip or not _import_bounded(module):
            unimportable.append(module)
    aliases, _ = aliases_in_loaded_modules(roots, objects, names)
    # a source this version lacks keeps the list the table holds (it is among `missing`)
    signatures = {name: parameters(objects[name]) if name in objects else list(sources[name]) for name in sources}
    return {
        "framework": table.name,
        "derived_from": {root: version(root) for root in roots},
        "not_installed": sorted(set(table.import_roots) - set(roots)),
        "aliases": aliases,
        "signatures": signatures,
        "missing": missing,
        "modules": len(walked),
        "unimportable": sorted(unimportable),
    }


def version(root: str) -> str:
    return str(getattr(importlib.import_module(root), "__version__", "unknown"))


def snapshot(framework: str, root: str) -> dict:
    # complexity: one filter per reason a loaded module is not walked
    """What one installed package gives now, without the walk (seconds, not a minute): whether each
    alias the data holds under `root` is still the very object of its canonical name, and the
    derivation redone over the modules loaded by importing the framework and every alias's module.
    A deterministic sample of `derive_framework`, for tests/test_aliases.py; run it in a fresh
    process."""
    from . import aliases
    from .frameworks import FRAMEWORKS

    table = next(t for t in FRAMEWORKS if t.name == framework)
    names, sources = table_names(table)
    roots = installed_roots(table)
    objects, missing = resolve_names(names, roots)
    identical = {}
    for alias, name in aliases.derived(framework)["aliases"].items():
        if alias.split(".")[0] == root:
            module, attr = alias.rsplit(".", 1)
            try:
                identical[alias] = getattr(importlib.import_module(module), attr) is objects.get(name, ...)
            except Exception:
                identical[alias] = False
    found, scanned = aliases_in_loaded_modules([root], objects, names)
    return {
        "version": version(root),
        "identical": identical,
        "aliases": found,
        "scanned": scanned,
        "missing": [n for n in missing if n.split(".")[0] == root],
        "signatures": {n: parameters(objects[n]) for n in sources if n.split(".")[0] == root and n in objects},
    }


def _child(framework: str, out: Path, progress_path: Path, skip: frozenset[str]) -> None:
    from .frameworks import FRAMEWORKS

    table = next(t for t in FRAMEWORKS if t.name == framework)
    with open(progress_path, "a") as progress:
        result = derive_framework(table, skip, progress)
    out.write_text(json.dumps(result))
    os._exit(0)  # imported modules' threads and atexit handlers must not keep the child alive


# ---- in the parent ---------------------------------------------------------------------------------
def run_child(framework: str, say=print) -> dict:
    """Derive one framework in child processes; a module that crashes or hangs one is skipped by the
    next."""
    skip: list[str] = []
    with tempfile.TemporaryDirectory(prefix="reprofix-derive-") as tmp:
        out, progress, log = Path(tmp, "out.json"), Path(tmp, "progress"), Path(tmp, "log")
        for _ in range(ATTEMPTS):
            progress.write_text("")
            command = [sys.executable, "-m", RUN_AS, "--child", framework, "--out", str(out),
                       "--progress", str(progress), *(a for m in skip for a in ("--skip", m))]
            env = {**os.environ, **ENVIRONMENT,
                   "PYTHONPATH": os.pathsep.join(filter(None, (TOP, os.environ.get("PYTHONPATH"))))}
            with open(log, "wb") as log_file:
                # in the temporary folder: some modules write files where they are imported (http.log)
                child = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env, cwd=tmp,
                                         start_new_session=True)
                stuck = _watch(child, progress)
            if child.returncode == 0 and out.exists():
                return json.loads(out.read_text())
            lines = progress.read_text().split()
            if not lines:
                raise RuntimeError(f"deriving {framework} failed before any module:\n{log.read_text()[-3000:]}")
            say(f"  {framework}: {lines[-1]} {'hung' if stuck else 'stopped the process'}; skipped on the next attempt")
            skip.append(lines[-1])
    raise RuntimeError(f"deriving {framework}: more than {ATTEMPTS} modules stopped the process")


def _watch(child: subprocess.Popen, progress: Path) -> bool:
    """Wait for the child; kill it (and what it started) if one import outlasts the timer. True if it
    was killed."""
    last, since = None, time.monotonic()
    while child.poll() is None:
        time.sleep(0.5)
        current = progress.stat().st_size
        if current != last:
            last, since = current, time.monotonic()
        elif time.monotonic() - since > 2 * MODULE_TIMEOUT:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            return True
    return False


def dump(data: dict) -> str:
    """JSON with sorted keys, one entry of each mapping or list per line: stable, and readable in a diff."""
    lines = ["{"]
    keys = sorted(data)
    for i, key in enumerate(keys):
        value, comma = data[key], "," if i < len(keys) - 1 else ""
        if isinstance(value, dict) and value:
            inner = [f"  {json.dumps(k)}: {json.dumps(value[k])}" for k in sorted(value)]
            lines += [f" {json.dumps(key)}: {{", ",\n".join(inner), f" }}{comma}"]
        elif isinstance(value, list) and value:
            lines += [f" {json.dumps(key)}: [", ",\n".join(f"  {json.dumps(v)}" for v in value), f" ]{comma}"]
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, sort_keys=True)}{comma}")
    return "\n".join(lines) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    from .frameworks import FRAMEWORKS

    parser = argparse.ArgumentParser(prog=f"python -m {RUN_AS}", description=__doc__.split("\n\n")[0])
    parser.add_argument("frameworks", nargs="*", help="tables to derive (default: every table whose packages are installed)")
    parser.add_argument("--check", action="store_true", help="compare with transforms/tables/data/ and write nothing")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--progress", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--skip", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.out, args.progress, frozenset(args.skip))
    chosen = _chosen(parser, args.frameworks, {t.name: t for t in FRAMEWORKS})
    stale = [name for name in chosen if not _derive(name, args.check)]
    if stale:
        print(f"run `python -m {RUN_AS} {' '.join(stale)}` to regenerate", file=sys.stderr)
        return 1
    return 0


def _installed(table) -> bool:
    return any(importlib.util.find_spec(root) for root in table.import_roots)


def _chosen(parser: argparse.ArgumentParser, names: list[str], known: dict) -> list[str]:
    # complexity: three checks of the command line, each two lines
    """The tables to derive: those named (each known and installed), or every installed one. A package
    derived before and missing now would take its aliases out of the data: refused."""
    unknown = [f for f in names if f not in known]
    if unknown:
        parser.error(f"unknown framework(s) {', '.join(unknown)}; known: {', '.join(known)}")
    absent = [f for f in names if not _installed(known[f])]
    if absent:
        parser.error(f"{', '.join(absent)}: not installed, nothing to derive from")
    chosen = names or [name for name, table in known.items() if _installed(table)]
    for name in chosen:
        path = DATA / f"{name}.json"
        before = json.loads(path.read_text()).get("derived_from", {}) if path.exists() else {}
        gone = [root for root in before if importlib.util.find_spec(root) is None]
        if gone:
            parser.error(f"{name}: {', '.join(gone)} not installed here, but {path.name} was derived from it")
    return chosen


def _derive(name: str, check: bool) -> bool:
    """Derive one table's data and write it (or, with `check`, compare it); False if it was stale."""
    started = time.monotonic()
    text = dump(run_child(name))
    data = json.loads(text)
    path = DATA / f"{name}.json"
    versions = ", ".join(f"{root} {v}" for root, v in data["derived_from"].items())
    summary = (f"{name} ({versions}): {len(data['aliases'])} aliases, {len(data['signatures'])} signatures, "
               f"{len(data['missing'])} names missing, {data['modules']} modules walked "
               f"({len(data['unimportable'])} unimportable) in {time.monotonic() - started:.0f} s")
    if not check:
        DATA.mkdir(exist_ok=True)
        path.write_text(text)
        print(summary + f": wrote {path}")
        return True
    current = path.read_text() if path.exists() else ""
    print(summary + (": current" if current == text else f": {path} is stale"))
    return current == text


if __name__ == "__main__":
    sys.exit(main())
