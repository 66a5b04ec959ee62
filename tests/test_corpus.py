"""Proof on code nobody here wrote: excerpts of twelve public training projects (tests/corpus/<name>/,
each with its licence, SOURCE.md naming the commit and EXPECT.md, a reading of every randomness source
on its training path and what the procedure asks for there).

For each project, as a user would: make its synthetic data, `reprofix apply` the entry (and the YAML
configuration it is run with), check that the sources EXPECT.md says must change are changed and those
it says must be reported are reported, under their rule and at their line, and that the lines it says
must not be touched (a validator that looks like a rate, a dropout layer handed to a function) are
not; then `reprofix verify` the project's own training command (two real runs must agree) and
`reprofix revert` (every file byte for byte). EXPECT.toml holds the checks, as data."""
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from unidiff import PatchSet

from conftest import ROOT, require_framework

CORPUS = Path(__file__).parent / "corpus"
PROJECTS = sorted(path.parent.name for path in CORPUS.glob("*/EXPECT.toml"))
TIMEOUT = 600  # seconds for one command: mindyolo's two runs take about a minute


def reprofix(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "codemod", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=TIMEOUT)


def report(text: str) -> dict[str, set[str]]:
    """apply's report as {section: {"path:line RULE", ...}}."""
    sections: dict[str, set[str]] = {}
    current = None
    for line in text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            current = sections.setdefault(line[:-1], set())
        elif line.startswith("  ") and current is not None and not line.startswith("    "):
            where, rule = line.split()[:2]
            path, number, _column = where.rsplit(":", 2)
            current.add(f"{path}:{number} {rule}")
    return sections


def removed_lines(patch: Path) -> set[str]:
    """Every "path:line" of an original line the patch changes or removes."""
    return {f"{file.path}:{line.source_line_no}" for file in PatchSet(patch.read_text(encoding="utf-8"))
            for hunk in file for line in hunk if line.is_removed}


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.mark.framework
@pytest.mark.parametrize("name", PROJECTS)
def test_real_project_is_rewritten_runs_reproducibly_and_comes_back(name: str, tmp_path: Path):
    expect = tomllib.loads((CORPUS / name / "EXPECT.toml").read_text(encoding="utf-8"))
    for module in expect["frameworks"]:
        require_framework(module)
    project = tmp_path / name
    shutil.copytree(CORPUS / name, project)
    env = {**os.environ, "NO_COLOR": "1", "GLOG_v": "3", "MPLBACKEND": "Agg", "HOME": str(tmp_path),
           **expect.get("env", {})}
    # the checkout's codemod (installed, it is reprofix.codemod), after the project's own folders
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (expect.get("env", {}).get("PYTHONPATH"), str(ROOT))))
    python = str(Path(sys.executable))
    workdir = project / expect.get("cwd", ".")
    if "setup" in expect:
        subprocess.run(expect["setup"].format(python=python), shell=True, cwd=project, env=env, check=True,
                       capture_output=True, timeout=TIMEOUT)
    before = snapshot(project)

    applied = reprofix("apply", *expect["apply"], cwd=project, env=env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert f": {expect['summary']}; patch:" in applied.stdout, applied.stdout
    found = report(applied.stdout)
    assert set(expect["changed"]) - found.get("Changed", set()) == set(), applied.stdout
    assert set(expect.get("reported", [])) - found.get("Needs you", set()) == set(), applied.stdout
    assert set(expect.get("untouched", [])) & removed_lines(project / "reprofix.patch") == set()

    if "run" in expect:
        command = expect["run"].format(python=python)
        verified = reprofix("verify", *expect.get("verify", []), "--", "bash", "-c", command, cwd=workdir, env=env)
        assert verified.returncode == 0 and "verdict: reproducible" in verified.stdout, (
            verified.stdout + verified.stderr)

    reverted = reprofix("revert", cwd=project, env=env)
    assert reverted.returncode == 0, reverted.stdout + reverted.stderr
    after = snapshot(project)
    assert {path: after.get(path) for path in before} == before
