"""The facts a rule acts on: data, not code.

A rule (`transforms.rule.Rule`) carries its facts; each kind of fact below is handled by exactly one
fixer (`transforms.fixers`). Names are qualified names as a file's imports resolve them
(`import mindspore.dataset.vision as C` then `C.RandomCrop` is `mindspore.dataset.vision.RandomCrop`).
Every fact also says what in a file's text can make it fire (`names`, `keywords`, `methods`), from
which the text check before parsing is derived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Mapping


@dataclass(frozen=True)
class Param:
    """A parameter by keyword name and positional index (None: keyword-only or after *args)."""

    name: str
    position: int | None


@dataclass(frozen=True)
class ArgFix:
    """An argument fixed to `value`: added when absent, unless `only_if_given`."""

    param: Param
    value: str
    only_if_given: bool = False


class Fact:
    """What a fact's rule reacts to in a file's code, for the text check before parsing."""

    def names(self) -> frozenset[str]:
        return frozenset()

    def keywords(self) -> frozenset[str]:
        return frozenset()

    def methods(self) -> frozenset[str]:
        return frozenset()

    def patterns(self) -> tuple[tuple[bytes, bytes], ...]:
        """(literal, regular expression) pairs: the expression is searched only where the literal
        occurs."""
        return ()

    def needs(self) -> tuple[tuple[bytes, bytes], ...]:
        """(literal, regular expression) pairs, one of which the file's text must match for
        `names()` to matter in it (none: they always do); each expression is searched only where its
        literal occurs."""
        return ()


# ---- the seed block ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SeedBlock(Fact):
    """Statements of the seed block. `imports` are modules the block needs; in `lines`, a module is
    written `{mod:NAME}` and the seed `{seed}`, so the block can alias around name clashes."""

    imports: tuple[str, ...]
    lines: tuple[str, ...]
    roots: tuple[str, ...] = ()  # the framework's own modules: where the file imports one for sure, so is
    brings: tuple[str, ...] = ()  # ... each of these (the framework depends on them: numpy)
    keep_lines: tuple[str, ...] = ()  # added with --keep-randomness: seeds for what then stays random


# ---- data pipeline -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Replacement:
    """A deterministic counterpart of a random data op. `parts` are call templates relative to the
    op's own module (`{size}` is the op's size argument). Inside a list literal the parts are spliced
    in; elsewhere more than one part is wrapped in `compose` (the family's Compose)."""

    parts: tuple[str, ...]
    compose: str
    keep_arguments: bool = False  # the parts take the op's own arguments (all but `seed`)
    carry: tuple[Param, ...] = ()  # the op's arguments that are not random, passed on by keyword ...
    carry_into: int = 0  # ... to this part (`interpolation=` to the Resize)


@dataclass(frozen=True)
class ReplaceOps(Fact):
    """Random data ops replaced by their deterministic counterpart."""

    ops: Mapping[str, Replacement]

    def names(self) -> frozenset[str]:
        return frozenset(self.ops)


@dataclass(frozen=True)
class DisableOps(Fact):
    """Random data ops disabled together with every use of them. A `composer` call (Compose,
    Sequential) of a list that only holds such ops is dead too; a `map_methods` call whose operations
    are dead is disabled as a statement. `chances` (by the op's own name) say which arguments make an
    op random, so that one whose arguments make it deterministic is left alone."""

    ops: frozenset[str]
    composers: frozenset[str] = frozenset()
    map_methods: frozenset[str] = frozenset()
    chances: Mapping[str, "Chance"] = field(default_factory=dict)

    def names(self) -> frozenset[str]:
        return self.ops | self.composers


@dataclass(frozen=True)
class Range:
    """An argument an op draws from. `kind`: "magnitude" (a number d means a range around no change,
    so only 0 is fixed; a pair is fixed when its ends are equal), "single" (a number is one fixed
    value; a pair as for a magnitude), "offsets" (every number must be 0). `absent` says whether the
    default draws; None given means off when `none_fixed`."""

    param: Param
    kind: str = "magnitude"
    absent: str = "random"  # "random" or "fixed": what the default does
    none_fixed: bool = True


@dataclass(frozen=True)
class Chance:
    """What makes an op random: the probability it is applied (`default` when not given) and the
    ranges it draws from; `applied_is_random`: where it applies, it draws anyway (erasing at a
    random place). Probability 0 is a no-op, 1 with every range fixed is a fixed transform."""

    probability: Param | None = None
    default: float = 0.5
    ranges: tuple[Range, ...] = ()
    applied_is_random: bool = False


@dataclass(frozen=True)
class Sources:
    """Data sources and loaders with their parameter lists (positions count), and the parameters
    through which a sampler decides the order instead."""

    signatures: Mapping[str, tuple[str, ...]]
    sampler_params: tuple[str, ...] = ("sampler",)

    def param(self, source: str, name: str) -> Param:
        params = self.signatures[source]
        return Param(name, params.index(name) if name in params else None)


@dataclass(frozen=True)
class SourceSetting(Fact):
    """An argument every data source or loader gets (`shuffle=False`): added or replaced; only where
    given if `only_if_given`. Beside a sampler: set as anywhere else (`"set"`), only replaced where
    given (`"replace"`: torch's default already does not shuffle), or left alone (`"skip"`:
    MindSpore refuses shuffle= together with sampler=)."""

    sources: Sources
    param: str
    value: str
    only_if_given: bool = False
    beside_sampler: str = "set"

    def names(self) -> frozenset[str]:
        return frozenset(self.sources.signatures)

    def keywords(self) -> frozenset[str]:
        return frozenset({self.param, *self.sources.sampler_params})


@dataclass(frozen=True)
class SeededLoader(Fact):
    """A loader that keeps its shuffling gets a generator of its own, seeded (`generator=`), where it
    has none: its order no longer depends on what else drew from the global generator before it."""

    sources: Sources
    module: str  # the framework module whose Generator seeds it ("torch")

    def names(self) -> frozenset[str]:
        return frozenset(self.sources.signatures)

    def keywords(self) -> frozenset[str]:
        return frozenset({"generator"})


@dataclass(frozen=True)
class WorkerSeeding(Fact):
    """A loader with worker processes gets a `worker_init_fn` that seeds the framework, NumPy and
    `random` in each worker, apart per worker and per rank: `helper` is that function's code (a
    module-level function named `helper_name`, so that spawned workers can import it; a lambda cannot
    be pickled). A `worker_init_fn` the project passes is wrapped (`functools.partial(helper,
    then=theirs)`: theirs runs first); one that seeds from the OS is reported."""

    sources: Sources
    helper_name: str
    helper: str
    reseeds: frozenset[str] = frozenset()  # seed functions that seed from the OS when given no seed
    from_os: frozenset[str] = frozenset()  # functions whose result comes from the OS (time, urandom)

    def names(self) -> frozenset[str]:
        return frozenset(self.sources.signatures)

    def keywords(self) -> frozenset[str]:
        return frozenset({"worker_init_fn", "num_workers"})


@dataclass(frozen=True)
class EpochSampler:
    """A distributed sampler that shuffles by epoch: its `shuffle` parameter (and whether it shuffles
    when that is not given), and its `seed` parameter where it has one."""

    shuffle: Param
    shuffles_by_default: bool
    seed: Param | None = None


@dataclass(frozen=True)
class EpochSamplers(Fact):
    """`--keep-randomness`: a distributed sampler that keeps its shuffling gets the run's seed where it
    takes one and none is given; a file that builds one but never calls `set_epoch` is reported (every
    epoch would repeat the first epoch's order)."""

    samplers: Mapping[str, EpochSampler]

    def names(self) -> frozenset[str]:
        return frozenset(self.samplers)


@dataclass(frozen=True)
class SamplerFix:
    """What to do with a sampler passed to a source: `rename` it to a sequential sampler keeping
    only `keep`, or set its `shuffle` to False, or nothing (`ok`: already sequential)."""

    action: str  # "rename", "no_shuffle", "ok"
    rename_to: str = ""
    keep: tuple[Param, ...] = ()
    shuffle: Param | None = None


@dataclass(frozen=True)
class Samplers(Fact):
    """Samplers passed to sources, made sequential; `by_hand` is the advice for any other sampler."""

    sources: Sources
    fixes: Mapping[str, SamplerFix]
    by_hand: str = "make it sequential by hand"

    def names(self) -> frozenset[str]:
        return frozenset(self.sources.signatures) | frozenset(self.fixes)

    def keywords(self) -> frozenset[str]:
        return frozenset(self.sources.sampler_params)


@dataclass(frozen=True)
class ResumeHint(Fact):
    """A note at the first data source of a file."""

    sources: Sources
    text: str

    def names(self) -> frozenset[str]:
        return frozenset(self.sources.signatures)


@dataclass(frozen=True)
class ShuffleCalls(Fact):
    """Dataset methods that shuffle (`data.shuffle(1000)`): disabled."""

    method_names: frozenset[str]

    def methods(self) -> frozenset[str]:
        return self.method_names


@dataclass(frozen=True)
class SeededShuffles(Fact):
    """`--keep-randomness`: dataset shuffle calls that stay (`ds.shuffle(1000)`) get the run's seed
    where none is given. Only a call whose value is used: one that is a statement of its own is an
    in-place shuffle of something else (`rng.shuffle(x)`), which takes no seed."""

    method_names: frozenset[str]
    seed: Param

    def methods(self) -> frozenset[str]:
        return self.method_names


@dataclass(frozen=True)
class MethodArguments(Fact):
    """Arguments fixed on a method call (`.map(...)`, `.fit(...)`). A method name alone proves
    little (`pool.map`, scikit-learn's `fit`): the call must pass one of `required` keywords, or,
    where none is named, at least one argument."""

    method: str
    fixes: tuple[ArgFix, ...]
    required: frozenset[str] = frozenset()
    message: str = ".{method}(...): {param}={value}"

    def methods(self) -> frozenset[str]:
        return frozenset({self.method})


@dataclass(frozen=True)
class CallArguments(Fact):
    """Arguments fixed on calls of known functions and classes (`dropout=0.0`, `keep_prob=1.0`)."""

    calls: Mapping[str, tuple[ArgFix, ...]]
    message: str = "{name}: {param}={value}"

    def names(self) -> frozenset[str]:
        return frozenset(self.calls)


@dataclass(frozen=True)
class AttributeFixes(Fact):
    """Attributes set to a fixed value: by qualified name (`torch.backends.cudnn.benchmark`), or by
    attribute name whatever object holds them (`options.deterministic`)."""

    qualified: Mapping[str, str] = field(default_factory=dict)
    any_object: Mapping[str, str] = field(default_factory=dict)

    def keywords(self) -> frozenset[str]:
        return frozenset(n.rsplit(".", 1)[-1] for n in self.qualified) | frozenset(self.any_object)


# ---- network -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rate:
    """How a layer is told to drop nothing: the first argument of `given` the call passes is set;
    when it passes none of them, `default` is added."""

    default: ArgFix
    given: tuple[ArgFix, ...] = ()

    def fixes(self) -> tuple[ArgFix, ...]:
        return (*self.given, self.default)


@dataclass(frozen=True)
class DropoutLayers(Fact):
    """Dropout layers kept, with a rate that drops nothing: the layer's class, attributes and saved
    state stay what the code expects (`self.drop.p` is still there), and it returns its input."""

    layers: Mapping[str, Rate]
    no_op: str = ""  # the framework's no-op layer, for the project's own layers named in the configuration

    def names(self) -> frozenset[str]:
        return frozenset(self.layers)


@dataclass(frozen=True)
class RateKeywords(Fact):
    """Keyword arguments named like a dropout rate (`drop_rate=`, `hidden_dropout_prob=`,
    `attn_drop=`) or a keep probability (`keep_prob=`), passed to any call: set to the value that
    drops nothing. The same names set on an object or as a class field (`config.hidden_dropout_prob =
    0.1`, `dropout: float = 0.1`) are reported."""

    rates: tuple[tuple[str, str], ...]  # (regular expression over the keyword, the value), first match wins

    def patterns(self) -> tuple[tuple[bytes, bytes], ...]:
        """A word one of `rates` matches whole (its letters may be any identifier's, as the rule's own
        match takes them), passed as a keyword (after `(` or `,`) or assigned (annotated or not,
        through other targets of a chained assignment) a number (an integer or a float, perhaps in
        parentheses): what the rule sets or reports."""
        word = "|".join(f"(?:{pattern})" for pattern, _ in self.rates).replace(r"\w", r"[\w\x80-\xff]")
        word = rf"(?<![\w\x80-\xff])(?:{word})(?![\w\x80-\xff])"
        keyword = rf"[(,][\s\\]*{word}\s*=(?!=)"
        number = rf"{word}\s*(?::[^=\n]*)?=(?!=)(?:[\s\\]*[\w.\[\]\x80-\xff]+[\s\\]*=(?!=))*[\s(\\]*\.?\d"
        found = f"{keyword}|{number}".encode()
        return (b"drop", found), (b"keep", found)  # (each rate names one of the two)


@dataclass(frozen=True)
class PassThrough(Fact):
    """Calls that only perturb their input (functional dropout, random flips): they give way to the
    input argument."""

    calls: Mapping[str, Param]

    def names(self) -> frozenset[str]:
        return frozenset(self.calls)


@dataclass(frozen=True)
class SeededOps(Fact):
    """Random ops given the run's seed where none (or one of `unseeded`: MindSpore reads 0 as "draw
    one") is given."""

    ops: Mapping[str, tuple[Param, ...]]
    unseeded: tuple[str, ...] = ("0", "None")

    def names(self) -> frozenset[str]:
        return frozenset(self.ops)


@dataclass(frozen=True)
class FlaggedCalls(Fact):
    """Calls only reported (or noted): `message` with `{name}` for the call's short name."""

    calls: frozenset[str]
    message: str

    def names(self) -> frozenset[str]:
        return self.calls


# ---- reported only -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProjectClasses(Fact):
    """The project's own classes that look random (`Random...`, `...Dropout...`) or subclass a
    framework's dropout or random data op, and the project's augmentations and layers that draw at
    random where they process data (`GaussianBlur.__call__` drawing `random.random()`, a stochastic
    depth layer's `call` drawing `tf.random.uniform`): reported, never changed."""

    prefixes: tuple[str, ...] = ("Random", "Rand")  # RandomCrop, RandCropImage, RandAugment
    name_part: str = "Dropout"
    draws: frozenset[str] = frozenset()  # functions that draw a random value
    draw_methods: frozenset[str] = frozenset()  # methods of a value that draw (`x.bernoulli_(p)`)

    def names(self) -> frozenset[str]:
        return self.draws

    def methods(self) -> frozenset[str]:
        return self.draw_methods

    def patterns(self) -> tuple[tuple[bytes, bytes], ...]:
        # a name counts where it is used, not where the file defines it (`class RandomCrop:`)
        unless_defined = rb"\b(?<!class )(?<!def )"
        found = [(p.encode(), unless_defined + re.escape(p.encode()) + rb"[A-Z]\w*") for p in self.prefixes]
        return (*found, (self.name_part.encode(), unless_defined + rb"\w*" + re.escape(self.name_part.encode())))


@dataclass(frozen=True)
class LibraryAugmentation(Fact):
    """A library call passing a keyword that builds randomness (`is_training=True`): reported with
    the value to pass instead; a library's own augmentation classes and factories (`timm.data.Mixup`,
    `rand_augment_transform`) are reported wherever they are called, with what to do."""

    values: Mapping[str, str]  # keyword -> the value to pass while debugging
    factories: Mapping[str, str] = field(default_factory=dict)  # a library's augmentation -> what to do

    def names(self) -> frozenset[str]:
        return frozenset(self.factories)

    def keywords(self) -> frozenset[str]:
        return frozenset(self.values)


@dataclass(frozen=True)
class LibraryModels(Fact):
    """A library's models that keep dropout or stochastic depth unless told not to: a builder called
    without the keywords that turn them off (`torchvision.models.vgg16()`: `dropout=0.0`), a model
    chosen by name from the library (`models.__dict__[arch]`, `get_model(name)`), one loaded from a
    checkpoint whose configuration sets its rates (`AutoModel.from_pretrained(...)`). Reported with
    the keywords to pass; a keyword the call passes is a rate keyword's to rewrite."""

    builders: Mapping[str, tuple[str, ...]]  # builder -> the keywords that turn its randomness off (to 0.0);
    # none: it fixes its stochastic depth itself, to be set to 0 on the built model
    lookups: Mapping[str, str] = field(default_factory=dict)  # get_model(name, **kwargs) -> the builders' module
    pretrained: tuple[str, ...] = ()  # library roots whose `Model.from_pretrained(...)` is reported
    pretrained_keywords: tuple[str, ...] = ("hidden_dropout_prob", "attention_probs_dropout_prob")
    pretrained_hint: str = "BERT's names; GPT-2's are resid_pdrop, embd_pdrop, attn_pdrop"
    loaders: tuple[str, ...] = ("from_pretrained", "from_config")

    def names(self) -> frozenset[str]:
        return frozenset(self.builders) | frozenset(self.lookups)

    def patterns(self) -> tuple[tuple[bytes, bytes], ...]:
        return tuple((m.encode(), rb"\.\s*" + m.encode() + rb"\s*\(") for m in self.loaders) if self.pretrained else ()


@dataclass(frozen=True)
class RandomValues(Fact):
    """Functions that draw a random value; drawn into a setting named like a hyper-parameter, they
    are reported."""

    functions: frozenset[str]
    hyperparameter: str  # a regular expression over the setting's name

    def names(self) -> frozenset[str]:
        return self.functions


@dataclass(frozen=True)
class UnfixedSeeds(Fact):
    """Seeds that change every run: a seed function given a random or changing value, a value drawn
    into a name with `seed` in it, an optional seed (`if args.seed is not None:`)."""

    seed_functions: frozenset[str]
    random_functions: frozenset[str]
    changing: frozenset[str] = frozenset({"time.time", "time.time_ns", "os.getpid", "os.urandom", "uuid.uuid4"})

    def names(self) -> frozenset[str]:
        return self.seed_functions | self.random_functions

    def patterns(self) -> tuple[tuple[bytes, bytes], ...]:
        return ((b"seed", rb"seed\w*\s+is\s+not\s+None"),)


@dataclass(frozen=True)
class CheckpointLoaders(Fact):
    """Checkpoint loaders: keys popped or deleted from what they return are reported."""

    loaders: frozenset[str]

    def names(self) -> frozenset[str]:
        return self.loaders

    def needs(self) -> tuple[tuple[bytes, bytes], ...]:
        return (b"pop", rb"\.\s*pop\b"), (b"del", rb"\bdel\b")  # (a file that pops and deletes nothing has nothing to report)


# ---- configuration files -----------------------------------------------------------------------
@dataclass(frozen=True)
class ConfigSetting:
    """A key a configuration file sets, whatever mapping holds it: `key` is a regular expression the
    key matches whole. `when`: "true" (a boolean true), "false" (a boolean false), "above" (an integer
    above `limit`), "rate" (a number other than `value`, or a list of such numbers: each becomes it).
    `value` is the YAML text written instead."""

    key: str
    when: str
    value: str
    limit: int = 0


@dataclass(frozen=True)
class ConfigSettings(Fact):
    """Keys set to a fixed value in configuration files (`shuffle: true` -> `false`)."""

    settings: tuple[ConfigSetting, ...]


@dataclass(frozen=True)
class ConfigOps(Fact):
    """Entries of a configuration's lists that name a data op: a mapping with one key, the op's name
    (`- RandFlipImage: {flip_code: 1}`), or a mapping naming it under one of `name_keys`
    (`- type: RandomHorizontalFlip`, `{func_name: mosaic}`). An op named like a random one (`random`:
    a regular expression searched in the name) is taken out of its list, unless its name says it
    decides the output's size (`shaping`): then it is reported, since taking it out would change the
    size of what follows and a project's own counterpart cannot be known."""

    name_keys: tuple[str, ...]
    random: str
    shaping: str


# ---- text --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TextPattern(Fact):
    """Found in a file's text, with no parse: every match of `pattern` (searched only where `literal`
    occurs), or with `once` the first, its message told how many lines match (`{count}`)."""

    literal: bytes
    pattern: bytes
    message: str
    once: bool = False
    skip_lines: Callable[[bytes], frozenset[int]] | None = None  # lines whose matches are not findings
