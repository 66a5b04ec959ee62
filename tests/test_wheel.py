"""reprofix as pip installs it: the wheel holds the two packages under `reprofix` (reprofix.codemod,
reprofix.transforms) and nothing else at the top, so that no `codemod` or `transforms` lands in
site-packages beside PyPI's packages of those names; and the installed code runs as it is, without
the checkout's top-level names. About 3 s: the wheel is built without build isolation where the
running Python's setuptools can build it (no download)."""

import importlib.metadata
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from codemod import __version__
from conftest import ROOT, SAMPLES

PACKAGES = ("codemod", "transforms")
SOURCES = ("pyproject.toml", "README.md", *PACKAGES)  # what the build reads


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel of the checkout's files as they are, built from a copy (the build's own files,
    build/ and *.egg-info, stay out of the checkout)."""
    tmp_path = tmp_path_factory.mktemp("build")
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path / "wheel"
    isolation = ["--no-build-isolation"] if _setuptools_builds_wheels() else []
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation, "-w", str(out), str(source)],
                   check=True, capture_output=True, text=True)
    [built] = out.glob("reprofix-*.whl")
    return built


def _setuptools_builds_wheels() -> bool:
    """setuptools 70.1 and later builds wheels itself (earlier ones need the `wheel` package)."""
    try:
        version = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        return False
    return tuple(int(part) for part in version.split(".")[:2] if part.isdigit()) >= (70, 1)


def test_the_wheel_holds_only_reprofix_and_every_file_of_both_packages(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    version = __version__
    tops = {name.split("/")[0] for name in names}
    assert tops == {"reprofix", f"reprofix-{version}.dist-info"}, tops
    assert {name.split("/")[1] for name in names if name.startswith("reprofix/")} == set(PACKAGES)

    # every module, probe file and data file of the checkout (a subpackage missing from pyproject.toml's
    # `packages`, or a data file from `package-data`, would be missing here)
    expected = {f"reprofix/{path.relative_to(ROOT).as_posix()}"
                for package in PACKAGES for path in (ROOT / package).rglob("*")
                if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".json")}
    assert {name for name in names if name.startswith("reprofix/")} == expected

    entry_points = zipfile.ZipFile(wheel).read(f"reprofix-{version}.dist-info/entry_points.txt").decode()
    assert "reprofix = reprofix.codemod.cli:main" in entry_points


RUN = """
import sys
sys.path.insert(0, sys.argv.pop(1))
sys.argv[0] = "reprofix"
from reprofix.codemod.cli import main
from reprofix.codemod.verify import probe
try:
    main()
finally:
    import reprofix.codemod, reprofix.transforms.tables.aliases
    print("loaded from", reprofix.codemod.__file__, reprofix.transforms.tables.aliases.__file__, probe.SITE,
          file=sys.stderr)
    print("top-level", sorted({m.split(".")[0] for m in sys.modules} & {"codemod", "transforms"}), file=sys.stderr)
"""


def test_the_installed_packages_run_without_the_checkouts_names(wheel: Path, tmp_path: Path):
    """The wheel's files, unpacked as pip installs them, run a dry run on two processes: the rule
    tables and their data load from `reprofix.transforms`, and neither `codemod` nor `transforms` is
    ever imported."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pytorch_train.py", "mindspore_train.py", "keras_train.py"):
        shutil.copy(SAMPLES / name, project)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    # -I: neither the working folder nor PYTHONPATH on sys.path, only the unpacked wheel and the
    # installed dependencies
    result = subprocess.run([sys.executable, "-I", "-c", RUN, str(site), "apply", "--dry-run", "-j2", "."],
                            cwd=project, env={**env, "NO_COLOR": "1"}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("reprofix: 3 of 3 file(s) would change, ")
    loaded = next(line for line in result.stderr.splitlines() if line.startswith("loaded from")).split()[2:]
    assert all(Path(path).is_relative_to(site / "reprofix") for path in loaded), loaded
    assert (Path(loaded[2]) / "sitecustomize.py").is_file()
    assert "top-level []" in result.stderr.splitlines()
