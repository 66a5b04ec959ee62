"""Save what reprofix prints on real corpora, to compare two versions of the code byte for byte.

    python bench/identity.py save OUT [--code ROOT] [--corpus NAME=DIR ...] [--jobs N]
    python bench/identity.py compare OUT_A OUT_B

`save` copies each corpus (its .py files) to a temporary folder and runs, with the code at ROOT
(default: this checkout), `apply --dry-run`, `scan --json`, `scan` and `scan --leftovers` (text and
JSON) on it; then it applies for real on the copy and runs `scan --leftovers` again (the markers are
there now). Each command's stdout, stderr and exit status go to OUT/NAME/. The default corpora are
the model-zoo sample (`../shared/corpora/model-zoo-sample.tar.gz`), this project's samples and the
installed mindspore package. `compare` prints every file that differs and exits 1 if any does: a
speed change must leave every byte as it was.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from corpora import default_corpora, unpack  # noqa: E402

COMMANDS = {
    "apply-dry-run": ["apply", "--dry-run", "corpus"],
    "scan-json": ["scan", "--json", "corpus"],
    "scan": ["scan", "corpus"],
    "leftovers": ["scan", "--leftovers", "corpus"],
    "leftovers-json": ["scan", "--leftovers", "--json", "corpus"],
}
AFTER_APPLY = {
    "applied-leftovers": ["scan", "--leftovers", "corpus"],
    "applied-leftovers-json": ["scan", "--leftovers", "--json", "corpus"],
    "applied-scan-json": ["scan", "--json", "corpus"],
}


def run(code: Path, work: Path, args: list[str], jobs: int, out: Path, name: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(code), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "codemod", *args[:1], f"-j{jobs}", *args[1:]], cwd=work,
                            env=env, capture_output=True)
    (out / f"{name}.stdout").write_bytes(result.stdout)
    (out / f"{name}.stderr").write_bytes(result.stderr)
    (out / f"{name}.rc").write_text(f"{result.returncode}\n")


def save(out: Path, code: Path, corpora: dict[str, Path], jobs: int) -> None:
    for name, source in corpora.items():
        target = out / name
        target.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="reprofix-identity-"))
        try:
            unpack(source, work / "corpus")
            for label, args in COMMANDS.items():
                run(code, work, args, jobs, target, label)
            run(code, work, ["apply", "corpus"], jobs, target, "apply")
            for label, args in AFTER_APPLY.items():
                run(code, work, args, jobs, target, label)
            print(f"{name}: saved to {target}")
        finally:
            shutil.rmtree(work, ignore_errors=True)


def compare(a: Path, b: Path) -> int:
    differ = 0
    for left in sorted(a.rglob("*")):
        if left.is_dir():
            continue
        right = b / left.relative_to(a)
        if not right.exists() or not filecmp.cmp(left, right, shallow=False):
            print(f"differs: {left.relative_to(a)}")
            differ += 1
    print(f"{differ} file(s) differ" if differ else "identical")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    saving = sub.add_parser("save")
    saving.add_argument("out", type=Path)
    saving.add_argument("--code", type=Path, default=ROOT, help="the checkout whose reprofix runs")
    saving.add_argument("--corpus", action="append", default=[], metavar="NAME=DIR")
    saving.add_argument("--jobs", type=int, default=2)
    comparing = sub.add_parser("compare")
    comparing.add_argument("a", type=Path)
    comparing.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "compare":
        return compare(args.a, args.b)
    corpora = dict(c.split("=", 1) for c in args.corpus) if args.corpus else default_corpora(with_samples=True)
    save(args.out, args.code.resolve(), {k: Path(v) for k, v in corpora.items()}, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
