"""`[tool.reprofix]` in pyproject.toml. Command-line options override it; unknown keys are errors."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .paths import parse_size

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib


SEED_RANGE = "a whole number from 0 to 4294967295"  # what every framework's seed function takes


def seed_in_range(seed: int) -> bool:
    return 0 <= seed < 2**32


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line naming the file."""


@dataclass
class Config:
    path: Path | None = None
    seed: int | None = None
    exclude: list[str] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    dropout_classes: list[str] = field(default_factory=list)
    random_data_ops: list[str] = field(default_factory=list)
    entry: list[str] = field(default_factory=list)
    patch: str | None = None  # relative to the folder holding pyproject.toml
    max_file_size: int | None = None


# key in pyproject.toml -> (attribute, type, what it is)
KEYS = {
    "seed": ("seed", int, "the seed (default 1)"),
    "exclude": ("exclude", list, "gitignore-style globs of files and folders to skip"),
    "disable": ("disable", list, "rule ids not to apply or report"),
    "dropout-classes": ("dropout_classes", list, "the project's own dropout layers: `Class:param` (param set to 0.0) or `Class` (made a no-op layer)"),
    "random-data-ops": ("random_data_ops", list, "the project's own random data ops, disabled"),
    "entry": ("entry", list, "entry scripts that get the seed block"),
    "patch": ("patch", str, "where the patch is written, relative to pyproject.toml (default reprofix.patch at the project root)"),
    "max-file-size": ("max_file_size", "size", "files larger than this are skipped (bytes, or 5M, 512K; default 5M)"),
}

# what a value of each type must be, as the error says it
MUST_BE = {list: "a list of strings", int: SEED_RANGE, str: "a string"}


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` (the first one found, as black and ruff do)."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load(start: Path, known_rules: Callable[[], set[str]] | None) -> Config:
    """The [tool.reprofix] table of the pyproject.toml nearest `start`, checked. `known_rules` gives
    the rule ids a `disable` may name; it is called only when there is one (loading every rule's table
    costs a command that needs none, such as `scan --leftovers`)."""
    path = find_pyproject(start)
    if path is None:
        return Config()
    section = _read(path).get("tool", {}).get("reprofix")
    if section is None:
        return Config(path=path)
    where = f"{path}: [tool.reprofix]"
    if not isinstance(section, dict):
        raise ConfigError(f"{where} must be a table")
    config = Config(path=path)
    for key, value in section.items():
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}; known keys: {', '.join(KEYS)}")
        attribute, kind, _ = KEYS[key]
        setattr(config, attribute, _value(where, key, kind, value))
    unknown = sorted(set(config.disable) - known_rules()) if known_rules is not None and config.disable else []
    if unknown:
        raise ConfigError(f"{where}: disable names unknown rule id(s) {', '.join(unknown)}")
    return config


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except (RecursionError, MemoryError):
        raise ConfigError(f"{path}: a value nested too deeply to read") from None


def _value(where: str, key: str, kind, value):
    """The value of `key`, checked against its kind (a size is read into bytes)."""
    if kind == "size":
        return _size(where, key, value)
    if not _fits(kind, value):
        raise ConfigError(f"{where}: {key} must be {MUST_BE[kind]}")
    return value


def _fits(kind: type, value) -> bool:
    if kind is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind is int:  # the seed
        return isinstance(value, int) and not isinstance(value, bool) and seed_in_range(value)
    return isinstance(value, kind)


def _size(where: str, key: str, value) -> int:
    try:
        return parse_size(str(value)) if not isinstance(value, bool) else parse_size("")
    except ValueError as error:
        raise ConfigError(f"{where}: {key}: {error}") from None
