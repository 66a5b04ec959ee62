"""The text check before parsing is sound: a file it lets skip would get no finding if parsed."""

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings

import transforms
from transforms.tables import textrules
from conftest import SNIPPETS, mixed_code, require_framework

OPTIONS = transforms.Options()
TEXT_RULES = {rule.id for rule in textrules.RULES}


def findings_when_parsed(source: bytes) -> tuple:
    """Every rule over the file parsed whole, the text check bypassed (the text rules aside: they
    need no parse and run on every file)."""
    findings = transforms.rewrite(source, OPTIONS, script=False, text_check=False).findings
    return tuple(f for f in findings if f.rule not in TEXT_RULES)


def assert_sound(source: bytes) -> None:
    if not transforms.might_need_rewrite(source, OPTIONS, script=False):
        assert findings_when_parsed(source) == (), "the text check skipped a file a rule would touch"


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_every_rule_example_gets_through(snippet):
    source = snippet.encode()
    if findings_when_parsed(source):
        assert transforms.might_need_rewrite(source, OPTIONS, script=False)


@pytest.mark.parametrize("source", [
    "from mindspore import ops\nx = ops.uniform((2,), a, b)\n",
    "import mindspore.ops as P\nx = P.uniform((2,), a, b)\n",
    "from mindspore.ops import uniform as draw\nx = draw((2,), a, b)\n",
    "from mindspore import ops\nx = (ops\n     .uniform((2,), a, b))\n",
    "from mindspore import ops\nx = ops . uniform ((2,), a, b)\n",
    "from mindspore.dataset.vision import AutoAugment as AA\nclass Mine(AA):\n    pass\n",
    "from mindspore.dataset.vision import AutoAugment\nclass Mine(AutoAugment):\n    pass\n",
    "import os; from mindspore import ops\nx = ops.uniform((2,), a, b)\n",
    "from mindspore import nn, \\\n    ops\nx = ops.uniform((2,), a, b)\n",
    "import mindspore as ms\nparams = ms.load_checkpoint(p)\ndel params['head.weight']\n",
    "from mindspore import load_checkpoint as load\nparams = load(p)\nparams . pop('head.weight')\n",
    "import torch\nstate = torch.load(p)\ndel(state['fc.bias'])\n",
    "import typing\nif typing.TYPE_CHECKING: pass\nelse: from mindspore import ops\nx = ops.uniform((2,), a, b)\n",
])
def test_spellings_of_a_call_or_base_get_through(source):
    source = source.encode()
    assert findings_when_parsed(source), "the example must be one a rule touches"
    assert transforms.might_need_rewrite(source, OPTIONS, script=False)


@pytest.mark.parametrize("source", [
    "from .ops import operations as P\nx = P.ReduceSum()(y)\n",  # relative: a library's own code
    "import mindspore\nfrom mine import uniform\nx = uniform(1)\n",  # not the framework's
    "import mindspore\nclass RandomThing:\n    def Dropout(self):\n        pass\n",  # definitions only
    # a loaded checkpoint matters only where a key may be popped or deleted
    "import mindspore as ms\nparams = ms.load_checkpoint(p)\nmodel.load(params)\n",
    "from mindspore import load_checkpoint as load\nparams = load(p)\nmodel_del = params\n",
])
def test_what_no_rule_touches_is_skipped(source):
    source = source.encode()
    assert not findings_when_parsed(source)
    assert not transforms.might_need_rewrite(source, OPTIONS, script=False)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(mixed_code())
def test_generated_code_is_checked_soundly(source: bytes):
    assert_sound(source)


# Damage that makes a rule example one no rule may touch, or only seem so: the framework's name, a
# random op's, the layer's, the keyword's, the module alias (every use, or only its import).
DAMAGE = [("mindspore", "mindsporex"), ("import mindspore", "import mindsporex"), ("Random", "Rnd"),
          ("Dropout", "Dropper"), ("shuffle", "shuffled"), ("nn.", "nnx."), ("from mindspore import nn", ""),
          ("torch", "torchx"), ("import torch", "import torchx as torch"), ("seed", "sead"),
          ("dropout", "dropper"), ("ops.", "opx.")]


def _parses(source: bytes) -> bool:
    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError:
        return False
    return True


def test_damaged_examples_are_checked_soundly():
    """Each rule example under each damage: where the text check lets the file skip, parsing it finds
    nothing. Both outcomes must occur, or the property proves nothing (mixed_code alone almost always
    holds a rule's example, so the check says "parse" and the property has nothing to assert)."""
    outcomes = {True: 0, False: 0}
    for snippet in SNIPPETS:
        for old, new in DAMAGE:
            source = snippet.replace(old, new).encode()
            if old in snippet and _parses(source):
                outcomes[transforms.might_need_rewrite(source, OPTIONS, script=False)] += 1
                assert_sound(source)
    print(f"damaged examples: {outcomes[False]} skipped by the text check, {outcomes[True]} parsed")
    assert outcomes[True] and outcomes[False], outcomes


@pytest.mark.framework
def test_a_real_library_is_checked_soundly():
    """A sample of an installed framework's files (bench/textcheck.py does all of them)."""
    import importlib.util
    from pathlib import Path

    require_framework("mindspore")
    root = Path(list(importlib.util.find_spec("mindspore").submodule_search_locations)[0])
    files = sorted(root.rglob("*.py"))
    for path in files[:: max(1, len(files) // 60)]:  # a sample: bench/textcheck.py checks every file
        source = path.read_bytes()
        try:
            cst.parse_module(source)
        except Exception:
            continue
        assert_sound(source)
