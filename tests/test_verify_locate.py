"""`reprofix verify --locate`: real PyTorch and MindSpore training runs on the CPU, each with a source of
randomness that no rule can fix; the probe must name the step, the phase and the module."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codemod.verify import probe
from conftest import SAMPLES, require_framework, run_reprofix

PY = sys.executable


def class_line(path: Path, name: str) -> int:
    """The line of `class name` in a sample: where --locate must point."""
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if re.match(rf"class {name}\b", line))


def copy_sample(tmp_path: Path, sample: str) -> None:
    """The sample, and the training loop the PyTorch samples share."""
    for name in (sample, "locate_torch_train.py"):
        shutil.copy(SAMPLES / name, tmp_path / name)


def locate(tmp_path: Path, sample: str, *args: str, code: int) -> dict:
    """verify --locate --json on a copy of the sample, run from its folder; the JSON result."""
    copy_sample(tmp_path, sample)
    result = run_reprofix("verify", "--locate", "--json", "--", PY, sample, *args, cwd=tmp_path, check_code=code)
    return json.loads(result.stdout)


@pytest.mark.framework
@pytest.mark.parametrize("sample, framework, phase, module, type_, defined", [
    ("locate_torch_forward.py", "torch", "forward", "encoder.jitter", "Jitter", "Jitter"),
    ("locate_torch_data.py", "torch", "data", "features", "Net", None),
    ("locate_torch_update.py", "torch", "update", "hidden.weight", "NoisySGD", "NoisySGD"),
    ("locate_mindspore_forward.py", "mindspore", "forward", "body.shake", "Shake", "Shake"),
    ("locate_paddle_forward.py", "paddle", "forward", "body.shake", "Shake", "Shake"),
    ("locate_keras_forward.py", "keras", "forward", "shake", "Shake", "Shake"),
])
def test_locate_names_step_phase_and_module(tmp_path: Path, sample, framework, phase, module, type_, defined):
    require_framework(framework)
    args = ("--graph",) if framework == "mindspore" else ()  # GRAPH_MODE asked for: traced in PyNative
    data = locate(tmp_path, sample, *args, code=1)
    divergence = data["divergence"]
    if defined:
        source = f"{sample}:{class_line(tmp_path / sample, defined)}"
    else:  # data: where the training loop calls the model
        loop = (tmp_path / "locate_torch_train.py").read_text().splitlines()
        source = f"locate_torch_train.py:{next(i for i, text in enumerate(loop, 1) if 'model(x)' in text)}"
    assert (divergence["step"], divergence["phase"], divergence["module"], divergence["type"], divergence["source"],
            divergence["within_tolerance"]) == (1, phase, module, type_, source, False)
    assert divergence["max_abs_diff"] > 0 and data["verdict"] == "not reproducible"
    assert data["locate"]["steps"] == 2 and data["locate"]["events"][0] == data["locate"]["events"][1]
    if framework == "mindspore":
        assert data["locate"]["notes"] == ["GRAPH_MODE was asked for: it runs in PyNative mode under --locate"]


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.framework
def test_a_forward_hook_is_named(tmp_path: Path):
    """Noise added by a forward hook registered on backbone.proj: the hook is named, with its place,
    not the parent's code that passes the output on."""
    require_framework("torch")
    data = locate(tmp_path, "locate_torch_hook.py", code=1)
    divergence = data["divergence"]
    where = f"locate_torch_hook.py:{line_of(tmp_path / 'locate_torch_hook.py', 'def add_noise')}"
    assert (divergence["step"], divergence["phase"], divergence["module"], divergence["type"], divergence["source"]) \
        == (1, "forward", "backbone.proj", "forward hook add_noise", where)
    assert divergence["meaning"] == (f"noise added by a forward hook registered on backbone.proj, defined at {where}: "
                                     "the module's own output agreed, what the hook made of it differs")


@pytest.mark.framework
@pytest.mark.parametrize("args, module, type_, what, written", [
    ((), "0.weight", "outside the optimizer", "value before the next forward (changed after the optimizer step)",
     "parameter.add_("),
    (("--gradients",), "2.bias", "outside the backward pass",  # the first gradient the backward pass makes
     "gradient of bias before the optimizer step (changed after the backward pass)", None),
])
def test_changes_outside_the_optimizer_are_an_update_at_their_step(tmp_path: Path, args, module, type_, what, written):
    """Weights changed after the step (or gradients before it): the update of step 1, outside the optimizer
    (with the line that wrote the weights), not randomness inside a layer at step 2."""
    require_framework("torch")
    copy_sample(tmp_path, "locate_torch_outside.py")
    result = run_reprofix("verify", "--locate", "--json", "--keep-traces", "traces", "--", PY,
                          "locate_torch_outside.py", *args, cwd=tmp_path, check_code=1)
    divergence = json.loads(result.stdout)["divergence"]
    source = f"locate_torch_outside.py:{line_of(tmp_path / 'locate_torch_outside.py', written)}" if written else ""
    assert (divergence["step"], divergence["phase"], divergence["module"], divergence["type"], divergence["source"]) \
        == (1, "update", module, type_, source)
    events = [json.loads(line) for path in (tmp_path / "traces" / "run-1").glob("trace-*")
              for line in path.read_text().splitlines()]
    # gradients are checked at both steps' optimizer steps; values at the forward after step 1 (step 2 is the last)
    assert [e["what"] for e in events if e.get("type") == type_ and e["module"] == module] == \
        ([what, what] if args else [what])


@pytest.mark.framework
def test_locate_backward_in_text(tmp_path: Path):
    """A custom autograd function adding noise on the way back: the module holding it, not the layer
    whose gradient shows the difference first."""
    require_framework("torch")
    copy_sample(tmp_path, "locate_torch_backward.py")
    result = run_reprofix("verify", "--locate", "--keep-traces", "traces", "--", PY, "locate_torch_backward.py",
                          cwd=tmp_path, check_code=1)
    line = class_line(tmp_path / "locate_torch_backward.py", "Shake")
    assert f"\nlocated: step 1, backward: body.shake (Shake) at locate_torch_backward.py:{line}\n" in result.stdout
    assert "  first differing record: backward gradient of output of body.relu (ReLU) [16, 16]\n" in result.stdout
    assert "verdict: not reproducible: the runs first part at step 1, backward, body.shake (Shake)\n" in result.stdout
    assert sorted(p.name.split("-")[0] for p in (tmp_path / "traces" / "run-1").iterdir()) == ["done", "trace"]


@pytest.mark.framework
def test_reproducible_script_has_no_divergence(tmp_path: Path):
    require_framework("torch")
    data = locate(tmp_path, "locate_reproducible.py", code=0)
    assert data["verdict"] == "reproducible" and data["divergence"] is None
    assert data["locate"]["first_bitwise_difference"] is None and data["first_difference"] is None


@pytest.mark.framework
def test_randomness_after_the_model(tmp_path: Path):
    """The model, its gradients and updates agree; the printed loss does not."""
    require_framework("torch")
    (tmp_path / "train.py").write_text(
        "import os\nimport torch\nfrom torch import nn\n"
        "try:  # the run that comes second adds 1 to every loss: a difference no chance can hide\n"
        "    os.close(os.open('first-run', os.O_CREAT | os.O_EXCL)); offset = 0.0\n"
        "except FileExistsError:\n    offset = 1.0\n"
        "torch.manual_seed(1)\nmodel = nn.Linear(4, 2)\noptimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "x, y = torch.randn(8, 4), torch.tensor([0, 1] * 4)\n"
        "for step in range(3):\n"
        "    loss = nn.functional.cross_entropy(model(x), y) + offset\n"
        "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n"
        "    print(f'loss: {loss.item()}', flush=True)\n"
    )
    result = run_reprofix("verify", "--locate", "--json", "--", PY, "train.py", cwd=tmp_path, check_code=1)
    divergence = json.loads(result.stdout)["divergence"]
    assert (divergence["step"], divergence["phase"], divergence["module"]) == (1, "loss", "")
    assert divergence["meaning"].startswith("the model's inputs, outputs, gradients and updates agree, but the "
                                            "losses differ: the randomness is after the model")


@pytest.mark.framework
def test_the_probe_changes_neither_output_nor_exit_status(tmp_path: Path):
    """The same script with and without the probe: the same bytes on stdout and stderr, the same exit
    status; an existing sitecustomize still runs (the probe chains to it)."""
    require_framework("torch")
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import sys\nsys.stderr.write('the user sitecustomize ran\\n')\n")
    code = (f"import runpy, sys; sys.path.insert(0, {str(SAMPLES)!r}); "
            f"runpy.run_path({str(SAMPLES / 'locate_reproducible.py')!r}, run_name='__main__'); sys.exit(3)")
    plain_env = {**os.environ, "PYTHONPATH": str(site)}
    traces = tmp_path / "traces"
    traces.mkdir()
    plain = subprocess.run([PY, "-c", code], env=plain_env, capture_output=True, cwd=tmp_path)
    probed = subprocess.run([PY, "-c", code], env=probe.environment(traces, 2, plain_env), capture_output=True,
                            cwd=tmp_path)
    assert plain.returncode == probed.returncode == 3
    assert plain.stdout == probed.stdout and plain.stdout.count(b"loss: ") == 3
    assert plain.stderr == probed.stderr == b"the user sitecustomize ran\n"
    assert probe.finished(traces)


def test_locate_needs_a_traced_framework(tmp_path: Path):
    train = tmp_path / "train.py"
    train.write_text("print('loss: 1.0')\nprint('loss: 0.5')\n")
    result = run_reprofix("verify", "--locate", "--", PY, str(train), cwd=tmp_path, check_code=2)
    assert "could not judge: could not locate: no training was recorded" in result.stderr
    assert "(the losses: reproducible: all 2 runs agree" in result.stderr


@pytest.mark.parametrize("args, message", [
    (("--locate", "--runs", "3"), "--locate compares two runs: leave --runs at 2"),
    (("--keep-traces", "t"), "--keep-traces goes with --locate"),
])
def test_locate_usage_errors(tmp_path: Path, args, message):
    result = run_reprofix("verify", *args, "--", PY, "-c", "pass", cwd=tmp_path, check_code=2)
    assert result.stderr == f"reprofix: {message}\n"
