"""Every table is consistent: each fact has its fixer, each rule acts on something, ids are unique,
and no name is claimed by two facts that would each rewrite it."""

import re

import pytest

from transforms import facts
from transforms.fixers import FIXERS
from transforms.tables.frameworks import FRAMEWORKS, RULES, TABLES

# Facts the pipeline handles itself rather than through a fixer (configuration files: transforms.configs).
PIPELINE_FACTS = (facts.SeedBlock, facts.TextPattern, facts.ConfigSettings, facts.ConfigOps)
# Facts that each rewrite the call they name: a name claimed by two of them would be ambiguous.
EXCLUSIVE = (facts.ReplaceOps, facts.DisableOps, facts.DropoutLayers, facts.PassThrough, facts.SeededOps,
             facts.CallArguments)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_fact_has_its_fixer_and_every_rule_a_fact(table):
    prefixes = {rule.id[:2] for rule in table.rules}
    assert len(prefixes) == 1, f"one id prefix per table, not {prefixes}"
    for rule in table.rules:
        assert rule.framework == table.name
        assert rule.facts, f"{rule.id} acts on nothing"
        for fact in rule.facts:
            assert isinstance(fact, PIPELINE_FACTS) or type(fact) in FIXERS, f"{rule.id}: no fixer for {type(fact).__name__}"


def test_rule_ids_are_unique_across_tables():
    ids = [rule.id for table in TABLES for rule in table.rules]
    assert len(ids) == len(set(ids)) == len(RULES)
    assert all(re.fullmatch(r"[A-Z]{2}\d{3}", i) for i in ids)


def test_every_kind_of_fact_is_used_and_each_fixer_handles_its_own():
    used = {type(fact) for table in TABLES for rule in table.rules for fact in rule.facts}
    assert set(FIXERS) <= used, f"fixers nothing uses: {set(FIXERS) - used}"
    for kind, fixer in FIXERS.items():
        assert fixer.fact is kind and fixer.__doc__, kind


@pytest.mark.parametrize("table", FRAMEWORKS, ids=lambda t: t.name)
def test_no_name_is_rewritten_by_two_facts(table):
    """In each mode (plain, and --keep-randomness, whose rules never run together with those it
    turns off), one fact at most rewrites a name."""
    from transforms.options import Options

    for options in (Options(), Options(keep_randomness=True)):
        owner: dict[str, str] = {}
        for fact, rule in table.facts(facts.Fact):
            if not isinstance(fact, EXCLUSIVE) or rule.id in options.disabled:
                continue
            for name in fact.names():
                assert owner.setdefault(name, rule.id) == rule.id, f"{name}: {owner[name]} and {rule.id}"
                assert name.split(".")[0] in table.import_roots, name


@pytest.mark.parametrize("table", FRAMEWORKS, ids=lambda t: t.name)
def test_one_seed_block_and_settings_that_fit_their_sources(table):
    assert len(list(table.facts(facts.SeedBlock))) == 1
    for fact, rule in table.facts(facts.SourceSetting):
        assert any(fact.param in params for params in fact.sources.signatures.values()), rule.id
        assert fact.beside_sampler in ("set", "replace", "skip"), rule.id
    for fact, rule in table.facts(facts.Samplers):
        for fix in fact.fixes.values():
            assert fix.action in ("rename", "no_shuffle", "ok"), rule.id
            assert (fix.action == "rename") == bool(fix.rename_to) and (fix.action == "no_shuffle") == bool(fix.shuffle)


@pytest.mark.framework
def test_the_torchvision_models_that_keep_randomness_are_exactly_those_listed_and_their_keywords_end_it():
    """Every classification model torchvision lists is built (on the meta device: no memory): those
    with a dropout or stochastic depth above 0 are exactly PT208's builders, and built with the
    keywords PT208 names (or, where it names none, with `.p = 0.0` set as it says), none is left. RegNet cannot be built on the meta device (its init copies
    data); its smallest is built for real to show the family has none."""
    from conftest import require_framework
    require_framework("torchvision")
    import torch
    from torchvision import models
    from torchvision.ops import StochasticDepth

    from transforms.tables.pytorch import LIBRARY_MODELS

    def random_layers(model) -> int:
        return sum(1 for m in model.modules()
                   if isinstance(m, (torch.nn.modules.dropout._DropoutNd, StochasticDepth)) and m.p > 0)

    def build(name: str, **keywords):
        if name.startswith("regnet"):
            return models.get_model("regnet_x_400mf", weights=None, **keywords)
        with torch.device("meta"):
            return models.get_model(name, weights=None, **keywords)

    listed = {name.rsplit(".", 1)[1]: keywords for name, keywords in LIBRARY_MODELS.items()}
    names = models.list_models(module=models)
    assert set(listed) <= set(names)
    random = {name for name in names if random_layers(build(name))}
    assert random == set(listed)
    for name, keywords in listed.items():
        model = build(name, **{k: 0.0 for k in keywords})
        if not keywords:  # what PT208 says to do instead
            for module in model.modules():
                if isinstance(module, StochasticDepth):
                    module.p = 0.0
        assert random_layers(model) == 0, name


@pytest.mark.framework
def test_the_seed_positions_of_keras_layers_and_tf_random_ops_are_those_of_the_installed_framework():
    """KR113 adds `seed=` only where none is passed, by keyword or at its position: each position the
    table holds is the one `inspect.signature` gives for the installed Keras 3 and TensorFlow (a wrong
    one would add a second seed beside a positional one: TypeError)."""
    import inspect
    import os

    from conftest import require_framework
    require_framework("tensorflow")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    import tensorflow as tf

    from transforms.tables.keras import SEEDED_OPS

    checked = 0
    for name, (param,) in SEEDED_OPS.items():
        module, _, attr = name.rpartition(".")
        owner = {"keras.layers": keras.layers, "tensorflow.keras.layers": tf.keras.layers,
                 "tensorflow.random": tf.random}[module]
        target = getattr(owner, attr)
        signature = inspect.signature(target.__init__ if inspect.isclass(target) else target)
        names = [p.name for p in signature.parameters.values()
                 if p.name != "self" and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        assert names.index("seed") == param.position, name
        checked += 1
    assert checked == len(SEEDED_OPS) == 67
