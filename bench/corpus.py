"""Corpus check: does rewritten real training code still compile and import? (Not a test: run it, read it.)

    python bench/corpus.py [--corpus DIR_OR_TAR_GZ] [--jobs N] [--timeout S] [--show N]

The corpus defaults to `shared/corpora/model-zoo-sample.tar.gz` beside the project (950 files of the
MindSpore model zoo), unpacked into a temporary folder, never into the project. Two copies are made,
`original/` and `rewritten/`; then:

1. `reprofix scan --json` on the original gives the findings, printed as counts per rule (changes,
   "needs you" reports, notes); `reprofix apply` rewrites the other copy (folder mode, as a user would
   on a checkout);
2. every file apply changed must compile;
3. every module apply changed is imported from the original copy and from the rewritten copy, each in
   a child process of its own (forked from a process that has already imported numpy and MindSpore,
   so that 2 x 300 imports take minutes, not an hour), from its project's folder (the nearest folder
   above it holding `train.py` or `src/`), with a timeout. An import that fails in the original too,
   with the same error (a dependency not installed here, a required command-line argument), says
   nothing about reprofix; one that fails only after the rewrite, or differently, is a NEW failure
   and is printed with both errors.

Exit status: 1 if apply could not process a file, a rewritten file does not compile or a module has a
new import failure, else 0.
"""

from __future__ import annotations

import argparse
import collections
import importlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "model-zoo-sample.tar.gz"
PRELOADED = ("numpy", "mindspore", "mindspore.nn", "mindspore.ops", "mindspore.dataset")
ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def unpack(corpus: Path, destination: Path) -> None:
    if corpus.is_dir():
        shutil.copytree(corpus, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        return
    destination.mkdir(parents=True)
    with tarfile.open(corpus) as archive:
        archive.extractall(destination, filter="data")


def reprofix(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "codemod", *args], cwd=cwd, env=env, capture_output=True, text=True)


def rule_names() -> dict[str, str]:
    """Asked of a child process, so that neither reprofix's modules nor its folders are in the way of
    the corpus's own (a project's `transforms.py` must not find reprofix's `transforms`)."""
    code = "import json; from codemod.engine import all_rules; print(json.dumps({i: r.name for i, r in all_rules().items()}))"
    result = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def print_counts(title: str, counts: collections.Counter, names: dict[str, str]) -> None:
    print(f"{title}: {sum(counts.values())}")
    for rule, count in sorted(counts.items()):
        print(f"  {rule}  {names.get(rule, '?'):28} {count:5}")


# --- which module a file is, and from where it is imported --------------------------------------


def project_folder(path: Path, corpus: Path) -> Path:
    """The folder a training script runs from: the nearest one above `path` holding train.py or src/."""
    for folder in path.parents:
        if folder == corpus.parent:
            break
        if (folder / "train.py").is_file() or (folder / "src").is_dir():
            return folder
    return path.parent


def module_name(path: Path, folder: Path) -> str | None:
    parts = list(path.relative_to(folder).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


# --- importing, each module in a fork of a process that holds the heavy imports -------------------


@dataclass
class Child:
    pid: int
    pipe: int
    started: float
    key: tuple[str, str]  # (relative path, "original" or "rewritten")
    data: bytes = b""


def start_import(folder: Path, name: str, key: tuple[str, str]) -> Child:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: import the module as its training script would, report one line
        try:
            os.close(read)
            os.setsid()
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.chdir(folder)
            sys.path[:] = [str(folder)] + [p for p in sys.path if p and Path(p).resolve() not in (ROOT, BENCH)]
            sys.argv = [name]
            try:
                importlib.import_module(name)
                message = "ok"
            except BaseException as error:  # noqa: BLE001 - SystemExit from argparse counts too
                text = str(error).strip().splitlines()
                message = f"{type(error).__name__}: {text[0] if text else ''}".strip()
            os.write(write, message.encode(errors="replace")[:4000])
        finally:
            os._exit(0)
    os.close(write)
    return Child(pid, read, time.monotonic(), key)


def run_imports(jobs: list[tuple[Path, str, tuple[str, str]]], parallel: int, timeout: float) -> dict:
    # complexity: a pool of import runs, each outcome classified where it ends
    results: dict[tuple[str, str], str] = {}
    pending = list(reversed(jobs))
    running: dict[int, Child] = {}
    while pending or running:
        while pending and len(running) < parallel:
            child = start_import(*pending.pop())
            running[child.pipe] = child
        ready, _, _ = select.select(list(running), [], [], 0.5)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if chunk:
                running[fd].data += chunk
                continue
            child = running.pop(fd)
            os.close(fd)
            os.waitpid(child.pid, 0)
            results[child.key] = child.data.decode(errors="replace") or "crashed (no report)"
        now = time.monotonic()
        for fd, child in list(running.items()):
            if now - child.started > timeout:
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                os.waitpid(child.pid, 0)
                os.close(fd)
                del running[fd]
                results[child.key] = f"timeout after {timeout:.0f} s"
    return results


def normalised(message: str, variant_root: Path) -> str:
    return ADDRESS.sub("0x?", message.replace(str(variant_root), "<corpus>"))


def main() -> None:
    # complexity: a script: its steps in order, each printed
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="a folder or a .tar.gz of training code")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for reprofix and imports")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds each import may take")
    parser.add_argument("--show", type=int, default=10, help="most frequent shared import failures to list")
    args = parser.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus: {args.corpus} does not exist; pass --corpus DIR or a .tar.gz")

    names = rule_names()
    work = Path(tempfile.mkdtemp(prefix="reprofix-corpus-"))
    try:
        original, rewritten = work / "original" / "corpus", work / "rewritten" / "corpus"
        unpack(args.corpus, original)
        shutil.copytree(original, rewritten)
        files = sorted(path.relative_to(original) for path in original.rglob("*.py"))
        size = sum((original / path).stat().st_size for path in files)
        print(f"corpus: {args.corpus} -> {len(files)} .py files, {size / 1e6:.1f} MB")

        start = time.perf_counter()
        scan = reprofix("scan", "--json", f"-j{args.jobs}", "corpus", cwd=original.parent)
        report = json.loads(scan.stdout)
        applied = reprofix("apply", f"-j{args.jobs}", "corpus", cwd=rewritten.parent)
        elapsed = time.perf_counter() - start
        if not (rewritten.parent / "reprofix.patch").exists():
            print(applied.stdout[-2000:], applied.stderr[-2000:])
            sys.exit(f"reprofix apply exited {applied.returncode} and wrote no patch")
        print(f"reprofix scan + apply: {elapsed:.1f} s; {applied.stdout.strip().splitlines()[-1]}")
        unprocessed = applied.stderr.strip().splitlines()
        print(f"files apply could not process (exit {applied.returncode}): {len(unprocessed)}")
        for line in unprocessed:
            print(f"  {line}")
        print(f"entry scripts (seed block): {len(report['entry_scripts'])}; files reprofix could not read or "
              f"parse: {len(report['errors'])}")
        for kind, title in (("rewrite", "changes"), ("report", "needs you"), ("note", "notes")):
            print_counts(title, collections.Counter(f["rule"] for f in report["findings"] if f["kind"] == kind), names)

        changed = [path for path in files if (original / path).read_bytes() != (rewritten / path).read_bytes()]
        would_change = {Path(path).relative_to("corpus") for path in report["would_change"]}
        if set(changed) != would_change:
            print(f"NOTE: apply changed {len(changed)} files, scan said {len(would_change)} would change")

        print()
        compile_failures = []
        for path in changed:
            try:
                compile((rewritten / path).read_bytes(), str(path), "exec")
            except SyntaxError as error:
                compile_failures.append(f"{path}:{error.lineno}: {error.msg}")
        print(f"compile: {len(changed) - len(compile_failures)} of {len(changed)} rewritten files compile")
        for failure in compile_failures:
            print(f"  FAILS: {failure}")

        for module in PRELOADED:
            try:
                importlib.import_module(module)
            except ImportError:
                pass
        jobs, unnamed = [], []
        for path in changed:
            folder = project_folder(original / path, original)
            name = module_name(original / path, folder)
            if name is None:
                unnamed.append(path)
                continue
            relative_folder = folder.relative_to(original)
            for variant, root in (("original", original), ("rewritten", rewritten)):
                jobs.append((root / relative_folder, name, (path.as_posix(), variant)))
        start = time.perf_counter()
        results = run_imports(jobs, args.jobs, args.timeout)
        print(f"import: {len(jobs) // 2} changed modules, each from the original and the rewritten copy "
              f"({time.perf_counter() - start:.0f} s; {len(unnamed)} files have no importable name)")

        both_ok, shared, new = 0, collections.Counter(), []
        for path in sorted({key[0] for key in results}):
            before = normalised(results[(path, "original")], original)
            after = normalised(results[(path, "rewritten")], rewritten)
            if before == after == "ok":
                both_ok += 1
            elif before == after:
                shared[before] += 1
            else:
                new.append((path, before, after))
        print(f"  imports in both:                      {both_ok}")
        print(f"  fails in the original too (same error): {sum(shared.values())}")
        for message, count in shared.most_common(args.show):
            print(f"    {count:4}  {message[:140]}")
        print(f"  NEW failures (only after the rewrite, or a different error): {len(new)}")
        for path, before, after in new:
            print(f"    {path}\n      original:  {before[:200]}\n      rewritten: {after[:200]}")
        sys.exit(1 if unprocessed or compile_failures or new else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
