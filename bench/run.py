"""Benchmark reprofix on a real corpus (not a timed test: run it, read the figures).

    python bench/run.py [--corpus DIR] [--jobs N] [--skip-libcst]

The corpus defaults to every .py file of the installed `mindspore` package (about 2,100 files),
copied to a temporary folder. In one run it measures, with the same number of processes:

1. `reprofix apply --dry-run CORPUS` and `reprofix scan CORPUS`, end to end (start-up included);
2. libcst's own codemod CLI with its no-op command on the same files
   (`python -m libcst.tool codemod noop.NOOPCommand --no-format -u 0 --include-generated`);
3. per file, in one process: reprofix's rewrite of each file it had to parse (those that pass its
   cheap text check) against bare libcst parse + render of the same files; reprofix is timed as it
   runs (large files parsed in pieces) and with every file parsed whole.

Targets (issue 3): the dry run at least 10x faster than libcst's codemod CLI, and reprofix's cost
per parsed file no more than 1.3x bare parse + render.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def default_corpus() -> Path:
    spec = importlib.util.find_spec("mindspore")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("bench: mindspore is not installed; pass --corpus DIR")
    return Path(list(spec.submodule_search_locations)[0])


def _only_python(folder: str, names: list[str]) -> list[str]:
    """copytree filter: keep folders and .py files only."""
    return [n for n in names if not n.endswith(".py") and not os.path.isdir(os.path.join(folder, n)) or n == "__pycache__"]


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="folder of .py files (default: mindspore)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for both tools")
    parser.add_argument("--skip-libcst", action="store_true", help="do not run libcst's codemod CLI (slow)")
    args = parser.parse_args()
    sys.setrecursionlimit(10000)

    import libcst as cst

    import transforms
    from codemod import discover
    from codemod.engine import rewrite_source

    source = args.corpus or default_corpus()
    work = Path(tempfile.mkdtemp(prefix="reprofix-bench-"))
    try:
        corpus = work / "corpus"
        shutil.copytree(source, corpus, ignore=_only_python)
        files = sorted(corpus.rglob("*.py"))
        print(f"corpus: {source} -> {len(files)} .py files, {sum(f.stat().st_size for f in files) // 1024} KiB")
        print(f"processes: {args.jobs}, python {sys.version.split()[0]}, libcst {cst.__version__ if hasattr(cst, '__version__') else ''}")
        print()

        reprofix = [sys.executable, "-m", "codemod"]
        env_cmd = {"cwd": work}
        t_apply, r_apply = timed(reprofix + ["apply", "--dry-run", f"-j{args.jobs}", "corpus"], **env_cmd)
        t_scan, r_scan = timed(reprofix + ["scan", f"-j{args.jobs}", "corpus"], **env_cmd)
        summary = (r_apply.stdout.strip().splitlines() or ["?"])[-1]
        print(f"reprofix apply --dry-run: {t_apply:7.2f} s  {len(files) / t_apply:7.0f} files/s   ({summary})")
        print(f"reprofix scan:            {t_scan:7.2f} s  {len(files) / t_scan:7.0f} files/s")

        t_libcst = None
        if not args.skip_libcst:
            command = [sys.executable, "-m", "libcst.tool", "codemod", "noop.NOOPCommand", "--no-format",
                       "-u", "0", "--include-generated", "--hide-progress", "-j", str(args.jobs), "corpus"]
            t_libcst, r_libcst = timed(command, **env_cmd)
            tail = (r_libcst.stderr.strip().splitlines() or ["?"])[-4:]
            print(f"libcst codemod (no-op):   {t_libcst:7.2f} s  {len(files) / t_libcst:7.0f} files/s   "
                  f"({'; '.join(line.strip(' -') for line in tail)})")

        # Per parsed file, one process: reprofix's whole rewrite against bare parse + render.
        options = transforms.Options()
        parsed = [f.read_bytes() for f in files]
        parsed = [d for d in parsed if transforms.might_need_rewrite(d, options, script=discover.has_main_guard(d))]
        start = time.perf_counter()
        failures = 0
        for data in parsed:
            try:
                rewrite_source(data, options, script=discover.has_main_guard(data))
            except Exception:
                failures += 1
        t_reprofix_files = time.perf_counter() - start
        start = time.perf_counter()
        for data in parsed:
            try:
                cst.parse_module(data).bytes
            except Exception:
                pass
        t_bare = time.perf_counter() - start
        # The same files parsed whole (no pieces): the cost of the rewrite machinery itself.
        start = time.perf_counter()
        for data in parsed:
            try:
                transforms.rewrite(data, options, script=discover.has_main_guard(data), min_piece_bytes=10**12)
            except Exception:
                pass
        t_whole = time.perf_counter() - start
        texts = [transforms.parsed_text(d, options, script=discover.has_main_guard(d)) for d in parsed]
        in_pieces = sum(1 for d, t in zip(parsed, texts) if t is not None and t != d)
        print()
        print(f"files reprofix parsed:    {len(parsed)} of {len(files)} ({len(files) - len(parsed)} skipped by the text check, {failures} unparsable)")
        print(f"  of which in pieces:     {in_pieces}; bytes handed to libcst: {sum(len(t or b'') for t in texts) // 1024} KiB "
              f"of {sum(map(len, parsed)) // 1024} KiB")
        print(f"reprofix per parsed file: {1000 * t_reprofix_files / len(parsed):7.2f} ms  (whole files, no pieces: "
              f"{1000 * t_whole / len(parsed):.2f} ms)")
        print(f"libcst parse + render:    {1000 * t_bare / len(parsed):7.2f} ms")
        print()
        ratio = t_reprofix_files / t_bare
        print(f"per-file cost vs bare parse+render: {ratio:.2f}x, whole files {t_whole / t_bare:.2f}x  "
              f"(target <= 1.3x: {'met' if max(ratio, t_whole / t_bare) <= 1.3 else 'NOT met'})")
        if t_libcst is not None:
            speedup = t_libcst / t_apply
            print(f"dry run vs libcst codemod CLI:     {speedup:.1f}x faster  (target >= 10x: {'met' if speedup >= 10 else 'NOT met'})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
