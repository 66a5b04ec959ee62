"""Every rule's own before/after examples, run through the real rewriter."""

import re
from pathlib import Path

import pytest

import transforms
from codemod.engine import all_rules
from transforms import NOTE, REPORT, REWRITE, Valid
from transforms.options import SEEDS_RANDOMNESS

ALL_RULES = all_rules()
EXAMPLES = [
    pytest.param(rule, example, id=f"{rule.id}-{type(example).__name__.lower()}-{index}")
    for rule in ALL_RULES.values()
    for index, example in enumerate(rule.examples)
]


@pytest.mark.parametrize("rule, example", EXAMPLES)
def test_rule_example(rule, example):
    """Fixit's standard: valid code gets no finding at all; invalid code gets exactly its rewrite and
    exactly its findings, at their line and column."""
    result = _rewrite(rule, example)
    found = tuple(f.short() for f in result.findings)
    if isinstance(example, Valid):
        assert result.code.decode() == example.code
        assert found == ()
        return
    expected = example.code if example.expected is None else example.expected
    assert result.code.decode() == expected
    assert found == example.findings
    assert any(f.endswith(" " + rule.id) for f in found), "an invalid example shows its own rule"


def _rewrite(rule, example, code: bytes | None = None):
    """The rewrite of the example's language: a Python file, or a configuration file."""
    code = example.code.encode() if code is None else code
    options = transforms.Options(keep_randomness=rule.id in SEEDS_RANDOMNESS)  # the rules only that mode runs
    if rule.language == "yaml":
        return transforms.rewrite_config(code, options)
    return transforms.rewrite(code, options, script=example.script)


@pytest.mark.parametrize("rule, example", EXAMPLES)
def test_rewrite_is_idempotent(rule, example):
    once = _rewrite(rule, example).code
    twice = _rewrite(rule, example, once)
    assert twice.code == once
    assert not [f for f in twice.findings if f.kind == REWRITE]


@pytest.mark.parametrize("rule", list(ALL_RULES.values()), ids=lambda r: r.id)
def test_every_rule_is_documented_and_proven(rule):
    assert re.fullmatch(r"[A-Z]{2}\d{3}", rule.id)
    assert rule.name and " " not in rule.name
    assert rule.fix in (REWRITE, REPORT, NOTE)
    assert rule.summary and rule.why
    assert rule.invalid, "every rule shows what it finds"
    if rule.fix != REWRITE:
        assert rule.valid, "a report rule shows what it must not report"
    if rule.fix == REWRITE:
        assert any(e.expected not in (None, e.code) for e in rule.invalid)


def test_the_rule_table_is_generated_from_the_rules():
    from codemod.docs import rule_table

    page = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text()
    assert rule_table() in page, "run `make rules` (`python -m codemod.docs`) to regenerate docs/rules.md's rule table"


def test_seed_is_used_everywhere():
    source = b"import mindspore\nfrom mindspore import ops\nnoise = ops.StandardNormal()\n"
    code = transforms.rewrite(source, transforms.Options(seed=1234), script=True).code.decode()
    assert "mindspore.set_seed(1234)" in code and "numpy.random.seed(1234)" in code
    assert "random.seed(1234)" in code and "StandardNormal(seed=1234, seed2=1234)" in code


def test_seed_block_aliases_around_a_clashing_name():
    source = b"from numpy import random\nimport mindspore\nx = random.rand(3)\n"
    code = transforms.rewrite(source, script=True).code.decode()
    assert "import random as _reprofix_random" in code
    assert "_reprofix_random.seed(1)" in code
    assert "\nrandom.seed(" not in code


def test_seed_block_goes_after_docstring_future_and_imports():
    source = b'"""Doc."""\nfrom __future__ import annotations\nimport os\nimport mindspore\n\nprint(os.name)\n'
    code = transforms.rewrite(source, script=True).code.decode()
    head, block = code.split(transforms.markers.SEED_BLOCK_START)
    assert head.startswith('"""Doc."""\nfrom __future__ import annotations\nimport os\nimport mindspore\n')
    assert block.index(transforms.markers.SEED_BLOCK_END) < block.index("print(os.name)")


def test_non_script_gets_no_seed_block():
    code = transforms.rewrite(b"import mindspore\n", script=False).code
    assert code == b"import mindspore\n"


def test_file_without_framework_is_untouched():
    source = b"import random\nrandom.shuffle(x)\nclass RandomCrop: pass\n"
    result = transforms.rewrite(source, script=True)
    assert result.code == source and not result.findings


def test_user_class_named_like_an_op_is_reported_not_removed():
    source = (
        b"import mindspore.dataset as ds\n"
        b"from mycv import RandomCrop\n"
        b"class RandomErasing:\n    pass\n"
        b"ops = [RandomErasing(), RandomCrop(24)]\n"
    )
    result = transforms.rewrite(source, script=False)
    assert result.code == source
    assert [(f.rule, f.line) for f in result.findings] == [("MS206", 5), ("MS206", 5)]


def test_aliases_resolve_through_imports():
    source = (
        b"import mindspore.dataset as ds\n"
        b"import mindspore.dataset.transforms as C\n"
        b"from mindspore.dataset.vision import RandomHorizontalFlip as Flip\n"
        b"ops = [ds.vision.RandomVerticalFlip(), C.RandomApply([ds.vision.Invert()]), Flip(), C.TypeCast(1)]\n"
    )
    code = transforms.rewrite(source, script=False).code.decode()
    assert code.splitlines()[-1] == "ops = [C.TypeCast(1)]"


def test_positional_keep_prob_and_p_are_not_confused():
    source = b"from mindspore import nn\ncells = nn.SequentialCell([nn.Dense(4, 4), nn.Dropout(0.9), nn.ReLU()])\n"
    code = transforms.rewrite(source, script=False).code.decode()
    assert "nn.SequentialCell([nn.Dense(4, 4), nn.Dropout(1.0), nn.ReLU()])" in code  # keep_prob, a float
    assert "# [reprofix MS201] was: nn.Dropout(0.9)" in code


def test_a_list_that_loses_every_op_takes_its_map_with_it():
    source = (
        b"import mindspore.dataset.vision as V\n"
        b"def f(data, train):\n"
        b"    aug = [V.RandomHorizontalFlip(), V.RandomVerticalFlip()]\n"
        b"    if train:\n"
        b"        data = data.map(aug, input_columns='image')\n"
        b"    return data\n"
    )
    code = transforms.rewrite(source, script=False).code.decode()
    compile(code, "x", "exec")
    assert "        pass\n" in code  # the if block kept a statement
    assert "# [reprofix MS104]         data = data.map(aug, input_columns='image')" not in code
    assert "    # [reprofix MS104] aug = [V.RandomHorizontalFlip(), V.RandomVerticalFlip()]" in code


def test_sampler_excludes_shuffle():
    source = b"import mindspore.dataset as ds\nd = ds.Cifar10Dataset(p, sampler=ds.PKSampler(4))\n"
    code = transforms.rewrite(source, script=False).code.decode()
    assert "shuffle=False" in code and "PKSampler(4, shuffle=False)" in code
    assert "Cifar10Dataset(p, sampler=ds.PKSampler(4, shuffle=False), num_parallel_workers=1)" in code


def test_multiline_call_keeps_its_layout():
    source = (
        b"import mindspore.dataset as ds\n"
        b"data = ds.MnistDataset(\n"
        b"    path,\n"
        b"    num_parallel_workers=8,\n"
        b")\n"
    )
    code = transforms.rewrite(source, script=False).code.decode()
    assert code.endswith("data = ds.MnistDataset(\n    path,\n    num_parallel_workers=1,\n    shuffle=False,\n)\n")


def test_syntax_error_has_a_position():
    with pytest.raises(transforms.SourceError) as info:
        transforms.rewrite(b"import mindspore\nprint 'py2'\n")
    assert info.value.line == 2 and info.value.col >= 1


def test_lists_grown_in_steps():
    source = (
        b"import mindspore.dataset.vision as V\n"
        b"def g(data):\n"
        b"    trans = [V.RandomHorizontalFlip()]\n"
        b"    trans += [V.RandomVerticalFlip(), V.HWC2CHW()]\n"
        b"    trans.append(V.RandomInvert())\n"
        b"    return data.map(operations=trans).batch(2)\n"
    )
    code = transforms.rewrite(source, script=False).code.decode()
    assert code == (
        "import mindspore.dataset.vision as V\n"
        "def g(data):\n"
        "    # [reprofix MS104] removed from list: V.RandomHorizontalFlip()\n"
        "    trans = []\n"
        "    # [reprofix MS104] removed from list: V.RandomVerticalFlip()\n"
        "    trans += [V.HWC2CHW()]\n"
        "    # [reprofix MS104] trans.append(V.RandomInvert())\n"
        "    return data.map(operations=trans, num_parallel_workers=1).batch(2, num_parallel_workers=1)\n"
    )


def test_nested_rewrites_survive_their_parent_giving_way():
    source = (
        b"import mindspore.dataset as ds\nfrom mindspore import ops\n"
        b"y = ops.dropout(ops.dropout(x, p=0.1) + 1, p=0.2)\n"
        b"train = ds.MnistDataset(p).shuffle(4).batch(2)\n"
    )
    code = transforms.rewrite(source, script=False).code.decode()
    assert "\ny = (x + 1)\n" in code
    assert "\ntrain = ds.MnistDataset(p, shuffle=False, num_parallel_workers=1).batch(2, num_parallel_workers=1)\n" in code


def test_imported_project_classes_are_reported_but_generators_are_not():
    source = (
        b"import random\nimport numpy as np\nimport mindspore\nfrom src.aug import RandomErasing, Randomize\n"
        b"rng = np.random.RandomState(0)\nr = random.Random(1)\nop = RandomErasing(0.5)\nz = Randomize()\n"
    )
    result = transforms.rewrite(source, script=False)
    assert result.code == source
    assert [(f.rule, f.line) for f in result.findings] == [("MS206", 7)]


NAMES = {"mindspore": "MindSpore", "pytorch": "PyTorch", "keras": "Keras", "paddle": "Paddle"}


@pytest.mark.parametrize("rule, example", EXAMPLES)
def test_messages_name_only_their_own_framework(rule, example):
    """A message comes from the framework's own table: PyTorch code is never told what MindSpore does."""
    result = _rewrite(rule, example)
    for finding in result.findings:
        framework = ALL_RULES[finding.rule].framework
        others = [name for key, name in NAMES.items() if key != framework]
        assert not [name for name in others if name in finding.message], (finding.rule, finding.message)
