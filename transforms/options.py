"""What a run asks of the rewrites: the seed, the rules turned off, the project's own names. Its own
module so that the engine can build it without loading libcst."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Options:
    seed: int = 1
    disabled: frozenset[str] = frozenset()  # rule ids to skip
    dropout_classes: tuple[str, ...] = ()  # the project's own dropout layers: made no-ops
    random_data_ops: tuple[str, ...] = ()  # the project's own random data ops: disabled
    project_modules: frozenset[str] = frozenset()  # top-level names of the project's own modules
    # the project's classes that subclass a framework's without an __init__ of their own, as other
    # files import them (`src.loader.MyLoader` -> `torch.utils.data.DataLoader`): see `exported_classes`
    project_classes: Mapping[str, str] = field(default_factory=dict)
    package: str = ""  # the file's own package, to read its relative imports (`from .loader import x`)
    # names the run's configuration files build by name (`- RandFlipImage:`, `func_name: mosaic`) ->
    # where (`configs/x.yaml:75`): the project's random classes they reach are reported with them
    config_uses: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def extra_names(self) -> tuple[str, ...]:
        """The project's own class names the rules react to, for the text check."""
        configured = self.dropout_classes + self.random_data_ops  # `layers.Stochastic:rate`: the class, its rate
        return tuple(name.partition(":")[0] for name in configured) + tuple(sorted(self.project_classes))
