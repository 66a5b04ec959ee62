"""What every framework's table shares: the report rules every framework has, built by one factory
each, and the facts they share (Python's and NumPy's random functions, the names of settings, the
keywords through which a library is asked for randomness)."""

from __future__ import annotations

from ..facts import CheckpointLoaders, LibraryAugmentation, ProjectClasses, RandomValues, RateKeywords, UnfixedSeeds
from ..rule import REPORT, REWRITE, Invalid, Rule, Valid

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
PYTHON_SEED_FUNCTIONS = frozenset({"numpy.random.seed", "random.seed"})
# ... and every draw, as an augmentation makes them (a shuffle draws too)
PYTHON_DRAWS = PYTHON_RANDOM_VALUES | {"random.shuffle", "random.randbytes"} | {
    f"numpy.random.{n}" for n in (
        "shuffle", "ranf", "sample", "random_integers", "dirichlet", "multivariate_normal", "laplace",
        "logistic", "geometric", "rayleigh", "standard_exponential", "standard_gamma", "chisquare",
        "multinomial", "negative_binomial", "pareto", "power", "vonmises", "wald", "weibull", "zipf",
        "triangular", "hypergeometric",
    )
}

# What seeds from the OS: seed functions given no seed (or None), and calls whose value the OS decides
# (a worker_init_fn built from these differs each run).
SEEDS_FROM_OS = PYTHON_SEED_FUNCTIONS | {"numpy.random.default_rng", "numpy.random.RandomState", "random.Random",
                                         "torch.seed", "numpy.random.SeedSequence"}
FROM_OS = frozenset({"time.time", "time.time_ns", "time.perf_counter", "time.monotonic", "os.urandom", "os.getpid",
                     "random.SystemRandom", "secrets.randbits", "secrets.randbelow", "uuid.uuid4"})

# Names of settings that a random value must not feed (the procedure's step 2).
HYPERPARAMETER = (
    r"(^|_)(lr|learning_rate|rate|momentum|decay|eps|epsilon|beta\d?|batch(_size)?|epochs?|steps?"
    r"|warmup\w*|drop\w*|scale|alpha|gamma|weight_decay|loss_scale|clip\w*)($|_)"
)

# Keywords through which a library is asked to build randomness, and the value that asks it not to.
AUGMENTATION_KEYWORDS = {
    "is_training": "False", "training": "False", "shuffle": "False", "augment": "False",
    "auto_augment": "None", "mixup": "0.0", "cutmix": "0.0", "mixup_alpha": "0.0", "cutmix_alpha": "0.0",
    "re_prob": "0.0", "hflip": "0.0", "vflip": "0.0",
}


# A keyword that sets a keep probability (`keep_prob`, `dropout_keep_prob`: 1.0 keeps everything), or a
# dropout rate (`dropout`, `drop_rate`, `drop_path_rate`, `attn_drop`, `hidden_dropout_prob`,
# `dropout_p`, `layerdrop`: 0.0 drops nothing); not `drop_last`, `drop_remainder` or a bare `drop`.
KEEP_KEYWORD = r"\w*keep_prob\w*|\w*keep_rate"
RATE_KEYWORD = r"(?:\w+_)?(?:layer)?(?:drop(?:out)?(?:_(?:rate|prob|p|path|path_rate|block_rate|ratio))?|dropout\w*)(?<!^drop)"


def dropout_keywords(rule_id: str, framework: str, *, invalid: tuple[Invalid, ...], valid: tuple[Valid, ...] = ()) -> Rule:
    return Rule(
        rule_id, "dropout-keyword", framework, REWRITE,
        "A dropout rate passed by keyword to any call (`create_model(..., drop_rate=0.1)`, "
        "`from_pretrained(..., hidden_dropout_prob=0.1)`) becomes 0.0, a keep probability "
        "(`keep_prob=0.9`) 1.0, and so does a module's own setting (`dropout = 0.2` at module level: "
        "nanoGPT's config files); one set on an object or as a class field is reported.",
        "Model factories, config classes and layers reprofix has no entry for take their dropout rates "
        "as keywords (`drop_rate`, `drop_path_rate`, `attn_drop_rate`, `*dropout*`, `dropout_p`, "
        "`layerdrop`); a rate of 0.0 drops nothing. `drop_last` and `drop_remainder` are not rates. An "
        "option handed to a function defined elsewhere (`drop_rate=args.drop_rate`) may be unset: "
        "mindcv's and timm's `create_model` pass on only what is not None, to models that may not take "
        "the keyword, so None stays None (`None if args.drop_rate is None else 0.0`).",
        facts=(RateKeywords(((KEEP_KEYWORD, "1.0"), (RATE_KEYWORD, "0.0"))),), invalid=invalid, valid=valid,
    )


def project_classes(rule_id: str, framework: str, *, invalid: tuple[Invalid, ...], valid: tuple[Valid, ...] = (),
                    draws: frozenset[str] = PYTHON_DRAWS, draw_methods: frozenset[str] = frozenset(),
                    why: str = "reprofix cannot know what a project's own augmentation or dropout does, so it "
                               "says where they are.") -> Rule:
    return Rule(
        rule_id, "project-random-class", framework, REPORT,
        "The project's own `Random...` / `...Dropout...` classes are reported where they are used; its "
        "augmentations and layers that draw at random while processing data (`__call__`, "
        "`__getitem__`, `forward`, `construct`, `call`, or a function taking the data) at their first "
        "draw; never changed.",
        why, facts=(ProjectClasses(draws=draws, draw_methods=draw_methods),), invalid=invalid, valid=valid,
    )


def library_augmentation(rule_id: str, framework: str, *, invalid: tuple[Invalid, ...], valid: tuple[Valid, ...] = (),
                         keywords: dict[str, str] = AUGMENTATION_KEYWORDS, factories: dict[str, str] | None = None,
                         why: str) -> Rule:
    return Rule(
        rule_id, "library-augmentation", framework, REPORT,
        "A library call asked to build randomness, or a library's own augmentation, is reported with "
        "what to change.",
        why, facts=(LibraryAugmentation(keywords, factories or {}),), invalid=invalid, valid=valid,
    )


def random_hyperparameters(rule_id: str, framework: str, *, invalid: tuple[Invalid, ...], valid: tuple[Valid, ...] = (),
                           functions: frozenset[str] = PYTHON_RANDOM_VALUES, summary: str = "", why: str = "") -> Rule:
    return Rule(
        rule_id, "random-hyperparameter", framework, REPORT,
        summary or "Hyper-parameters drawn from `random` / `numpy.random` are reported.",
        why or "No random values in hyper-parameters while debugging.",
        facts=(RandomValues(functions, HYPERPARAMETER),), invalid=invalid, valid=valid,
    )


def unfixed_seeds(rule_id: str, framework: str, *, seed_functions: frozenset[str], invalid: tuple[Invalid, ...],
                  valid: tuple[Valid, ...] = (), functions: frozenset[str] = PYTHON_RANDOM_VALUES, why: str) -> Rule:
    return Rule(
        rule_id, "unfixed-seed", framework, REPORT,
        "Seeds that change every run are reported.",
        why, facts=(UnfixedSeeds(seed_functions | PYTHON_SEED_FUNCTIONS, functions),), invalid=invalid, valid=valid,
    )


def checkpoint_pops(rule_id: str, framework: str, *, loaders: frozenset[str], invalid: tuple[Invalid, ...],
                    valid: tuple[Valid, ...] = (), summary: str, why: str) -> Rule:
    return Rule(
        rule_id, "checkpoint-pop", framework, REPORT, summary, why,
        facts=(CheckpointLoaders(loaders),), invalid=invalid, valid=valid,
    )


def qualified(modules, names) -> frozenset[str]:
    """Every `module.name`: the same ops exported by several modules of a framework."""
    return frozenset(f"{module}.{name}" for module in modules for name in names)
