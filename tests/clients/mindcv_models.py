"""Driver for the MindSpore real-client test: copied beside a copy of mindcv as `proj/run_models.py`.

Builds a small ViT (dropout, attention dropout, stochastic depth, given as arguments) and a MobileNetV3
(whose classifier holds mindcv's own `Dropout(p=0.2)`) in PyNative mode and train mode, with the weights
of a build under seed 0. MindSpore's random ops take their seeds when they are built, so the model that
runs is a second build under a seed from os.urandom, into which the weights are copied: only randomness
reprofix failed to remove can make two processes differ. Runs forward and backward
(`mindspore.value_and_grad`) on a fixed input. `--passes N` builds and runs every model N times in the
process (each build under a new seed from os.urandom). Prints one JSON line: the library file imported,
per pass a digest of each model's outputs and gradients, and the rate of each model's dropout layers.
"""
import argparse
import hashlib
import json
import os
import random

import numpy
import mindspore
from mindspore import nn

import mindcv
from mindcv.models import create_model
from mindcv.models.vit import VisionTransformer

MODELS = {
    "vit": lambda: VisionTransformer(
        image_size=16, patch_size=8, embed_dim=16, depth=2, num_heads=2, mlp_ratio=2.0, num_classes=4,
        drop_rate=0.1, proj_drop_rate=0.1, attn_drop_rate=0.1, drop_path_rate=0.1),
    "mobilenet_v3": lambda: create_model("mobilenet_v3_small_075", num_classes=4),
}
IMAGE_SIZE = {"vit": 16, "mobilenet_v3": 32}


def reseed_from_os():
    seed = int.from_bytes(os.urandom(4), "little") % 2**31
    random.seed(seed)
    numpy.random.seed(seed)
    mindspore.set_seed(seed)


def dropout_rate(cell):
    return 1.0 - cell.keep_prob if cell.p is None else float(cell.p)


def digest_of(name, build):
    mindspore.set_seed(0)
    weights = [parameter.asnumpy() for parameter in build().get_parameters()]
    reseed_from_os()
    model = build()
    for parameter, value in zip(model.get_parameters(), weights):
        parameter.set_data(mindspore.Tensor(value))
    model.set_train(True)
    size = IMAGE_SIZE[name]
    values = numpy.linspace(-1.0, 1.0, 2 * 3 * size * size, dtype=numpy.float32)
    inputs = mindspore.Tensor(values.reshape(2, 3, size, size))
    parameters = model.trainable_params()

    def loss_and_outputs(x):
        outputs = model(x)
        return outputs.square().mean(), outputs

    forward_and_backward = mindspore.value_and_grad(loss_and_outputs, None, parameters, has_aux=True)
    (_, outputs), gradients = forward_and_backward(inputs)
    hashed = hashlib.sha256(outputs.asnumpy().tobytes())
    for parameter, gradient in zip(parameters, gradients):
        hashed.update(parameter.name.encode() + gradient.asnumpy().tobytes())
    rates = [dropout_rate(cell) for _, cell in model.cells_and_names() if isinstance(cell, nn.Dropout)]
    return hashed.hexdigest(), rates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=1, help="build and run every model this many times")
    args = parser.parse_args()
    mindspore.set_context(mode=mindspore.PYNATIVE_MODE)
    passes = [{name: digest_of(name, build) for name, build in MODELS.items()} for _ in range(args.passes)]
    print(json.dumps({
        "library": mindcv.__file__,
        "digests": [{name: result[0] for name, result in results.items()} for results in passes],
        "dropout_rates": {name: result[1] for name, result in passes[0].items()},
    }))


if __name__ == "__main__":
    main()
