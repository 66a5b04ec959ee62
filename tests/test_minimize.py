"""`reprofix minimize` on a real PyTorch training script whose construction says which change its
runs need (samples/minimize_train.py: it seeds torch itself, but shuffles with a generator seeded
from the clock): exactly `shuffle=False` is kept, the patch holds only it and undoes with git,
revert gives back the original byte for byte, and a second minimize changes nothing."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES, require_framework, run_reprofix


def journal_free(patch: Path) -> bytes:
    return re.sub(rb"(?m)^# reprofix-run: \w+\n", b"", patch.read_bytes())


@pytest.mark.framework
def test_minimize_keeps_exactly_the_change_the_runs_need(tmp_path: Path):
    require_framework("torch")
    shutil.copy(SAMPLES / "minimize_train.py", tmp_path / "train.py")
    original = (tmp_path / "train.py").read_bytes()
    applied = run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    assert [line.split()[1] for line in applied.stdout.splitlines() if line.startswith("  train.py:")] == \
        ["PT001", "PT105", "PT201"]

    result = run_reprofix("minimize", "--", sys.executable, "train.py", cwd=tmp_path, check_code=0)
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Needed (1 of 3 change(s)):",
                         "  train.py:14  PT105  loader = DataLoader(data, batch_size=8, shuffle=False, num_workers=0,"]
    assert lines[2] == "Not needed (taken back out):"
    assert [line.split()[:2] for line in lines[3:5]] == [["train.py:11", "PT001"], ["train.py:16", "PT201"]]
    assert lines[5].startswith("reprofix: minimize: 1 of 3 change(s) kept after ")
    # what determinism costs: the time of a step (between the compared losses), then of a whole run
    assert re.search(r"; a step took \d+ ms with every change, \d+ ms with the kept ones \(a whole run to the "
                     r"compared steps: \d+\.\d s and \d+\.\d s\);", lines[5]), lines[5]
    assert "trial 1: 3 of 3 change(s)" in result.stderr and ": reproducible" in result.stderr

    assert (tmp_path / "train.py").read_bytes() == original.replace(b"shuffle=True", b"shuffle=False")
    subprocess.run(["git", "apply", "-R", "--check", "reprofix.patch"], cwd=tmp_path, check=True)
    verified = run_reprofix("verify", "--", sys.executable, "train.py", cwd=tmp_path, check_code=0)
    assert "verdict: reproducible" in verified.stdout

    patch = journal_free(tmp_path / "reprofix.patch")
    again = run_reprofix("minimize", "--json", "--", sys.executable, "train.py", cwd=tmp_path, check_code=0)
    data = json.loads(again.stdout)
    assert [(u["line"], u["rule"]) for u in data["needed"]] == [(14, "PT105")] and data["not_needed"] == []
    assert 0 < data["step_seconds_full"] < data["seconds_full"]
    assert journal_free(tmp_path / "reprofix.patch") == patch

    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_bytes() == original


@pytest.mark.framework
def test_ctrl_c_leaves_the_smallest_reproducible_set_found_applied(tmp_path: Path):
    """Ctrl-C while a trial runs: the search stops, the smallest set found reproducible so far (here:
    every change, the only one tried) is what stays applied, consistent with the patch, and it says so."""
    require_framework("torch")
    import os
    import signal

    shutil.copy(SAMPLES / "minimize_train.py", tmp_path / "train.py")
    original = (tmp_path / "train.py").read_bytes()
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    applied = (tmp_path / "train.py").read_bytes()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]), "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "codemod", "minimize", "--", sys.executable, "train.py"],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said = []
    for line in process.stderr:
        said.append(line)
        if line.startswith("reprofix: trial 1:"):
            break
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, (stdout, "".join(said) + stderr)
    assert "stopped early (interrupted by SIGINT): the smallest reproducible set found is kept" in stdout, stdout
    assert stdout.startswith("Needed (3 of 3 change(s)):")
    assert (tmp_path / "train.py").read_bytes() == applied
    assert "train.py: applied, unchanged since" in run_reprofix("status", cwd=tmp_path, check_code=1).stdout
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_bytes() == original


@pytest.mark.framework
def test_ctrl_c_while_a_trial_rewrites_the_files_finishes_the_rewrite_first(tmp_path: Path):
    """SIGINT right as trial 2 starts reverting trial 1's patch (the 11th write point: the journal
    marked `reverting`): the transition is finished, the search stops, and the files and the patch
    agree."""
    require_framework("torch")
    import os

    shutil.copy(SAMPLES / "minimize_train.py", tmp_path / "train.py")
    original = (tmp_path / "train.py").read_bytes()
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    applied = (tmp_path / "train.py").read_bytes()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]), "NO_COLOR": "1",
           "REPROFIX_CRASH_AT": "write:11", "REPROFIX_CRASH_SIGNAL": "INT"}
    result = subprocess.run([sys.executable, "-m", "codemod", "minimize", "--", sys.executable, "train.py"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 130, (result.stdout, result.stderr)
    assert "stopped early (interrupted by SIGINT)" in result.stdout and "internal error" not in result.stderr
    assert (tmp_path / "train.py").read_bytes() == applied
    assert "train.py: applied, unchanged since" in run_reprofix("status", cwd=tmp_path, check_code=1).stdout
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_bytes() == original


@pytest.mark.framework
def test_minimize_keeps_the_undo_command_of_a_patch_at_its_own_path(tmp_path: Path):
    """A patch apply wrote with --patch says how to undo it (`reprofix revert --patch ...`); the patch
    minimize writes in its place says the same, and that command undoes it."""
    require_framework("torch")
    (tmp_path / "train.py").write_text(
        "import random\n\nimport torch\n\nfor step in range(3):\n    print(f'step {step} loss: {random.random()}')\n")
    original = (tmp_path / "train.py").read_bytes()
    run_reprofix("apply", "--patch", "changes/seeds.patch", "train.py", cwd=tmp_path, check_code=0)
    first_line = (tmp_path / "changes" / "seeds.patch").read_text().splitlines()[0]
    assert first_line.endswith("Undo them with `reprofix revert --patch changes/seeds.patch`.")
    run_reprofix("minimize", "--patch", "changes/seeds.patch", "--", sys.executable, "train.py", cwd=tmp_path,
                 check_code=0)
    assert (tmp_path / "changes" / "seeds.patch").read_text().splitlines()[0] == first_line
    run_reprofix("revert", "--patch", "changes/seeds.patch", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_bytes() == original
