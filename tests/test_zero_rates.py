"""The dropout rules keep each layer with a rate that drops nothing. That is only right if, in the
real framework, such a layer returns its input unchanged in training mode and draws no random number
that would make two runs differ. Checked here for every layer and every argument the tables set,
each framework in a process of its own."""

import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT, require_framework

CHECK = textwrap.dedent('''
    import importlib, sys
    from transforms import facts
    from transforms.tables.frameworks import FRAMEWORKS

    framework, rule_id = sys.argv[1], sys.argv[2]
    table = next(t for t in FRAMEWORKS if t.name == framework)
    rule = next(r for r in table.rules if r.id == rule_id)
    cases = []  # (qualified name, keyword, value)
    for fact in rule.facts:
        if isinstance(fact, facts.DropoutLayers):
            cases += [(n, f.param.name, f.value) for n, rate in fact.layers.items() for f in rate.fixes()]
        elif isinstance(fact, facts.CallArguments):
            cases += [(n, f.param.name, f.value) for n, fixes in fact.calls.items() for f in fixes]
    cases = sorted(set(cases))
    assert cases, rule_id
    {setup}

    def build(name, keyword, value):
        module, _, attribute = name.rpartition(".")
        return getattr(importlib.import_module(module), attribute)(**{{keyword: float(value)}})

    checked, drawing = 0, []
    for name, keyword, value in cases:
        try:
            layer = build(name, keyword, value)
        except (AttributeError, ImportError):
            continue  # a release without this layer (the tables also list other releases' names)
        for shape in ((2, 3, 4, 4), (2, 3, 4), (2, 3, 2, 4, 4), (2, 6)):
            data = make(shape)
            try:
                seed(7); out = call(layer, data); after = draw()
            except Exception:
                continue  # not this layer's input rank
            seed(7); again = call(layer, data); after_again = draw()
            seed(7); untouched = draw()
            assert same(out, data) and same(again, data), f"{{name}}({{keyword}}={{value}}) changed its input"
            assert same(after, after_again), f"{{name}}({{keyword}}={{value}}) drew from an unseeded source"
            if not same(after, untouched):
                drawing.append(name.rpartition(".")[2])  # seeded draws: runs still agree
            checked += 1
            break
        else:
            raise AssertionError(f"{{name}}: no input shape fits")
    print(" ".join(sorted(set(drawing))) or "-", checked)
''')

SETUP = {
    "pytorch": '''
import torch
torch.manual_seed(0)
make = lambda shape: torch.randn(*shape)
seed = torch.manual_seed
draw = lambda: torch.rand(8)
call = lambda layer, x: layer.train()(x)
same = torch.equal
''',
    "mindspore": '''
import numpy as np
import mindspore as ms
from mindspore import ops
ms.set_context(mode=ms.PYNATIVE_MODE)
make = lambda shape: ms.Tensor(np.random.default_rng(0).standard_normal(shape).astype(np.float32))
seed = ms.set_seed
draw = lambda: ops.uniform((8,), ms.Tensor(0.0), ms.Tensor(1.0))
def call(layer, x):
    layer.set_train(True)
    return layer(x)
same = lambda a, b: np.array_equal(a.asnumpy(), b.asnumpy())
''',
    "paddle": '''
import numpy as np
import paddle
make = lambda shape: paddle.to_tensor(np.random.default_rng(0).standard_normal(shape).astype("float32"))
seed = paddle.seed
draw = lambda: paddle.rand([8])
def call(layer, x):
    layer.train()
    return layer(x)
same = lambda a, b: np.array_equal(a.numpy(), b.numpy())
''',
    "keras": '''
import os
os.environ.setdefault("KERAS_BACKEND", "torch")
import numpy as np
import keras
make = lambda shape: np.random.default_rng(0).standard_normal(shape).astype("float32")
seed = keras.utils.set_random_seed
draw = lambda: keras.ops.convert_to_numpy(keras.random.uniform((8,)))
call = lambda layer, x: keras.ops.convert_to_numpy(layer(x, training=True))
same = lambda a, b: np.array_equal(np.asarray(a), np.asarray(b))
''',
}


@pytest.mark.framework
@pytest.mark.parametrize("framework, rule_id, module, layers, drawing", [
    ("pytorch", "PT201", "torch", 6, "-"),
    ("mindspore", "MS201", "mindspore", 9, "-"),
    # Paddle's alpha dropouts draw their noise even at p=0 (then add nothing): from the seeded
    # generator, so two runs still agree, but the random stream after them shifts
    ("paddle", "PD201", "paddle", 5, "AlphaDropout FeatureAlphaDropout"),
    # the 7 layers under keras.layers and again under tensorflow.keras.layers (TensorFlow's Keras 3)
    ("keras", "KR201", "keras", 14, "-"),
])
def test_a_zero_rate_returns_the_input_and_draws_nothing_unseeded(framework, rule_id, module, layers, drawing):
    require_framework(module)
    if framework == "keras":
        require_framework("torch")
    script = CHECK.format(setup=SETUP[framework])
    result = subprocess.run([sys.executable, "-c", script, framework, rule_id], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    *drew, checked = result.stdout.splitlines()[-1].split()
    assert int(checked) == layers  # every layer and argument this release has was checked
    assert " ".join(drew) == drawing
