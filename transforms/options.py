"""What a run asks of the rewrites: the seed, the rules turned off, the project's own names. Its own
module so that the engine can build it without loading libcst."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


# `apply --keep-randomness`: the rules that take randomness out (random ops, shuffling, samplers,
# worker counts, dropout rates, in code and configuration) are off; the seed blocks and the
# determinism switches stay (cudnn.benchmark, tf.data's deterministic, a seed for MindSpore's random
# ops, MindSpore's one worker where order would vary), and the rules that seed what stays are on.
REMOVES_RANDOMNESS = frozenset({
    "CF104", "CF105", "CF108", "CF204",
    "KR101", "KR104", "KR107", "KR110", "KR111", "KR201", "KR202", "KR203",
    "MS101", "MS102", "MS103", "MS104", "MS105", "MS106", "MS107", "MS201", "MS202", "MS203", "MS208",
    "PD101", "PD102", "PD104", "PD105", "PD106", "PD108", "PD201", "PD202", "PD203",
    "PT101", "PT102", "PT104", "PT105", "PT106", "PT108", "PT201", "PT202", "PT203", "PT204",
    # and the reports that advise taking randomness out: augmentations and dropout the project or a
    # library keeps, random hyper-parameters (all drawn from the generators the seed block seeds)
    "KR206", "KR207", "KR301", "MS206", "MS207", "MS301", "PD206", "PD207", "PD301",
    "PT206", "PT207", "PT208", "PT301",
})
SEEDS_RANDOMNESS = frozenset({"KR112", "KR113", "MS209", "PD112", "PD113", "PT112", "PT113", "PT114"})  # only with --keep-randomness


@dataclass(frozen=True)
class Options:
    seed: int = 1
    disabled: frozenset[str] = frozenset()  # rule ids to skip (with those keep_randomness turns off)
    keep_randomness: bool = False  # seed what is random instead of taking it out (see REMOVES_RANDOMNESS)
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

    def __post_init__(self) -> None:
        off = REMOVES_RANDOMNESS if self.keep_randomness else SEEDS_RANDOMNESS
        object.__setattr__(self, "disabled", frozenset(self.disabled) | off)

    def extra_names(self) -> tuple[str, ...]:
        """The project's own class names the rules react to, for the text check."""
        configured = self.dropout_classes + self.random_data_ops  # `layers.Stochastic:rate`: the class, its rate
        return tuple(name.partition(":")[0] for name in configured) + tuple(sorted(self.project_classes))
