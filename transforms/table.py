"""The shape of a framework's rule table: facts, not code.

A framework is described by qualified names (as resolved through each file's imports) and what to do
with each. The rewriter (`transforms.rewriter`) interprets any table; adding a framework means adding
a table like `transforms.mindspore.TABLE`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .rule import Rule


# Values drawn from Python's and NumPy's generators: every framework's hyper-parameter and seed checks
# look for these (the seed block seeds both, but a random hyper-parameter is still a random setting).
PYTHON_RANDOM_VALUES = frozenset(
    [f"random.{n}" for n in (
        "random", "uniform", "randint", "randrange", "choice", "choices", "sample", "gauss",
        "normalvariate", "lognormvariate", "expovariate", "betavariate", "triangular", "getrandbits",
    )]
    + [f"numpy.random.{n}" for n in (
        "rand", "randn", "randint", "random", "random_sample", "uniform", "normal", "choice",
        "permutation", "beta", "gamma", "exponential", "lognormal", "poisson", "binomial",
        "standard_normal",
    )]
)


@dataclass(frozen=True)
class Replacement:
    """A random data op with a deterministic counterpart.

    `parts` are call templates relative to the op's own module (`{size}` is the op's size argument).
    Inside a list literal the parts are spliced in; elsewhere more than one part is wrapped in
    `compose` (the qualified name of the family's Compose).
    """

    rule: str
    parts: tuple[str, ...]
    compose: str
    keep_arguments: bool = False  # the parts take the op's own arguments (all but `seed`): `{args}`


@dataclass(frozen=True)
class Param:
    """A parameter by keyword name and positional index (None: keyword-only or after *args)."""

    name: str
    position: int | None


@dataclass(frozen=True)
class SamplerFix:
    """What to do with a sampler passed to a dataset source: `rename` to a sequential sampler
    keeping only `keep` parameters, or set `shuffle` to False, or `ok` (already sequential)."""

    action: str  # "rename", "no_shuffle", "ok"
    rename_to: str = ""
    keep: tuple[Param, ...] = ()
    shuffle: Param | None = None


@dataclass(frozen=True)
class Setting:
    """An argument of a data loader or source fixed to `value` (rule `role`): only where it is given,
    or not where a sampler is passed (MindSpore refuses shuffle= beside sampler=)."""

    param: str
    value: str
    role: str
    only_if_given: bool = False
    unless_sampler: bool = False


@dataclass(frozen=True)
class ArgFix:
    """An argument of a call fixed to `value` (rule `role`), added when absent unless only_if_given."""

    param: Param
    value: str
    role: str
    only_if_given: bool = False


@dataclass(frozen=True)
class SeedBlock:
    """Statements of the seed block. `imports` are modules the block needs; in `lines`, a module
    is written `{mod:NAME}` and the seed `{seed}`, so the block can alias around name clashes."""

    imports: tuple[str, ...]
    lines: tuple[str, ...]


@dataclass(frozen=True)
class FrameworkTable:
    name: str
    import_roots: tuple[str, ...]
    seed_block: SeedBlock
    rules: tuple[Rule, ...]
    # data pipeline (every fact a framework does not have is simply left empty)
    random_data_ops: dict[str, object] = field(default_factory=dict)  # name -> Replacement, or a rule id: disable
    composers: frozenset[str] = frozenset()  # calls that wrap a list of data ops (Compose): dead list, dead call
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)  # data source/loader -> its parameters
    samplers: dict[str, SamplerFix] = field(default_factory=dict)
    map_methods: frozenset[str] = frozenset()  # dataset methods that take `operations` first: map
    shuffle_methods: frozenset[str] = frozenset()  # dataset methods that shuffle: shuffle
    worker_setters: dict[str, Param] = field(default_factory=dict)  # global worker setters -> the count
    # network
    dropout_layers: dict[str, str] = field(default_factory=dict)  # dropout layer -> no-op layer's name
    dropout_functions: dict[str, Param] = field(default_factory=dict)  # call -> the input it gives way to
    dropout_primitives: dict[str, Param] = field(default_factory=dict)  # primitive -> its keep_prob
    seeded_ops: dict[str, tuple[Param, ...]] = field(default_factory=dict)  # random op -> its seed parameters
    unseedable_ops: frozenset[str] = frozenset()
    ascend_nondeterministic: frozenset[str] = frozenset()
    # things only reported
    random_value_functions: frozenset[str] = PYTHON_RANDOM_VALUES
    seed_functions: frozenset[str] = frozenset()
    checkpoint_loaders: frozenset[str] = frozenset()
    augmentation_keywords: dict[str, str] = field(default_factory=dict)  # library kwarg -> fixed value
    source_settings: tuple[Setting, ...] = ()  # what every data source / loader gets
    sampler_params: tuple[str, ...] = ("sampler",)
    resume_hint: str = ""  # a note at the first data source, if the framework has a way to resume
    argument_fixes: dict[str, tuple[ArgFix, ...]] = field(default_factory=dict)  # call -> fixed arguments
    attribute_fixes: dict[str, tuple[str, str]] = field(default_factory=dict)  # attribute -> (value, role)
    # attributes fixed whatever object holds them (`options.deterministic = False`): name -> (value, role)
    attribute_name_fixes: dict[str, tuple[str, str]] = field(default_factory=dict)
    reported_calls: dict[str, tuple[str, str]] = field(default_factory=dict)  # call -> (role, what to do)
    # method name -> (keywords one of which must be passed for the call to count; when empty, any
    # argument will do, fixes): `.fit(...)`, a dataset's `.map(...)`
    method_fixes: dict[str, tuple[frozenset[str], tuple[ArgFix, ...]]] = field(default_factory=dict)
    random_name_prefixes: tuple[str, ...] = ("Random",)
    dropout_name_part: str = "Dropout"
    rule_ids: dict[str, str] = field(default_factory=dict)  # role -> rule id

    def rule(self, role: str) -> str:
        return self.rule_ids[role]

    def trigger_names(self) -> set[str]:
        """Every qualified name a rule of this table reacts to: a file whose imports reach none of
        them that it calls (and that uses no keyword or method below) needs nothing but a seed block."""
        names: set[str] = set()
        for facts in (
            self.random_data_ops, self.composers, self.sources, self.samplers, self.worker_setters,
            self.dropout_layers, self.dropout_functions, self.dropout_primitives, self.seeded_ops,
            self.unseedable_ops, self.ascend_nondeterministic, self.random_value_functions,
            self.seed_functions, self.checkpoint_loaders, self.argument_fixes, self.reported_calls,
        ):
            names |= set(facts)
        return names

    def trigger_keywords(self) -> set[str]:
        attributes = {name.rsplit(".", 1)[-1] for name in self.attribute_fixes} | set(self.attribute_name_fixes)
        return set(self.augmentation_keywords) | {s.param for s in self.source_settings} | set(self.sampler_params) | attributes

    def trigger_methods(self) -> set[str]:
        return set(self.map_methods | self.shuffle_methods) | set(self.method_fixes)
