"""PaddlePaddle's rule table: `paddle.seed`, cuDNN determinism, `paddle.io` loaders and samplers,
`paddle.vision.transforms`, and dropout layers and functions.

Parameter positions follow Paddle 2.x (`DataLoader(dataset, feed_list, places, return_list,
batch_sampler, batch_size, shuffle, ...)`, `DistributedBatchSampler(dataset, batch_size, num_replicas,
rank, shuffle, drop_last)`).
"""

from __future__ import annotations

import textwrap

from ..facts import (
    ArgFix, Chance, Range, DisableOps, DropoutLayers, EpochSampler, EpochSamplers, LibraryModels, Param as P, PassThrough,
    Rate, Replacement, ReplaceOps, SamplerFix, Samplers, SeedBlock, Sources, SourceSetting, WorkerSeeding,
)
from ..rule import REPORT, REWRITE, Invalid, Rule, Valid
from . import aliases, common
from .common import qualified
from .table import FrameworkTable

FRAMEWORK = "paddle"

TRANSFORMS = ("paddle.vision.transforms",)
RANDOM_TRANSFORMS = (
    "RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation", "RandomAffine", "RandomPerspective",
    "RandomErasing", "ColorJitter", "BrightnessTransform", "ContrastTransform", "SaturationTransform",
    "HueTransform",
)


# Which arguments make a transform random (paddle.vision.transforms' signatures).
_PROB0 = P("prob", 0)
CHANCES = {
    **{name: Chance(_PROB0) for name in ("RandomHorizontalFlip", "RandomVerticalFlip")},
    "RandomErasing": Chance(_PROB0, applied_is_random=True),
    "RandomPerspective": Chance(_PROB0, ranges=(Range(P("distortion_scale", 1)),)),
    "RandomRotation": Chance(ranges=(Range(P("degrees", 0)),)),
    "RandomAffine": Chance(ranges=(Range(P("degrees", 0)), Range(P("translate", 1), "offsets", absent="fixed"),
                                   Range(P("scale", 2), absent="fixed"), Range(P("shear", 3), absent="fixed"))),
    "ColorJitter": Chance(ranges=tuple(Range(P(n, i), absent="fixed") for i, n in
                                       enumerate(("brightness", "contrast", "saturation", "hue")))),
    **{name: Chance(ranges=(Range(P("value", 0)),))
       for name in ("BrightnessTransform", "ContrastTransform", "SaturationTransform", "HueTransform")},
}

# DataLoader's parameter list: derived by `python -m transforms.tables.derive` (transforms/tables/data/).
SOURCES = Sources(aliases.signatures(FRAMEWORK), sampler_params=("batch_sampler",))

# `--keep-randomness`: what each DataLoader worker runs. Paddle seeds paddle, NumPy and `random` in a
# worker from a base seed the main process draws from NumPy: apart per worker, but alike on every rank
# once the seed block seeds NumPy there. This reseeds all three with the rank mixed in.
SEED_WORKER = textwrap.dedent('''\
    def _reprofix_seed_worker(worker_id, then=None):
        """Seeds paddle, NumPy and random in a DataLoader worker: apart per worker and per rank
        (PADDLE_TRAINER_ID), the same on every run. `then`: the project's own worker_init_fn, run first."""
        import os
        import random
        import numpy
        import paddle
        if then is not None:
            then(worker_id)
        rank = int(os.environ.get("PADDLE_TRAINER_ID", "0"))
        seed = (paddle.io.get_worker_info().seed + worker_id + 1000003 * rank) % 2**32
        paddle.seed(seed)
        random.seed(seed)
        numpy.random.seed(seed)
''')
SAMPLERS = {
    "paddle.io.DistributedBatchSampler": SamplerFix("no_shuffle", shuffle=P("shuffle", 4)),
    "paddle.io.BatchSampler": SamplerFix("no_shuffle", shuffle=P("shuffle", 2)),
    "paddle.io.RandomSampler": SamplerFix("rename", "paddle.io.SequenceSampler", keep=(P("data_source", 0),)),
    "paddle.io.SequenceSampler": SamplerFix("ok"),
}

SEED_BLOCK = SeedBlock(
    roots=("paddle",),
    brings=("numpy",),  # a dependency of the framework
    imports=("os", "random", "numpy", "paddle"),
    lines=(
        '{mod:os}.environ.setdefault("FLAGS_cudnn_deterministic", "1")  # for processes started from here',
        "{mod:random}.seed({seed})",
        "{mod:numpy}.random.seed({seed})",
        "{mod:paddle}.seed({seed})",
        "try:\n"
        '    {mod:paddle}.set_flags({"FLAGS_cudnn_deterministic": True})\n'
        "except (ValueError, KeyError):  # builds that only read it from the environment at start-up\n"
        "    pass",
    ),
)

RULES = (
    Rule(
        "PD001", "seed-block", FRAMEWORK, REWRITE,
        "Inserts a seed block after the leading imports of a PaddlePaddle entry script.",
        "`paddle.seed`, `random.seed`, `numpy.random.seed` and `FLAGS_cudnn_deterministic` (set "
        "with `paddle.set_flags` where the build allows it, and in the environment for processes "
        "started later; on a GPU, also export it before starting the script).",
        facts=(SEED_BLOCK,),
        invalid=(
            Invalid(
                """
                import paddle

                net = paddle.nn.Linear(2, 2)
                """,
                """
                import paddle

                # >>> reprofix: reproducibility block, remove with `reprofix revert` >>>
                import os
                import random
                import numpy
                import paddle
                os.environ.setdefault("FLAGS_cudnn_deterministic", "1")  # for processes started from here
                random.seed(1)
                numpy.random.seed(1)
                paddle.seed(1)
                try:
                    paddle.set_flags({"FLAGS_cudnn_deterministic": True})
                except (ValueError, KeyError):  # builds that only read it from the environment at start-up
                    pass
                # <<< reprofix <<<

                net = paddle.nn.Linear(2, 2)
                """,
                findings=("2:1 PD001",),
                script=True,
            ),
        ),
    ),
    Rule(
        "PD101", "random-crop", FRAMEWORK, REWRITE,
        "`paddle.vision.transforms.RandomCrop(size, ...)` becomes `CenterCrop(size)`.",
        "A fixed crop keeps the output size.",
        facts=(ReplaceOps({f"{m}.RandomCrop": Replacement(("CenterCrop({size})",), f"{m}.Compose") for m in TRANSFORMS}),),
        invalid=(
            Invalid(
                """
                import paddle.vision.transforms as T
                t = T.Compose([T.RandomCrop(32, padding=4), T.ToTensor()])
                """,
                """
                import paddle.vision.transforms as T
                # [reprofix PD101] was: T.RandomCrop(32, padding=4)
                t = T.Compose([T.CenterCrop(32), T.ToTensor()])
                """,
                findings=("2:16 PD101",),
            ),
        ),
    ),
    Rule(
        "PD102", "random-resized-crop", FRAMEWORK, REWRITE,
        "`RandomResizedCrop(size)` becomes `Resize(size)` then `CenterCrop(size)`; its `interpolation` goes "
        "to the resize.",
        "Keeps the size x size output without the random area and ratio.",
        facts=(
            ReplaceOps({
            f"{m}.RandomResizedCrop": Replacement(("Resize({size})", "CenterCrop({size})"), f"{m}.Compose",
                                                  carry=(P("interpolation", 3),))
            for m in TRANSFORMS
        }),
        ),
        invalid=(
            Invalid(
                """
                import paddle.vision.transforms as T
                t = T.Compose([T.RandomResizedCrop(224), T.ToTensor()])
                """,
                """
                import paddle.vision.transforms as T
                # [reprofix PD102] was: T.RandomResizedCrop(224)
                t = T.Compose([T.Resize(224), T.CenterCrop(224), T.ToTensor()])
                """,
                findings=("2:16 PD102",),
            ),
        ),
    ),
    Rule(
        "PD104", "random-transform", FRAMEWORK, REWRITE,
        "Other random `paddle.vision.transforms` are disabled, with every use of them.",
        "Flips, rotations, affine and perspective warps, erasing and colour jitter change every "
        "epoch. "
        "An op whose arguments make it deterministic (probability 0 or 1 with every range a single "
        "value: `RandomHorizontalFlip(1)`, `RandomAffine(degrees=0, shear=(-s, -s))`) is left alone; "
        "where an argument that decides it cannot be evaluated (a name, `*args`), the op is removed all the "
        "same, as the procedure says, and the finding names that argument.",
        facts=(DisableOps(qualified(TRANSFORMS, RANDOM_TRANSFORMS), composers=qualified(TRANSFORMS, ("Compose",)), chances=CHANCES),),
        invalid=(
            Invalid(
                """
                import paddle.vision.transforms as T
                t = T.Compose([T.RandomHorizontalFlip(), T.ColorJitter(0.4), T.ToTensor()])
                """,
                """
                import paddle.vision.transforms as T
                # [reprofix PD104] removed from list: T.RandomHorizontalFlip()
                # [reprofix PD104] removed from list: T.ColorJitter(0.4)
                t = T.Compose([T.ToTensor()])
                """,
                findings=("2:16 PD104", "2:42 PD104"),
            ),
        ),
    ),
    Rule(
        "PD105", "loader-shuffle", FRAMEWORK, REWRITE,
        "`paddle.io.DataLoader` gets `shuffle=False`, whatever expression it was given.",
        "A shuffled loader changes the batch order every run. Beside a batch sampler an explicit "
        "`shuffle=` is set to False (Paddle accepts that) and none is added; arguments that come "
        "through `**kwargs` are set in the dict, never beside it.",
        facts=(SourceSetting(SOURCES, "shuffle", "False", beside_sampler="replace"),),
        invalid=(
            Invalid(
                """
                import paddle
                from paddle import nn
                from paddle.io import DataLoader
                loader = DataLoader(data, batch_size=32, shuffle=True, num_workers=0)
                """,
                """
                import paddle
                from paddle import nn
                from paddle.io import DataLoader
                loader = DataLoader(data, batch_size=32, shuffle=False, num_workers=0)
                """,
                findings=("4:10 PD105",),
            ),
        ),
    ),
    Rule(
        "PD106", "sampler", FRAMEWORK, REWRITE,
        "`DistributedBatchSampler` and `BatchSampler` get `shuffle=False`, `RandomSampler` becomes "
        "`SequenceSampler`, wherever they are built.",
        "The batch sampler decides the order when one is passed; it is fixed where it is built, "
        "also when it is bound to a name first.",
        facts=(Samplers(SOURCES, SAMPLERS),),
        invalid=(
            Invalid(
                """
                import paddle
                from paddle import nn
                from paddle.io import DataLoader
                sampler = paddle.io.DistributedBatchSampler(data, 32, shuffle=True)
                loader = DataLoader(data, batch_sampler=paddle.io.DistributedBatchSampler(data, 32, shuffle=True), num_workers=0)
                """,
                """
                import paddle
                from paddle import nn
                from paddle.io import DataLoader
                sampler = paddle.io.DistributedBatchSampler(data, 32, shuffle=False)
                loader = DataLoader(data, batch_sampler=paddle.io.DistributedBatchSampler(data, 32, shuffle=False), num_workers=0)
                """,
                findings=("4:11 PD106", "5:41 PD106"),
            ),
        ),
    ),
    Rule(
        "PD108", "loader-workers", FRAMEWORK, REWRITE,
        "`paddle.io.DataLoader` gets `num_workers=0`.",
        "Worker processes can reorder work and draw their own random numbers.",
        facts=(SourceSetting(SOURCES, "num_workers", "0"),),
        invalid=(
            Invalid(
                """
                import paddle
                from paddle import nn
                from paddle.io import DataLoader
                loader = DataLoader(data, shuffle=False, num_workers=4)
                """,
                """
                import paddle
                from paddle import nn
                from paddle.io import DataLoader
                loader = DataLoader(data, shuffle=False, num_workers=0)
                """,
                findings=("4:10 PD108",),
            ),
        ),
    ),
    Rule(
        "PD112", "seeded-workers", FRAMEWORK, REWRITE,
        "With `apply --keep-randomness` only: a `paddle.io.DataLoader` with worker processes gets a "
        "`worker_init_fn` that seeds paddle, NumPy and `random` in each worker, apart per worker and per "
        "rank (`PADDLE_TRAINER_ID`); the project's own is wrapped (it runs first), and reported where it "
        "seeds from the OS.",
        "Paddle seeds each worker from a base seed drawn from NumPy in the main process: apart per worker, "
        "but alike on every rank once NumPy is seeded, so every rank would augment alike.",
        facts=(WorkerSeeding(SOURCES, "_reprofix_seed_worker", SEED_WORKER, common.SEEDS_FROM_OS, common.FROM_OS),),
        invalid=(
            Invalid(
                "import random\n"
                "from paddle.io import DataLoader\n"
                "\n"
                "def init(worker_id):\n"
                "    random.seed()\n"
                "\n"
                "loader = DataLoader(data, shuffle=True, num_workers=4, worker_init_fn=init)\n",
                "import random\n"
                "from paddle.io import DataLoader\n"
                "import functools\n"
                "\n"
                "\n"
                "# [reprofix PD112] added: remove with `reprofix revert`\n"
                + SEED_WORKER +
                "\n\n"
                "def init(worker_id):\n"
                "    random.seed()\n"
                "\n"
                "loader = DataLoader(data, shuffle=True, num_workers=4, worker_init_fn=functools.partial(_reprofix_seed_worker, then=init))\n",
                findings=("5:5 PD112", "7:10 PD112"),
            ),
        ),
    ),
    Rule(
        "PD113", "distributed-sampler-epochs", FRAMEWORK, REPORT,
        "With `apply --keep-randomness` only: a file that builds a shuffling `DistributedBatchSampler` and "
        "never calls `set_epoch` is reported.",
        "The sampler shuffles by its epoch (`numpy.random.RandomState(epoch)`): every rank alike, as it "
        "must, but without `set_epoch(epoch)` at each epoch's start every epoch repeats the first order.",
        facts=(EpochSamplers({"paddle.io.DistributedBatchSampler": EpochSampler(P("shuffle", 4), False)}),),
        invalid=(
            Invalid(
                """
                import paddle
                sampler = paddle.io.DistributedBatchSampler(data, 32, shuffle=True)
                """,
                findings=("2:11 PD113",),
            ),
        ),
        valid=(
            Valid(
                """
                import paddle
                sampler = paddle.io.DistributedBatchSampler(data, 32, shuffle=True)
                for epoch in range(3):
                    sampler.set_epoch(epoch)
                """
            ),
        ),
    ),
    Rule(
        "PD201", "dropout-layer", FRAMEWORK, REWRITE,
        "`nn.Dropout`, `nn.Dropout2D/3D`, `nn.AlphaDropout` and `nn.FeatureAlphaDropout` keep their "
        "class with `p=0.0`, the original in a comment.",
        "Dropout draws a new mask every step; the layer stays (its attributes and saved state with it) "
        "and a zero rate returns the input unchanged (tests/test_zero_rates.py checks it on Paddle).",
        facts=(DropoutLayers(
            {f"paddle.nn.{n}": Rate(ArgFix(P("p", 0), "0.0"))
             for n in ("Dropout", "Dropout2D", "Dropout3D", "AlphaDropout", "FeatureAlphaDropout")},
            no_op="paddle.nn.Identity",
        ),),
        invalid=(
            Invalid(
                """
                from paddle import nn
                drop = nn.Dropout(p=0.5)
                """,
                """
                from paddle import nn
                # [reprofix PD201] was: nn.Dropout(p=0.5)
                drop = nn.Dropout(p=0.0)
                """,
                findings=("2:8 PD201",),
            ),
        ),
    ),
    Rule(
        "PD202", "dropout-function", FRAMEWORK, REWRITE,
        "`paddle.nn.functional.dropout(x, ...)` (and 2d/3d/alpha) becomes `x`.",
        "Functional dropout draws a new mask every call.",
        facts=(PassThrough({f"paddle.nn.functional.{n}": P("x", 0) for n in ("dropout", "dropout2d", "dropout3d", "alpha_dropout")}),),
        invalid=(
            Invalid(
                """
                import paddle.nn.functional as F
                y = F.dropout(h, p=0.1)
                """,
                """
                import paddle.nn.functional as F
                # [reprofix PD202] was: F.dropout(h, p=0.1)
                y = h
                """,
                findings=("2:5 PD202",),
            ),
        ),
    ),
    common.dropout_keywords(
        "PD203", FRAMEWORK,
        invalid=(
            Invalid(
                """
                import paddle
                from paddlenlp.transformers import BertModel
                model = BertModel.from_pretrained("bert-base-uncased", hidden_dropout_prob=0.1)
                """,
                """
                import paddle
                from paddlenlp.transformers import BertModel
                model = BertModel.from_pretrained("bert-base-uncased", hidden_dropout_prob=0.0)
                """,
                findings=("3:56 PD203",),
            ),
        ),
    ),
    Rule(
        "PD207", "library-model", FRAMEWORK, REPORT,
        "A PaddleNLP `...Model...from_pretrained(...)` that passes no dropout rate is reported with the "
        "keywords that turn its dropout off.",
        "The checkpoint's configuration sets the rates inside a library reprofix does not edit; a rate "
        "the call passes is rewritten (PD203).",
        facts=(LibraryModels({}, pretrained=("paddlenlp",), pretrained_hint="BERT's and ERNIE's names"),),
        invalid=(
            Invalid(
                """
                import paddle
                from paddlenlp.transformers import AutoModelForSequenceClassification, AutoTokenizer
                model = AutoModelForSequenceClassification.from_pretrained("ernie-3.0-medium-zh", num_classes=2)
                tokenizer = AutoTokenizer.from_pretrained("ernie-3.0-medium-zh")
                """,
                None,
                findings=("3:9 PD207",),
            ),
        ),
        valid=(
            Valid(
                """
                import paddle
                from paddlenlp.transformers import AutoTokenizer, BertModel
                model = BertModel.from_pretrained("bert-base-uncased", hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
                tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
                """
            ),
        ),
    ),
    common.project_classes(
        "PD206", FRAMEWORK, draws=common.PYTHON_DRAWS | {f"paddle.{n}" for n in (
            "rand", "randn", "randint", "randperm", "uniform", "normal", "standard_normal", "bernoulli", "multinomial",
            "poisson", "randint_like",
        )},
        invalid=(
            Invalid(
                """
                import paddle
                from paddle import nn
                from paddle.io import DataLoader
                class RandomMask(nn.Layer):
                    pass

                m = RandomMask()
                """,
                None,
                findings=("7:5 PD206",),
            ),
            Invalid(  # PaddleClas: augmentations named Rand..., drawing per sample; a mixup function
                """
                import random
                import numpy as np
                import paddle
                class RandCropImage(object):
                    def __init__(self, size, scale=None):
                        self.size = size
                        self.scale = [0.08, 1.0] if scale is None else scale
                    def __call__(self, img):
                        target_area = img.shape[0] * img.shape[1] * random.uniform(*self.scale)
                        return img
                def mixup_data(x, y, alpha=1.0):
                    lam = np.random.beta(alpha, alpha)
                    return lam * x
                ops = [RandCropImage(size=224)]
                """,
                None,
                findings=("9:53 PD206", "12:11 PD206"),
            ),
        ),
        valid=(
            Valid(
                """
                from paddle import nn
                class Net(nn.Layer):
                    pass
                net = Net()
                """
            ),
        ),
    ),
    common.random_hyperparameters(
        "PD301", FRAMEWORK,
        invalid=(
            Invalid(
                """
                import random
                import paddle
                lr = random.uniform(0.01, 0.1)
                """,
                None,
                findings=("3:6 PD301",),
            ),
        ),
        valid=(
            Valid(  # per-sample draws are PD206's: augmentations
                """
                import random
                import paddle
                index = random.randint(0, len(dataset) - 1)
                """
            ),
        ),
    ),
    common.unfixed_seeds(
        "PD303", FRAMEWORK, seed_functions=frozenset({"paddle.seed"}),
        why="`paddle.seed(random.randint(...))` or a seed from the clock leaves the run unseeded.",
        invalid=(
            Invalid(
                """
                import random
                import paddle
                paddle.seed(random.randint(0, 100))
                """,
                None,
                findings=("3:1 PD303",),
            ),
        ),
        valid=(
            Valid(
                """
                import random
                import paddle
                random.seed(7)
                seed = random.randint(0, 99)
                paddle.seed(seed)
                """
            ),
        ),
    ),
)

TABLE = FrameworkTable(FRAMEWORK, ("paddle",), RULES)
