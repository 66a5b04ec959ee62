"""Driver for the Paddle real-client test: copied as `proj/run_models.py` beside `proj/pvision/models/`,
a copy of Paddle's own `paddle/vision/models/` package.

Builds a MobileNetV2 (its classifier holds `nn.Dropout(0.2)`), a SqueezeNet (`Dropout(p=0.5)`), a
DenseNet with `dropout=0.1` and a ResNet-18 (no dropout) in train mode, with the weights of a build
under seed 0; every other random state (the paddle, random and numpy seeds, and the second build that
the weights are copied into) comes from os.urandom, so that only randomness reprofix failed to remove
can make two processes differ. Runs forward and backward on a fixed input. `--passes N` builds and runs
every model N times in the process (each build under a new seed from os.urandom). Prints one JSON line:
the library file imported, per pass a digest of each model's outputs and gradients, and the rate of each
model's dropout layers.
"""
import argparse
import hashlib
import json
import os
import random

import numpy
import paddle
from paddle import nn

import pvision.models
from pvision.models import densenet121, mobilenet_v2, resnet18, squeezenet1_1

MODELS = {
    "mobilenet_v2": lambda: mobilenet_v2(scale=0.35, num_classes=4),
    "squeezenet": lambda: squeezenet1_1(num_classes=4),
    "densenet": lambda: densenet121(num_classes=4, dropout=0.1),
    "resnet": lambda: resnet18(num_classes=4),
}
DROPOUT_LAYERS = (nn.Dropout, nn.Dropout2D, nn.Dropout3D, nn.AlphaDropout)


def reseed_from_os():
    seed = int.from_bytes(os.urandom(4), "little")
    random.seed(seed)
    numpy.random.seed(seed)
    paddle.seed(seed)


def digest_of(name, build):
    paddle.seed(0)
    weights = build().state_dict()
    reseed_from_os()
    model = build()
    model.set_state_dict(weights)
    model.train()
    values = numpy.linspace(-1.0, 1.0, 2 * 3 * 32 * 32, dtype=numpy.float32)
    inputs = paddle.to_tensor(values.reshape(2, 3, 32, 32))
    outputs = model(inputs)
    outputs.square().mean().backward()
    hashed = hashlib.sha256(outputs.numpy().tobytes())
    for parameter_name, parameter in model.named_parameters():
        if parameter.grad is not None:
            hashed.update(parameter_name.encode() + parameter.grad.numpy().tobytes())
    rates = [float(layer.p) for layer in model.sublayers() if isinstance(layer, DROPOUT_LAYERS)]
    return hashed.hexdigest(), rates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=1, help="build and run every model this many times")
    args = parser.parse_args()
    paddle.set_device("cpu")
    passes = [{name: digest_of(name, build) for name, build in MODELS.items()} for _ in range(args.passes)]
    print(json.dumps({
        "library": pvision.models.__file__,
        "digests": [{name: result[0] for name, result in results.items()} for results in passes],
        "dropout_rates": {name: result[1] for name, result in passes[0].items()},
    }))


if __name__ == "__main__":
    main()
