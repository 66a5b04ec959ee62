"""What `reprofix verify --locate` costs a training step (not a timed test: run it, read the figure).

    python bench/locate_overhead.py [--blocks N] [--steps K] [--batch B] [--size S] [--threads T]

Trains torchvision's ResNet-18 (68 modules: convolutions, batch norms, ReLUs, residual blocks) on
random images, in one process, in turns: K steps plain, then K steps with reprofix's probe installed
and recording (as `verify --locate` does: every module's inputs and outputs, every gradient, every
update, digested and written to a trace), the probe then taking its hooks out again as it does after
its steps; N times. Turns in one process, not one process each: on a shared machine a step's time
drifts by more than the overhead between two processes started a minute apart, and a drift hits both
kinds of step alike here. The figure is the median traced step against the median plain one. The
target (issue 23): at most 1.5x.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "codemod" / "probe" / "site"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=6, help="turns of plain and traced steps")
    parser.add_argument("--steps", type=int, default=3, help="steps in each turn")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--size", type=int, nargs="+", default=[32, 64], help="image heights (and widths)")
    parser.add_argument("--threads", type=int, default=1)
    options = parser.parse_args()

    import torch
    import torchvision
    from reprofix_probe import torch_hooks
    from reprofix_probe.recorder import Recorder

    torch.set_num_threads(options.threads)
    for size in options.size:
        measure(torch, torchvision, torch_hooks, Recorder, options, size)


def measure(torch, torchvision, torch_hooks, Recorder, options, size: int) -> None:
    torch.manual_seed(1)
    model = torchvision.models.resnet18(num_classes=10)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    images = torch.randn(options.batch, 3, size, size)
    labels = torch.randint(0, 10, (options.batch,))

    def step() -> float:
        start = time.process_time()
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return time.process_time() - start

    step()  # warm-up
    plain, traced, trace_bytes = [], [], 0
    with tempfile.TemporaryDirectory() as traces:
        for block in range(options.blocks):
            plain += [step() for _ in range(options.steps)]
            directory = Path(traces) / str(block)
            directory.mkdir()
            recorder = Recorder(str(directory), options.steps)
            torch_hooks.install(torch, recorder)
            traced += [step() for _ in range(options.steps)]
            assert not recorder.active, "the probe did not finish its steps"
            trace_bytes = sum(p.stat().st_size for p in directory.iterdir())
    untraced_step, traced_step = statistics.median(plain), statistics.median(traced)
    modules = len(list(model.modules()))
    print(f"ResNet-18 ({modules} modules), batch {options.batch} x 3 x {size} x {size}, "
          f"{options.threads} thread(s); {options.blocks} turns of {options.steps} plain and {options.steps} "
          f"traced steps; traces {trace_bytes / 1024:.0f} KiB for {options.steps} steps")
    print(f"  plain step:  {untraced_step * 1000:7.1f} ms CPU (median)")
    print(f"  traced step: {traced_step * 1000:7.1f} ms CPU (median)")
    print(f"  overhead:    {traced_step / untraced_step:7.2f}x (target: at most 1.5x)")


if __name__ == "__main__":
    main()
