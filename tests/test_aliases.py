"""The alias table and the sources' parameter lists (`transforms/tables/data/`, derived from the
installed frameworks by `python -m transforms.tables.derive`): consistent with the tables, used when
names resolve, and true of the real frameworks."""

import json
import os
import subprocess
import sys

import pytest

import transforms
from conftest import ROOT, require_framework
from transforms.tables import aliases, derive, mindspore, paddle, pytorch
from transforms.tables.frameworks import FRAMEWORKS

TABLES = {table.name: table for table in FRAMEWORKS}
DATA = {name: aliases.derived(name) for name in TABLES}


def test_every_alias_names_a_table_name_and_is_not_one():
    for name, table in TABLES.items():
        names, _ = derive.table_names(table)
        table_aliases = DATA[name]["aliases"]
        assert table_aliases, name
        assert set(table_aliases.values()) <= names, name
        assert not set(table_aliases) & names, name
        assert all(derive.is_public(alias) for alias in table_aliases), name


def test_canonical_gives_the_table_name_and_leaves_other_names_alone():
    assert aliases.canonical("mindspore.dataset.engine.ImageFolderDataset") == "mindspore.dataset.ImageFolderDataset"
    assert aliases.canonical("mindspore.dataset.engine.datasets_vision.ImageFolderDataset") == "mindspore.dataset.ImageFolderDataset"
    assert aliases.canonical("torch.nn.modules.dropout.Dropout") == "torch.nn.Dropout"
    assert aliases.canonical("torchvision.transforms.transforms.RandomCrop") == "torchvision.transforms.RandomCrop"
    assert aliases.canonical("paddle.io.reader.DataLoader") == "paddle.io.DataLoader"
    assert aliases.canonical("keras.src.layers.regularization.dropout.Dropout") == "keras.layers.Dropout"
    for name in ("mindspore.dataset.ImageFolderDataset", "torch.nn.Dropout", "numpy.random.rand", "src.model.Dropout",
                 "tensorflow.keras.layers.Dropout"):
        assert aliases.canonical(name) == name
    assert "mindspore.dataset.engine.ImageFolderDataset" in aliases.names()
    assert "torch.nn.Dropout" not in aliases.names()


def test_the_tables_read_their_sources_from_the_data():
    assert mindspore.SOURCES.signatures == aliases.signatures("mindspore")
    assert len(mindspore.SOURCES.signatures) == 68
    assert mindspore.SOURCES.signatures["mindspore.dataset.ImageFolderDataset"] == (
        "dataset_dir", "num_samples", "num_parallel_workers", "shuffle", "sampler", "extensions", "class_indexing",
        "decode", "num_shards", "shard_id", "cache", "decrypt")
    assert set(pytorch.SOURCES.signatures) == {"torch.utils.data.DataLoader", "torch.utils.data.dataloader.DataLoader"}
    assert pytorch.SOURCES.param("torch.utils.data.DataLoader", "num_workers") == transforms.facts.Param("num_workers", 5)
    assert paddle.SOURCES.param("paddle.io.DataLoader", "shuffle") == transforms.facts.Param("shuffle", 6)


def test_the_data_files_are_in_the_tools_own_stable_form():
    for name in TABLES:
        text = (ROOT / "transforms" / "tables" / "data" / f"{name}.json").read_text()
        assert derive.dump(json.loads(text)) == text
        assert set(json.loads(text)) == {"framework", "derived_from", "not_installed", "aliases", "signatures",
                                         "missing", "modules", "unimportable"}


def test_tensorflow_names_are_derived_beside_keras():
    """TensorFlow is installed with the keras extra: its `tensorflow.compat.v1` paths resolve to the
    names the tables list (`tf.compat.v1.random_crop` is `tf.image.random_crop`)."""
    assert DATA["keras"]["not_installed"] == []
    assert DATA["keras"]["aliases"]["tensorflow.compat.v1.random_crop"] == "tensorflow.image.random_crop"


def test_aliases_resolve_in_a_file_that_only_an_alias_makes_relevant():
    """Not an entry script, no keyword or pattern of any rule: only the alias table tells the text
    check, and then the fixers, what `de.ImageFolderDataset` and `vt.RandomCrop` are."""
    source = (b"import mindspore.dataset.engine.datasets_vision as dv\n"
              b"data = dv.ImageFolderDataset(path)\n")
    result = transforms.rewrite(source, transforms.Options(), script=False)
    assert result.code == (b"import mindspore.dataset.engine.datasets_vision as dv\n"
                           b"data = dv.ImageFolderDataset(path, shuffle=False, num_parallel_workers=1)\n")
    assert tuple(f.short() for f in result.findings) == ("2:8 MS105", "2:8 MS108", "2:8 MS304")
    source = b"from torchvision.transforms import transforms as vt\ncrop = vt.RandomCrop(32)\n"
    result = transforms.rewrite(source, transforms.Options(), script=False)
    assert result.code == (b"from torchvision.transforms import transforms as vt\nimport torchvision.transforms\n"
                           b"# [reprofix PT101] was: vt.RandomCrop(32)\ncrop = torchvision.transforms.CenterCrop(32)\n")
    assert tuple(f.short() for f in result.findings) == ("2:8 PT101",)


def test_loading_the_aliases_needs_no_libcst():
    code = ("import sys; from transforms.tables import aliases; aliases.canonical('x'); "
            "assert 'libcst' not in sys.modules, 'libcst imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


# ---- against the real frameworks -----------------------------------------------------------------
PACKAGES = [  # (table, package, an alias a script may import: the case and its kin)
    ("mindspore", "mindspore", "mindspore.dataset.engine.ImageFolderDataset"),
    ("pytorch", "torch", "torch.nn.modules.dropout.Dropout"),
    ("pytorch", "torchvision", "torchvision.transforms.transforms.RandomCrop"),
    ("paddle", "paddle", "paddle.io.reader.DataLoader"),
    ("keras", "keras", "keras.src.layers.Dropout"),
]


@pytest.mark.framework
@pytest.mark.parametrize("framework, package, example", PACKAGES, ids=[p for _, p, _ in PACKAGES])
def test_the_data_is_true_of_the_installed_framework(tmp_path, framework, package, example):
    """In a fresh process (as a user's script imports it): every alias is the very object of its
    canonical name, and the derivation redone over every module that importing the framework and
    the aliases loads gives exactly the data's entries for those modules (`python -m
    transforms.tables.derive --check` redoes it over every public module: about a minute)."""
    require_framework(package)
    out = tmp_path / "snapshot.json"
    code = ("import json, sys; from transforms.tables import derive; "
            "open(sys.argv[3], 'w').write(json.dumps(derive.snapshot(sys.argv[1], sys.argv[2])))")
    env = {**os.environ, **derive.ENVIRONMENT, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, framework, package, str(out)], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    now = json.loads(out.read_text())
    data = DATA[framework]
    assert now["version"] == data["derived_from"][package], "run `python -m transforms.tables.derive`"

    own = {alias: name for alias, name in data["aliases"].items() if alias.split(".")[0] == package}
    assert sorted(now["identical"]) == sorted(own)
    assert [alias for alias, same in now["identical"].items() if not same] == []
    assert now["identical"][example] is True

    scanned = set(now["scanned"])
    assert {alias.rsplit(".", 1)[0] for alias in own} <= scanned
    assert now["aliases"] == {alias: name for alias, name in own.items() if alias.rsplit(".", 1)[0] in scanned}
    assert now["missing"] == [n for n in data["missing"] if n.split(".")[0] == package]
    assert now["signatures"] == {n: p for n, p in data["signatures"].items() if n.split(".")[0] == package}
