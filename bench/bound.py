"""How far can choosing fewer statements take a dry run? (Not a test: run it, read it.)

    python bench/bound.py [--corpus DIR_OR_TAR_GZ] [--ratio R]

The fast path parses the statements a rule *can* touch, what flows from them and what they depend on
(`transforms.parse.partial`). An oracle that knew the result in advance would parse far less: only the
statements the rewrite changes or reports on, every import, and the lines of the blocks around them.
No sound choice can keep less, but for the imports no rule needs (2.6% of the zoo's parsed bytes,
measured). This script measures, in one process, the CPU of each part of a dry run per file with
today's pieces and with the oracle's, and prints what share of today's CPU the oracle would leave.
The parts no choice of statements changes (the text pre-pass over every file, cutting files into
statements and choosing, the compile of every changed file) are measured once.

A dry run on two processes is bound by its CPU, so `--ratio R` (the dry run's ratio against
libcst's CLI, from `make bench`) prints the most the oracle's choice could give: R divided by that
share, generously (the run's fixed costs, its start-up and the walk, are divided too).

The corpus defaults to the model-zoo sample (see bench/corpora.py); files with a `__main__` guard
count as entry scripts.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from codemod import discover, engine  # noqa: E402
from corpora import ZOO, unpack  # noqa: E402
from transforms import pipeline  # noqa: E402
from transforms.options import Options  # noqa: E402
from transforms.parse import partial  # noqa: E402
from transforms.rule import SourceError  # noqa: E402


class Clock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def run(self, part: str, call, *args):
        start = time.perf_counter()
        try:
            return call(*args)
        finally:
            self.seconds[part] = self.seconds.get(part, 0.0) + time.perf_counter() - start


def touched_lines(source: bytes, result) -> set[int]:
    """0-based lines of `source` the rewrite changes (an insertion: the line it goes before) or reports on."""
    lines = {finding.line - 1 for finding in result.findings}
    old, new = source.split(b"\n"), result.code.split(b"\n")
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            lines.update(range(i1, max(i2, i1 + 1)))
    return lines


def oracle(source: bytes, touched: set[int]) -> partial.Skeleton | None:
    """The skeleton of only the statements holding a touched line or an import, with their blocks' lines."""
    chunks = partial.split(source)
    if not chunks:
        return None
    kept = {i for i, chunk in enumerate(chunks)
            if chunk.has_import or any(chunk.start <= line < chunk.end for line in touched)}
    kept.add(partial._first_indented(chunks))
    kept = partial._Scopes(chunks).enclosed(kept)
    lines = source.split(b"\n")
    return partial._build(lines, chunks, kept, partial._header(lines, chunks[0].start))


def rewrite_pieces(source: bytes, options: Options, script: bool, pieces: partial.Skeleton | None) -> None:
    """Parse to render, as `pipeline.rewrite` does after choosing (None: the whole file)."""
    try:
        module = engine.guarded_parse(pieces.code if pieces else source)
        pipeline._rewrite(module, source, options, script, pieces, {})
    except (SourceError, pipeline._Unrestorable, RecursionError):
        pass  # (the oracle's skeleton may not restore: only its time counts)


def measure(files: list[Path]) -> tuple[Clock, dict[str, int]]:
    options = Options()
    clock = Clock()
    counts = {"files": len(files), "parsed": 0, "today": 0, "oracle": 0}
    for path in files:
        clock.run("text pre-pass of every file", engine._learn, (str(path), 10**9))
        source = path.read_bytes()
        script = discover.has_main_guard(source)
        skip, pieces = clock.run("cutting into statements, choosing", pipeline._plan_parse, source, options, script)
        if skip:
            continue
        try:
            result = pipeline.rewrite(source, options, script=script, parse=engine.guarded_parse)
        except (SourceError, RecursionError):
            continue
        counts["parsed"] += 1
        clock.run("parse to render, today's pieces", rewrite_pieces, source, options, script, pieces)
        counts["today"] += len(pieces.code if pieces else source)
        chosen = oracle(source, touched_lines(source, result)) or pieces
        clock.run("parse to render, the oracle's pieces", rewrite_pieces, source, options, script, chosen)
        counts["oracle"] += len(chosen.code if chosen else source)
        if result.code != source:
            clock.run("compile of each changed file", compile, result.code, str(path), "exec", 0, True)
    return clock, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ZOO)
    parser.add_argument("--ratio", type=float, help="today's dry-run ratio against libcst's CLI")
    args = parser.parse_args()
    sys.setrecursionlimit(10000)
    gc.set_threshold(*engine._GC_THRESHOLD)
    work = Path(tempfile.mkdtemp(prefix="reprofix-bound-"))
    try:
        clock, counts = measure(unpack(args.corpus, work / "corpus"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = clock.seconds
    today_part, oracle_part = "parse to render, today's pieces", "parse to render, the oracle's pieces"
    fixed = sum(s for part, s in seconds.items() if part not in (today_part, oracle_part))
    today, best = fixed + seconds[today_part], fixed + seconds[oracle_part]
    print(f"{args.corpus.name}: {counts['parsed']} of {counts['files']} files parsed; CPU of one process")
    for part, s in seconds.items():
        size = {today_part: counts["today"], oracle_part: counts["oracle"]}.get(part)
        print(f"  {part:40s} {s:6.2f} s" + (f"  ({size // 1024} KiB to libcst)" if size is not None else ""))
    share = best / today
    print(f"in all: today {today:.2f} s, with the oracle's pieces {best:.2f} s: {share:.0%} of today's CPU")
    if args.ratio:
        print(f"a dry run {args.ratio:g}x faster than libcst's CLI today: at most {args.ratio / share:.1f}x "
              "with the oracle's choice of statements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
