"""Is the text check sound on a real corpus? Every file it lets skip is parsed anyway and run through
every rule: none may have a finding. (Slow: it parses everything; not a timed test.)

    python bench/textcheck.py [PACKAGE ...]      (default: mindspore torch keras paddle)

Prints, per package, how many files the check skipped and how many of those the rules would have
touched (must be 0), then exits 1 if any.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import transforms  # noqa: E402
from transforms.tables import textrules  # noqa: E402

TEXT_RULES = {rule.id for rule in textrules.RULES}  # they need no parse, and run on every file


def main() -> int:
    # complexity: a script: its steps in order, each printed
    sys.setrecursionlimit(10000)
    packages = sys.argv[1:] or ["mindspore", "torch", "keras", "paddle"]
    options = transforms.Options()
    missed = 0
    for package in packages:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            print(f"{package}: not installed, skipped")
            continue
        root = Path(list(spec.submodule_search_locations)[0])
        skipped = wrong = 0
        for path in sorted(root.rglob("*.py")):
            source = path.read_bytes()
            if transforms.might_need_rewrite(source, options, script=False):
                continue
            skipped += 1
            try:
                findings = transforms.rewrite(source, options, script=False, text_check=False).findings
            except Exception:
                continue  # not parsable by libcst: nothing to compare
            findings = [f for f in findings if f.rule not in TEXT_RULES]
            if findings:
                wrong += 1
                print(f"  {path.relative_to(root)}: skipped, but {[(f.rule, f.line) for f in findings]}")
        print(f"{package}: {skipped} file(s) skipped by the text check, {wrong} with findings (must be 0)")
        missed += wrong
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
