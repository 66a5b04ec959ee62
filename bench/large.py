"""How the cost of one large file grows (issue 25): generated files of 2,000 to 8,000 rule-touched
statements in one scope (8,000: under the parse bound of 100,000 syntax-tree nodes), in three shapes, each rewritten by `reprofix apply --dry-run` in a fresh
process; CPU seconds and peak memory, and the growth factor per doubling (1.0 linear, 2.0 quadratic).
Then files too large to parse safely (4.9 MB and 11 MB of such statements): refused early, and how
long the refusal takes. Not a test: speed is measured here, never asserted.

    python bench/large.py
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAD = "import random\nimport torch\nfrom torch import nn\n"
SHAPES = {
    "functions": lambda n: "".join(f"def f{i}(x):\n    return nn.Dropout(p=0.5)(x)\n" for i in range(n)),
    "layers": lambda n: "".join(f"d{i} = nn.Dropout(p=0.5)\n" for i in range(n)),
    "draws and uses": lambda n: "".join(f"x{i} = random.random()\n" for i in range(n))
    + "".join(f"y{i} = x{i} + x{(i + 1) % n}\n" for i in range(n)),
}


def measure(path: Path) -> tuple[float, float, str]:
    """(CPU seconds, peak MB, the last line it printed) of one dry run, in a fresh process (its own
    resource usage, from wait4)."""
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen([sys.executable, "-m", "codemod", "apply", "--dry-run", "--no-follow", "-j", "1",
                                    path.name], cwd=path.parent, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"})
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0  # reaped above
        output.seek(0)
        lines = output.read().decode(errors="replace").strip().splitlines()
    said = [line for line in lines if path.name in line] or lines or [""]
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, said[-1]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.py"
        empty.write_text(HEAD + "d = nn.Dropout(p=0.5)\n")
        base = min(measure(empty)[0] for _ in range(3))  # starting Python and the engine, not the file's cost
        print(f"(start-up: {base:.2f} s CPU, taken off each time below; best of 2 runs)")
        for shape, body in SHAPES.items():
            previous = None
            for n in (2000, 4000, 8000):
                path = Path(folder) / f"{shape.replace(' ', '_')}_{n}.py"
                path.write_text(HEAD + body(n))
                runs = [measure(path) for _ in range(2)]
                cpu, peak = min(run[0] for run in runs) - base, max(run[1] for run in runs)
                growth = f"growth {cpu / previous / 2:.2f} per doubling" if previous else ""
                print(f"{shape:15} {n:6} statements {path.stat().st_size / 1e6:5.2f} MB  {cpu:6.2f} s CPU  "
                      f"{peak:6.0f} MB peak  {growth}")
                previous = cpu
        for megabytes in (4.9, 11):
            path = Path(folder) / f"big_{megabytes}.py"
            line = "d = nn.Dropout(p=0.5)\n"
            path.write_text(HEAD + line * int(megabytes * 1e6 / len(line)))
            cpu, peak, last = measure(path)
            print(f"{megabytes:5} MB file: {cpu:.2f} s CPU, {peak:.0f} MB peak: {last[:110]}")


if __name__ == "__main__":
    main()
