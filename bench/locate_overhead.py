"""What `reprofix verify --locate` costs a training step (not a timed test: run it, read the figure).

    python bench/locate_overhead.py [--blocks N] [--steps K] [--batch B] [--threads T] [--config STEM:SIZE ...]

Trains torchvision's ResNet-18 (68 modules: convolutions, batch norms, ReLUs, residual blocks) on
random images, with the CIFAR stem at 32x32 and the ImageNet stem at 64x64 and 32x32, in one process
each, in turns: K steps plain, then K steps with reprofix's probe installed
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
sys.path.insert(0, str(ROOT / "codemod" / "verify" / "probe" / "site"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=6, help="turns of plain and traced steps")
    parser.add_argument("--steps", type=int, default=3, help="steps in each turn")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--config", nargs="+", default=["cifar:32", "imagenet:64", "imagenet:32"],
                        help="stem:size, each measured in turn: `cifar` is ResNet-18 as CIFAR trainings use it (a 3x3 "
                        "stem, stride 1, no max pooling: kuangliu/pytorch-cifar and most others), `imagenet` "
                        "torchvision's (a 7x7 stem, stride 2, max pooling: 32x32 images leave 8x8 feature maps, the "
                        "worst case, where the parameters outweigh the computation)")
    parser.add_argument("--threads", type=int, default=1)
    options = parser.parse_args()

    import torch
    import torchvision
    from reprofix_probe import torch_hooks
    from reprofix_probe.recorder import Recorder

    torch.set_num_threads(options.threads)
    for config in options.config:
        stem, _, size = config.partition(":")
        measure(torch, torchvision, torch_hooks, Recorder, options, stem, int(size))


def measure(torch, torchvision, torch_hooks, Recorder, options, stem: str, size: int) -> None:
    torch.manual_seed(1)
    model = torchvision.models.resnet18(num_classes=10)
    if stem == "cifar":
        model.conv1 = torch.nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
        model.maxpool = torch.nn.Identity()
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
    print(f"ResNet-18, {stem} stem ({modules} modules), batch {options.batch} x 3 x {size} x {size}, "
          f"{options.threads} thread(s); {options.blocks} turns of {options.steps} plain and {options.steps} "
          f"traced steps; traces {trace_bytes / 1024:.0f} KiB for {options.steps} steps")
    print(f"  plain step:  {untraced_step * 1000:7.1f} ms CPU (median)")
    print(f"  traced step: {traced_step * 1000:7.1f} ms CPU (median)")
    print(f"  overhead:    {traced_step / untraced_step:7.2f}x (target: at most 1.5x)")


if __name__ == "__main__":
    main()
