"""Is the fast path sound on a real corpus? Every file is rewritten twice, as an entry script and as
a module: once the way reprofix runs (the text check, then only the statements a rule can touch
parsed) and once parsed whole with every rule run over it, the text check off. The code, the findings
and the frameworks must be the same, byte for byte. (Slow: it parses everything; not a timed test.)

    python bench/fastpath.py [CORPUS ...]     (default: the model-zoo sample and mindspore)

A corpus is a folder or a .tar.gz (see bench/corpora.py). Where the whole file cannot be parsed and
the fast path gives a result, that is allowed (what no rule can touch is not parsed, so its syntax
errors are not reported); everything else must agree. Prints each difference, then per corpus the
files compared and the bytes each path handed to libcst, and exits 1 on any difference.
`tests/test_partial.py` runs the same comparison on a sample of the model zoo.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import transforms  # noqa: E402
from codemod.engine import guarded_parse  # noqa: E402
from corpora import default_corpora, unpack  # noqa: E402

WHOLE = 10**12  # min_piece_bytes that no file reaches: parsed whole


def run(source: bytes, script: bool, fast: bool, parsed: list[int]):
    """(code, findings, frameworks) or the SourceError's message; `parsed` gets the bytes handed to libcst."""
    def parse(code: bytes):
        parsed.append(len(code))
        return guarded_parse(code)

    try:
        if fast:
            result = transforms.rewrite(source, script=script, parse=parse)
        else:
            result = transforms.rewrite(source, script=script, parse=parse, text_check=False, min_piece_bytes=WHOLE)
    except transforms.SourceError as error:
        return error.message
    except RecursionError:
        return "nested too deeply"
    return result.code, result.findings, result.frameworks


def difference(source: bytes, script: bool, sizes: dict[str, list[int]] | None = None) -> str | None:
    """How the fast path differs from the whole-file path on `source`, or None."""
    fast_sizes: list[int] = []
    whole_sizes: list[int] = []
    whole = run(source, script, False, whole_sizes)
    fast = run(source, script, True, fast_sizes)
    if sizes is not None:
        sizes["fast"] += fast_sizes[-1:]
        sizes["whole"] += whole_sizes[-1:]
    if isinstance(whole, str):
        return None if not isinstance(fast, str) or fast == whole else f"error {fast!r}, whole: {whole!r}"
    if isinstance(fast, str):
        return f"error {fast!r}, whole file: no error"
    if fast[0] != whole[0]:
        return "the code differs"
    if fast[1] != whole[1]:
        return f"findings {_short(fast[1])}, whole file {_short(whole[1])}"
    if fast_sizes and fast[2] != whole[2]:  # a file the text check skips seeds nothing anyway
        return f"frameworks {fast[2]}, whole file {whole[2]}"
    return None


def _short(findings) -> list[str]:
    return [f"{f.line}:{f.col} {f.rule}" for f in findings]


def check(files: list[Path], root: Path) -> tuple[int, int, int]:
    """(differences, bytes parsed by the fast path, bytes parsed whole), printing each difference."""
    sys.setrecursionlimit(10000)
    differ = 0
    sizes: dict[str, list[int]] = {"fast": [], "whole": []}
    for path in files:
        source = path.read_bytes()
        for script in (False, True):
            problem = difference(source, script, sizes)
            if problem:
                differ += 1
                print(f"  {path.relative_to(root)} ({'entry script' if script else 'module'}): {problem}")
    return differ, sum(sizes["fast"]), sum(sizes["whole"])


def main() -> int:
    corpora = {Path(a).name: Path(a) for a in sys.argv[1:]} or default_corpora()
    failed = 0
    for name, source in corpora.items():
        work = Path(tempfile.mkdtemp(prefix="reprofix-fastpath-"))
        try:
            files = unpack(source, work / "corpus")
            differ, fast, whole = check(files, work / "corpus")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(f"{name}: {len(files)} files, each as a module and as an entry script: {differ} difference(s) "
              f"(must be 0); parsed {fast // 1024} KiB fast, {whole // 1024} KiB whole")
        failed += differ
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
