"""Driver for the timm real-client test: copied beside a copy of timm as `proj/run_models.py`.

Builds a ViT, a DeiT, a Swin and a ResNet with dropout and stochastic depth, in train mode, with the
weights of a build under seed 0; every other random state (the torch, random and numpy seeds, and the
second build that the weights are copied into) comes from os.urandom, so that only randomness reprofix
failed to remove can make two processes differ. Runs forward and backward on a fixed input. `--passes N`
builds and runs every model N times in the process (each build under a new seed from os.urandom). Prints
one JSON line: the library file imported, per pass a digest of each model's outputs and gradients, and
the rate of each model's dropout layers.
"""
import argparse
import hashlib
import json
import os
import random

import numpy
import torch
from torch import nn

import timm

# The rates reach timm as data (as from a config file), so the driver's own rewrite cannot zero them:
# the models are deterministic after apply only if the rewrites inside the copy of timm act.
RATES = json.loads('{"drop_rate": 0.1, "drop_path_rate": 0.1}')
MODELS = {
    "vit": lambda: timm.create_model("vit_tiny_patch16_224", img_size=32, num_classes=4, **RATES),
    "deit": lambda: timm.create_model("deit_tiny_distilled_patch16_224", img_size=32, num_classes=4, **RATES),
    "swin": lambda: timm.create_model(
        "swin_tiny_patch4_window7_224", img_size=32, window_size=2, embed_dim=48, num_heads=(2, 4, 8, 16),
        num_classes=4, **RATES),
    "resnet": lambda: timm.create_model("resnet18", num_classes=4, **RATES),
}


def reseed_from_os():
    seed = int.from_bytes(os.urandom(4), "little")
    random.seed(seed)
    numpy.random.seed(seed)
    torch.manual_seed(seed)


def digest_of(name, build):
    torch.manual_seed(0)
    weights = build().state_dict()
    reseed_from_os()
    model = build()
    model.load_state_dict(weights)
    model.train()
    inputs = torch.linspace(-1.0, 1.0, 2 * 3 * 32 * 32).reshape(2, 3, 32, 32)
    outputs = model(inputs)
    outputs.square().mean().backward()
    hashed = hashlib.sha256(outputs.detach().numpy().tobytes())
    for parameter_name, parameter in model.named_parameters():
        if parameter.grad is not None:
            hashed.update(parameter_name.encode() + parameter.grad.numpy().tobytes())
    rates = [m.p for m in model.modules() if isinstance(m, nn.modules.dropout._DropoutNd)]
    return hashed.hexdigest(), rates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=1, help="build and run every model this many times")
    args = parser.parse_args()
    torch.set_num_threads(1)  # the same reduction order in every process, and frugal on a shared machine
    passes = [{name: digest_of(name, build) for name, build in MODELS.items()} for _ in range(args.passes)]
    print(json.dumps({
        "library": timm.__file__,
        "digests": [{name: result[0] for name, result in results.items()} for results in passes],
        "dropout_rates": {name: result[1] for name, result in passes[0].items()},
    }))


if __name__ == "__main__":
    main()
