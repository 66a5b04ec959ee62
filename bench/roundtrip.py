"""Apply then revert over every .py file of an installed package; the tree must come back byte for byte.

    python bench/roundtrip.py [PACKAGE]        (default: mindspore)

The test suite runs the same check on a sample (REPROFIX_CORPUS_FILES, default 300 files); this
script runs it on all of them.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    package = sys.argv[1] if len(sys.argv) > 1 else "mindspore"
    env = {**os.environ, "REPROFIX_CORPUS_FILES": "0", "REPROFIX_CORPUS_PACKAGE": package}
    sys.exit(subprocess.call(
        [sys.executable, "-m", "pytest", "-q", "-s", str(ROOT / "tests" / "test_properties.py"),
         "-k", "real_corpus"], cwd=ROOT, env=env))
