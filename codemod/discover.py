"""Which files to rewrite: directories walked with the usual exclusions, and the project-local modules
an entry script imports, resolved the way Python would resolve them.

Nothing here parses Python: imports and `__main__` guards are found with a text scan, so following a
project costs no parse beyond the one each file gets anyway.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Callable

import pathspec

from ._rules import load
from .paths import holds_marker, kind

syspath, textscan = load("parse.syspath"), load("parse.textscan")

SKIPPED_DIRS = frozenset(
    {"__pycache__", "build", "dist", "node_modules", "site-packages", "venv", "env", "__pypackages__"}
)
CONFIG_SUFFIXES = (".yaml", ".yml")  # configuration files (a hidden one, `.pre-commit-config.yaml`, is a tool's)
SUFFIXES = (".py", ".ipynb", *CONFIG_SUFFIXES)  # Python files, Jupyter notebooks, configuration files
_MAIN_GUARD = re.compile(rb"(?:^|(?<=\r))if[ \t]+__name__[ \t]*==[ \t]*['\"]__main__['\"][ \t]*:", re.MULTILINE)  # \r: classic Mac line ends


def has_main_guard(source: bytes) -> bool:
    return b"__main__" in source and _MAIN_GUARD.search(source) is not None


imports = textscan.imports


def sys_path_folders(source: bytes, path: str) -> tuple[tuple[str, bool], ...]:
    """The folders a file adds to sys.path, computed from its location: (folder, inserted first)."""
    if b"sys.path" not in source:
        return ()
    real = os.path.realpath(path)
    found = []
    for line, folder in syspath.additions(source, real):
        if folder is not None:
            text = source.split(b"\n")[line - 1]
            found.append((os.path.realpath(folder), b".insert" in text))
    return tuple(found)


class Finder:
    """Project roots and import resolution for one run. In a tree the same folders and imports come
    up again and again, and each answer costs file-system calls, so answers are remembered (for one
    run only: files may change between runs)."""

    def __init__(self) -> None:
        self._roots: dict[Path, Path | None] = {}
        self._found: dict[tuple, list[Path] | None] = {}
        self._real: dict[Path, Path] = {}
        self._listings: dict[Path, frozenset[str]] = {}
        self._relative: dict[tuple[Path, Path], str | None] = {}

    def project_root(self, path: Path) -> Path:
        start = path if path.is_dir() else path.parent
        return self.marked(start) or start

    def marked(self, folder: Path) -> Path | None:
        """The nearest folder at or above `folder` holding a project marker, or None."""
        if folder not in self._roots:
            if holds_marker(folder):
                self._roots[folder] = folder
            else:
                self._roots[folder] = None if folder.parent == folder else self.marked(folder.parent)
        return self._roots[folder]

    def real(self, path: Path) -> Path:
        if path not in self._real:
            self._real[path] = path.resolve()
        return self._real[path]

    def relative(self, path: Path, folder: Path) -> str | None:
        """`path` (resolved) relative to `folder` (resolved), as posix; None if it is outside."""
        key = (path, folder)
        if key not in self._relative:
            try:
                self._relative[key] = self.real(path).relative_to(folder).as_posix()
            except ValueError:
                self._relative[key] = None
        return self._relative[key]

    def resolve(self, importer: Path, module: str, names: tuple[str, ...], search: list[Path], root: Path) -> list[Path]:
        """The project files an import executes: packages' `__init__.py` on the way, the module, and
        submodules named in a from-import. Only files under `root`; installed libraries never match."""
        level = len(module) - len(module.lstrip("."))
        dotted = module[level:]
        parts = tuple(dotted.split(".")) if dotted else ()
        for base in _bases(importer, level, search):
            if parts and not self._holds(base, parts[0]):
                continue  # neither a package nor a module of that name here (most imports: libraries)
            key = (base, parts, names)
            if key not in self._found:
                self._found[key] = _find(base, parts, names)
            found = self._found[key]
            if found is not None:
                return [f for f in found if self._inside(f, root)]
        return []

    def _holds(self, folder: Path, name: str) -> bool:
        if folder not in self._listings:
            try:
                self._listings[folder] = frozenset(os.listdir(folder))
            except OSError:
                self._listings[folder] = frozenset()
        listing = self._listings[folder]
        return name in listing or f"{name}.py" in listing

    def _inside(self, path: Path, root: Path) -> bool:
        try:
            self.real(path).relative_to(self.real(root))
        except ValueError:
            return False
        return True


def _bases(importer: Path, level: int, search: list[Path]) -> list[Path]:
    """Where an import looks: for a relative one (`level` dots), the package that many levels up from
    the importer; else the search path."""
    if not level:
        return search
    base = importer.parent
    for _ in range(level - 1):
        base = base.parent
    return [base]


def _find(base: Path, parts: tuple[str, ...], names: tuple[str, ...]) -> list[Path] | None:
    found: list[Path] = []
    folder = base
    for i, part in enumerate(parts):
        package = folder / part
        if (package / "__init__.py").is_file():
            found.append(package / "__init__.py")
            folder = package
        elif i == len(parts) - 1 and (folder / f"{part}.py").is_file():
            return found + [folder / f"{part}.py"]
        elif package.is_dir():
            folder = package  # a namespace package
        else:
            return None
    found += _submodules(folder, names)
    return found if (found or parts) else None


def _submodules(folder: Path, names: tuple[str, ...]) -> list[Path]:
    """The modules and packages of `folder` a `from package import a, b` names."""
    found = []
    for name in names:
        if (folder / f"{name}.py").is_file():
            found.append(folder / f"{name}.py")
        elif (folder / name / "__init__.py").is_file():
            found.append(folder / name / "__init__.py")
    return found


class Ignore:
    """`.gitignore` files met on the way down, plus `--exclude` globs (gitignore syntax)."""

    def __init__(self, top: Path, excludes: list[str], cwd: Path):
        self.cwd = cwd
        self.excludes = pathspec.GitIgnoreSpec.from_lines(excludes)
        self.specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
        above = [top]
        for folder in top.parents:  # .gitignore files from the repository's top down to `top`
            if (above[-1] / ".git").exists():
                break
            above.append(folder)
        if not (above[-1] / ".git").exists():
            above = [top]
        for folder in reversed(above):
            self._load(folder)

    def _load(self, folder: Path) -> None:
        gitignore = folder / ".gitignore"
        try:
            if not gitignore.is_file():
                return
            lines = gitignore.read_text(errors="replace").splitlines()
        except OSError:
            return
        self.specs.append((folder, pathspec.GitIgnoreSpec.from_lines(lines)))

    def ignored(self, path: Path, is_dir: bool) -> bool:
        for folder, spec in self.specs:
            try:
                rel = path.relative_to(folder).as_posix()
            except ValueError:
                continue
            if spec.match_file(rel + ("/" if is_dir else "")):
                return True
        try:
            rel = path.relative_to(self.cwd).as_posix()
        except ValueError:
            rel = path.as_posix()
        return self.excludes.match_file(rel + ("/" if is_dir else ""))


def python_files(top: Path, excludes: list[str], cwd: Path, skipped: list | None = None,
                 found: Callable[[int], None] | None = None) -> list[Path]:
    """Every .py file and notebook under `top`, skipping hidden folders, virtual environments, build folders,
    what .gitignore ignores and what `excludes` names; sorted. Symbolic links are skipped; so are
    files that are not regular files (a FIFO or a device named `x.py`), listed with why in `skipped`.
    `found` hears how many files the walk has found so far, after each one."""
    ignore = Ignore(top, excludes, cwd)
    result = []
    skipped = [] if skipped is None else skipped

    def unreadable(error: OSError) -> None:  # a folder os.walk cannot list: skipped, with why
        skipped.append((Path(error.filename or top), f"cannot be read ({error.strerror})"))

    for folder, dirs, files in os.walk(top, onerror=unreadable):
        here = Path(folder)
        if here != top:
            ignore._load(here)
        dirs[:] = [name for name in sorted(dirs) if not _skipped_folder(here / name, ignore, skipped)]
        for name in sorted(files):
            path = here / name
            if (name.endswith(SUFFIXES) and not (name.startswith(".") and name.endswith(CONFIG_SUFFIXES))
                    and not ignore.ignored(path, False) and _regular(path, skipped)):
                result.append(path)
                if found is not None:
                    found(len(result))
    return sorted(result)


def _skipped_folder(path: Path, ignore: Ignore, skipped: list) -> bool:
    """Hidden folders, virtual environments, build folders, and what is ignored; a folder that cannot
    be entered (a root-owned `data/`, a path longer than the system takes) is skipped, with why."""
    name = path.name
    if name.startswith(".") or name in SKIPPED_DIRS or name.endswith(".egg-info") or ignore.ignored(path, True):
        return True
    try:
        os.stat(path / "pyvenv.cfg")
    except FileNotFoundError:
        return False
    except OSError as error:
        if error.errno in (errno.ENOTDIR, errno.ELOOP):
            return False
        skipped.append((path, f"cannot be read ({error.strerror})"))
    return True


def _regular(path: Path, skipped: list | None) -> bool:
    """Whether `path` is a regular file; one that is neither that nor a symbolic link goes to
    `skipped`, with why."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    if not stat.S_ISREG(mode) and not stat.S_ISLNK(mode) and skipped is not None:
        skipped.append((path, f"is {kind(mode)}, not a regular file"))
    return stat.S_ISREG(mode)
