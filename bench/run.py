"""Benchmark reprofix on real corpora (not a timed test: run it, read the figures).

    python bench/run.py [--corpus DIR_OR_TAR_GZ ...] [--jobs N] [--repeat N] [--skip-libcst]

The corpora default to the training-code corpus (the model-zoo sample,
`../shared/corpora/model-zoo-sample.tar.gz`) and the library corpus (every .py file of the installed
`mindspore` package), each copied to a temporary folder (see bench/corpora.py). For each, in one run
and with the same number of processes:

1. `reprofix apply --dry-run`, `reprofix scan` and `reprofix scan --leftovers`, end to end (start-up
   included), against libcst's own codemod CLI with its no-op command on the same files
   (`python -m libcst.tool codemod noop.NOOPCommand --no-format ...`) and, for `--leftovers`, against
   `grep -r` for the same markers;
2. what reprofix parsed: the files the text check let through, how many of them in pieces, and the
   bytes handed to libcst against the bytes of those files.

With `--repeat N` each command runs N times, in turns, and its best time counts (the machine's noise
only ever adds time; libcst's CLI gets the same treatment).

Targets (issue 13): the dry run and the scan at least 10x faster than libcst's codemod CLI on training
code; `scan --leftovers` within 2x of `grep -r`. Whether the fast path finds exactly what the whole-file
path finds is `bench/fastpath.py` (`make bench` runs both).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from corpora import default_corpora, unpack  # noqa: E402


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    # `python -m codemod` from this checkout (installed, reprofix is `reprofix.codemod`)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    return time.perf_counter() - start, result


def best(runs: list[tuple[float, subprocess.CompletedProcess]]) -> tuple[float, subprocess.CompletedProcess]:
    return min(runs, key=lambda run: run[0])


def last_line(text: str) -> str:
    return (text.strip().splitlines() or ["?"])[-1]


def verdict(ratio: float, target: float, higher: bool = True) -> str:
    met = ratio >= target if higher else ratio <= target
    return "met" if met else "NOT met"


def bench(name: str, source: Path, jobs: int, skip_libcst: bool, repeat: int = 1) -> None:
    work = Path(tempfile.mkdtemp(prefix="reprofix-bench-"))
    try:
        files = unpack(source, work / "corpus")
        size = sum(f.stat().st_size for f in files)
        print(f"== {name}: {source} -> {len(files)} .py files, {size // 1024} KiB; {jobs} process(es)"
              + (f"; best of {repeat} runs each" if repeat > 1 else ""))
        reprofix = [sys.executable, "-m", "codemod"]
        libcst = [sys.executable, "-m", "libcst.tool", "codemod", "noop.NOOPCommand", "--no-format",
                  "-u", "0", "--include-generated", "--hide-progress", "-j", str(jobs), "corpus"]
        commands = {"dry": reprofix + ["apply", "--dry-run", f"-j{jobs}", "corpus"],
                    "scan": reprofix + ["scan", f"-j{jobs}", "corpus"],
                    "left": reprofix + ["scan", "--leftovers", "corpus"],
                    **({} if skip_libcst else {"libcst": libcst})}
        runs: dict[str, list] = {key: [] for key in commands}
        for _ in range(repeat):  # in turns, so that a slow spell of the machine hits every command
            for key, command in commands.items():
                runs[key].append(timed(command, work))
        (t_dry, r_dry), (t_scan, _), (t_left, r_left) = best(runs["dry"]), best(runs["scan"]), best(runs["left"])
        grep = ["grep", "-rF", "--include=*.py", "-e", "# >>> reprofix: ", "-e", "# [reprofix ", "corpus"]
        t_grep = min(timed(grep, work)[0] for _ in range(3))
        print(f"  reprofix apply --dry-run  {t_dry:7.2f} s   ({last_line(r_dry.stdout)})")
        print(f"  reprofix scan             {t_scan:7.2f} s")
        print(f"  reprofix scan --leftovers {t_left:7.3f} s   ({last_line(r_left.stdout)})")
        print(f"  grep -r (the same markers){t_grep:7.3f} s")
        print(f"  python start-up alone     {min(timed([sys.executable, '-c', 'pass'], work)[0] for _ in range(3)):7.3f} s")
        parsed(files)
        if not skip_libcst:
            t_libcst = best(runs["libcst"])[0]
            print(f"  libcst codemod (no-op)    {t_libcst:7.2f} s")
            print(f"  dry run vs libcst: {t_libcst / t_dry:5.1f}x faster (target >= 10x: {verdict(t_libcst / t_dry, 10)})")
            print(f"  scan vs libcst:    {t_libcst / t_scan:5.1f}x faster (target >= 10x: {verdict(t_libcst / t_scan, 10)})")
        print(f"  leftovers vs grep: {t_left / t_grep:5.1f}x grep's time (target <= 2x: {verdict(t_left / t_grep, 2, False)})")
        print()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def parsed(files: list[Path]) -> None:
    """What reprofix hands to libcst, each file in the role the engine gives it (an entry script when
    it has a `__main__` guard; the import graph is not followed here)."""
    import transforms
    from codemod import discover

    options = transforms.Options()
    count = pieces = whole_bytes = parsed_bytes = 0
    for path in files:
        data = path.read_bytes()
        text = transforms.parsed_text(data, options, script=discover.has_main_guard(data))
        if text is None:
            continue
        count += 1
        pieces += text != data
        whole_bytes += len(data)
        parsed_bytes += len(text)
    print(f"  parsed: {count} of {len(files)} files ({pieces} in pieces); {parsed_bytes // 1024} KiB handed to "
          f"libcst of those files' {whole_bytes // 1024} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", help="a folder or .tar.gz of .py files (repeatable)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for both tools")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command, in turns; the best counts")
    parser.add_argument("--skip-libcst", action="store_true", help="do not run libcst's codemod CLI (slow)")
    args = parser.parse_args()
    corpora = {path.name: path for path in args.corpus} if args.corpus else default_corpora()
    if not corpora:
        sys.exit("bench: no corpus found; pass --corpus DIR")
    if shutil.which("grep") is None:
        sys.exit("bench: grep is needed to compare scan --leftovers with it")
    for name, source in corpora.items():
        bench(name, source, args.jobs, args.skip_libcst, max(1, args.repeat))


if __name__ == "__main__":
    main()
