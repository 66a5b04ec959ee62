"""`reprofix apply --keep-randomness` on a real PyTorch training with shuffling, dropout and an
augmentation drawing from torch, NumPy and `random` in two DataLoader workers: the seed block and a
seeded generator for the loader, nothing taken out; two runs agree, and their losses differ from a
plain apply's (the randomness still acts)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES, require_framework, run_reprofix


def losses(folder: Path, env: dict | None = None) -> list:
    result = run_reprofix("verify", "--json", "--steps", "3", "--", sys.executable, "train.py", cwd=folder,
                          check_code=0, env=env)
    data = json.loads(result.stdout)
    assert data["verdict"] == "reproducible", data
    first, second = (run["losses"][:3] for run in data["runs"])
    assert first == second
    return first


@pytest.mark.framework
def test_keep_randomness_makes_runs_agree_and_keeps_the_randomness(tmp_path: Path):
    require_framework("torch")
    shutil.copy(SAMPLES / "keep_randomness_train.py", tmp_path / "train.py")
    original = (tmp_path / "train.py").read_bytes()
    result = run_reprofix("apply", "--keep-randomness", "train.py", cwd=tmp_path, check_code=0)
    assert [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  train.py:")] == \
        ["PT001", "PT112", "PT113"]
    rewritten = (tmp_path / "train.py").read_bytes()
    assert b"shuffle=True, num_workers=2, generator=torch.Generator().manual_seed(1), worker_init_fn=_reprofix_seed_worker)" in rewritten
    assert b"nn.Dropout(p=0.5)" in rewritten
    kept = losses(tmp_path)

    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_bytes() == original
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    assert b"shuffle=False" in (tmp_path / "train.py").read_bytes()
    plain = losses(tmp_path)
    assert kept != plain, "with --keep-randomness the shuffling, dropout and augmentation still act"
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_bytes() == original


@pytest.mark.framework
def test_keep_randomness_on_mindspore_keeps_its_random_ops_and_seeds_them(tmp_path: Path):
    """The MindSpore sample: random crops and flips, a shuffle, a RandomSampler, three dropout
    operators and a StandardNormal noise op all stay; the dataset is seeded, the pipeline runs one
    worker, and the dropout primitives get seeds. Two runs agree; a plain apply's losses differ."""
    require_framework("mindspore")
    shutil.copy(SAMPLES / "mindspore_train.py", tmp_path / "train.py")
    original = (tmp_path / "train.py").read_bytes()
    env = {"GLOG_v": "3"}
    result = run_reprofix("apply", "--keep-randomness", "train.py", cwd=tmp_path, check_code=0)
    rules = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  train.py:")]
    assert sorted(set(rules)) == ["MS001", "MS108", "MS204", "MS209", "MS304", "MS305"], result.stdout
    rewritten = (tmp_path / "train.py").read_bytes()
    for kept in (b"vision.RandomCrop(24, padding=2)", b"data.shuffle(buffer_size=64)", b"nn.Dropout(p=0.3)",
                 b"ds.RandomSampler(num_samples=16)"):
        assert kept in rewritten, kept
    assert b"mindspore.dataset.config.set_seed(1)" in rewritten
    kept_losses = losses(tmp_path, env)
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    assert kept_losses != losses(tmp_path, env)
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_bytes() == original


WORKERS = '''\
import json
import os
import sys

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

TAG = 0


def tag_worker(worker_id):
    """The project's own worker_init_fn: it must still run once reprofix wraps it."""
    global TAG
    TAG = 100 * (worker_id + 1)


class Draws(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, index):
        return torch.tensor([float(np.random.rand()), float(TAG)])


if __name__ == "__main__":
    context = sys.argv[1] if len(sys.argv) > 1 else None
    loader = DataLoader(Draws(), batch_size=1, num_workers=2, worker_init_fn=tag_worker,
                        multiprocessing_context=context)
    print(json.dumps({"rank": os.environ.get("RANK", "0"), "rows": [batch[0].tolist() for batch in loader]}))
'''


# a torchrun launch of 2 ranks with 2 workers each starts 6 processes that import torch (spawned
# workers too): tens of seconds alone, minutes on a loaded machine
LAUNCH_TIMEOUT = 300


def _draws(folder: Path, *args: str, env: dict | None = None) -> list[dict]:
    """Each process's rows: [NumPy draw, the tag its worker_init_fn set], item by item (worker 0
    loads items 0 and 2, worker 1 items 1 and 3)."""
    result = subprocess.run([sys.executable, *args], cwd=folder, capture_output=True, text=True, timeout=LAUNCH_TIMEOUT,
                            env={**os.environ, "OMP_NUM_THREADS": "1", **(env or {})})
    assert result.returncode == 0, result.stderr
    return sorted((json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")),
                  key=lambda row: row["rank"])


@pytest.mark.framework
@pytest.mark.parametrize("context", ["fork", "spawn"])
def test_keep_randomness_seeds_numpy_apart_in_each_worker_and_keeps_the_projects_worker_init_fn(
        tmp_path: Path, context: str):
    """After apply --keep-randomness, the project's worker_init_fn still runs in each worker (its
    tags), wrapped; worker 0 and worker 1 draw differently; two runs draw the same; and spawned
    workers can import the seeding function (a lambda could not be pickled)."""
    require_framework("torch")
    (tmp_path / "train.py").write_text(WORKERS)
    result = run_reprofix("apply", "--keep-randomness", "train.py", cwd=tmp_path, check_code=0)
    assert "worker_init_fn=functools.partial(_reprofix_seed_worker, then=tag_worker)" in result.stdout
    first = _draws(tmp_path, "train.py", context)
    assert first == _draws(tmp_path, "train.py", context), "two runs draw the same"
    rows = first[0]["rows"]
    assert [tag for _, tag in rows] == [100.0, 200.0, 100.0, 200.0], "the project's worker_init_fn ran"
    assert len({draw for draw, _ in rows}) == 4, f"each worker draws its own numbers: {rows}"
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_text() == WORKERS


@pytest.mark.framework
def test_keep_randomness_seeds_each_rank_apart_under_torchrun(tmp_path: Path):
    """Two ranks under a real torchrun. PyTorch seeds each worker from the loader's generator, which
    the seed block and PT112 seed alike on every rank: without PT113 both ranks' workers draw the
    same numbers; with it they differ, and two launches agree."""
    require_framework("torch")
    (tmp_path / "train.py").write_text(WORKERS)
    launch = ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "train.py", "fork"]
    run_reprofix("apply", "--keep-randomness", "--disable", "PT113", "train.py", cwd=tmp_path, check_code=0)
    alike = _draws(tmp_path, *launch)
    assert alike[0]["rows"] == alike[1]["rows"], "seeded alike, both ranks augment alike"
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    run_reprofix("apply", "--keep-randomness", "train.py", cwd=tmp_path, check_code=0)
    ranks = _draws(tmp_path, *launch)
    assert [r["rank"] for r in ranks] == ["0", "1"]
    assert ranks[0]["rows"] != ranks[1]["rows"], "each rank's workers draw their own numbers"
    assert ranks == _draws(tmp_path, *launch)


def _keep_then_plain(folder: Path, script: str, env: dict | None = None) -> None:
    """apply --keep-randomness: two runs agree; revert; a plain apply: two runs agree on other losses
    (the randomness the first mode keeps still acts); revert restores the script byte for byte."""
    original = (folder / script).read_bytes()
    if script != "train.py":
        (folder / "train.py").write_bytes(original)
        original = (folder / "train.py").read_bytes()
    run_reprofix("apply", "--keep-randomness", "train.py", cwd=folder, check_code=0)
    kept = losses(folder, env)
    run_reprofix("revert", cwd=folder, check_code=0)
    run_reprofix("apply", "train.py", cwd=folder, check_code=0)
    assert kept != losses(folder, env), "with --keep-randomness the randomness still acts"
    run_reprofix("revert", cwd=folder, check_code=0)
    assert (folder / "train.py").read_bytes() == original


@pytest.mark.framework
def test_keep_randomness_on_tf_data_keeps_the_shuffle_and_augmentation_and_seeds_the_shuffle(tmp_path: Path):
    """Keras on TensorFlow fed by tf.data: the shuffle gets the run's seed (KR112), the parallel map
    that augments with tf.random and the dropout stay, seeded (KR113)."""
    require_framework("tensorflow")
    shutil.copy(SAMPLES / "tfdata_train.py", tmp_path / "train.py")
    result = run_reprofix("apply", "--keep-randomness", "--dry-run", "train.py", cwd=tmp_path, check_code=0)
    assert "+    data = tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(128, seed=1).map(" \
        "augment, num_parallel_calls=2).batch(16)" in result.stdout
    assert [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  train.py:")] == \
        ["KR001", "KR113", "KR112", "KR113"]  # the seed block, tf.random.uniform, the shuffle, the Dropout
    _keep_then_plain(tmp_path, "train.py")


@pytest.mark.framework
def test_keep_randomness_on_paddle_keeps_shuffle_and_dropout(tmp_path: Path):
    require_framework("paddle")
    shutil.copy(SAMPLES / "paddle_train.py", tmp_path / "train.py")
    _keep_then_plain(tmp_path, "train.py")


PADDLE_WORKERS = WORKERS.replace("import torch\nfrom torch.utils.data import DataLoader, Dataset",
                                 "import paddle\nfrom paddle.io import DataLoader, Dataset").replace(
    "return torch.tensor([float(np.random.rand()), float(TAG)])",
    "return np.array([np.random.rand(), TAG], dtype=\"float64\")").replace(
    """    context = sys.argv[1] if len(sys.argv) > 1 else None
    loader = DataLoader(Draws(), batch_size=1, num_workers=2, worker_init_fn=tag_worker,
                        multiprocessing_context=context)
    print(json.dumps({"rank": os.environ.get("RANK", "0"), "rows": [batch[0].tolist() for batch in loader]}))""",
    """    loader = DataLoader(Draws(), batch_size=1, num_workers=2, worker_init_fn=tag_worker)
    rows = [batch[0].numpy().tolist() for batch in loader]
    print(json.dumps({"rank": os.environ.get("PADDLE_TRAINER_ID", "0"), "rows": rows}))""")


@pytest.mark.framework
def test_keep_randomness_seeds_paddle_workers_apart_per_rank_and_keeps_the_projects_worker_init_fn(tmp_path: Path):
    """Paddle's workers are seeded from a base seed the main process draws from NumPy: once the seed
    block seeds NumPy, every rank's workers would draw alike. With PD112 the trainer id
    (PADDLE_TRAINER_ID, which Paddle's launcher sets) parts them; two runs agree; the project's
    worker_init_fn still runs."""
    require_framework("paddle")
    assert "torch" not in PADDLE_WORKERS and "PADDLE_TRAINER_ID" in PADDLE_WORKERS, "the torch script became a paddle one"
    (tmp_path / "train.py").write_text(PADDLE_WORKERS)
    result = run_reprofix("apply", "--keep-randomness", "train.py", cwd=tmp_path, check_code=0)
    assert "worker_init_fn=functools.partial(_reprofix_seed_worker, then=tag_worker)" in result.stdout
    rank0 = _draws(tmp_path, "train.py")
    assert rank0 == _draws(tmp_path, "train.py"), "two runs draw the same"
    rows = rank0[0]["rows"]
    assert [tag for _, tag in rows] == [100.0, 200.0, 100.0, 200.0], "the project's worker_init_fn ran"
    assert len({draw for draw, _ in rows}) == 4
    rank1 = _draws(tmp_path, "train.py", env={"PADDLE_TRAINER_ID": "1"})
    assert rank1[0]["rank"] == "1" and rank1[0]["rows"] != rows, "each rank's workers draw their own numbers"


@pytest.mark.framework
def test_a_keep_randomness_patch_records_its_mode_and_verify_does_not_advise_taking_it_out(tmp_path: Path):
    """The journal says what the patch is for: after apply --keep-randomness, a reproducible verdict
    names revert only as the way to take it out, not as the step once a bug is found; after a plain
    apply it does; minimize, which rewrites the patch, keeps the mode."""
    require_framework("torch")
    (tmp_path / "train.py").write_text(
        "import random\n\nimport torch\n\nfor step in range(3):\n    print(f'step {step} loss: {random.random()}')\n")
    nexts = {}
    for mode in ("keep", "plain"):
        run_reprofix("apply", *(["--keep-randomness"] if mode == "keep" else []), "train.py", cwd=tmp_path,
                     check_code=0)
        patch = (tmp_path / "reprofix.patch").read_text()
        assert ("# reprofix-mode: keep-randomness\n" in patch) == (mode == "keep")
        result = run_reprofix("verify", "--json", "--", sys.executable, "train.py", cwd=tmp_path, check_code=0)
        nexts[mode] = [step for step in json.loads(result.stdout)["next"] if step.startswith("reprofix revert")]
        if mode == "keep":
            run_reprofix("minimize", "--", sys.executable, "train.py", cwd=tmp_path, check_code=0)
            assert "# reprofix-mode: keep-randomness\n" in (tmp_path / "reprofix.patch").read_text()
        run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert nexts == {
        "keep": ["reprofix revert   (only to take reprofix.patch out: it seeds this training's randomness, keep it "
                 "for runs you want reproducible)"],
        "plain": ["reprofix revert   (once the bug is found: takes reprofix.patch out; the changes slow training)"],
    }
