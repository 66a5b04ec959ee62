"""The corpora the benchmarks run on, and how each is copied to a temporary folder.

- training code: the model-zoo sample, `../shared/corpora/model-zoo-sample.tar.gz` beside the project
  (950 files of a public MindSpore model zoo: entry scripts, `src/` datasets and models);
- library code: every .py file of the installed `mindspore` package (about 2,100 files);
- this project's own samples (for the identity check only).

A corpus is a folder or a .tar.gz; only its .py files are copied, never into the project.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ZOO = ROOT.parent / "shared" / "corpora" / "model-zoo-sample.tar.gz"


def library(package: str = "mindspore") -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def default_corpora(with_samples: bool = False) -> dict[str, Path]:
    """name -> source, training code first; those not found here are left out."""
    found = {}
    if ZOO.exists():
        found["model-zoo"] = ZOO
    mindspore = library()
    if mindspore is not None:
        found["mindspore"] = mindspore
    if with_samples:
        found["samples"] = ROOT / "samples"
    return found


def _only_python(folder: str, names: list[str]) -> list[str]:
    """copytree filter: keep folders and .py files only."""
    return [n for n in names if not n.endswith(".py") and not os.path.isdir(os.path.join(folder, n)) or n == "__pycache__"]


def unpack(source: Path, target: Path) -> list[Path]:
    """Copy the corpus's .py files to `target` (a new folder); its files, sorted."""
    if source.is_dir():
        shutil.copytree(source, target, ignore=_only_python)
    else:
        target.mkdir(parents=True)
        with tarfile.open(source) as archive:
            members = [m for m in archive.getmembers() if m.isfile() and m.name.endswith(".py")]
            archive.extractall(target, members=members, filter="data")
    return sorted(target.rglob("*.py"))
