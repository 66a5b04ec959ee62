"""MindSpore's rule table: the procedure "fixing randomness to reproduce script results" as data.

Qualified names are what a file's imports resolve to (`import mindspore.dataset.vision as C` then
`C.RandomCrop` is `mindspore.dataset.vision.RandomCrop`). The sources' parameter lists come from
`inspect.signature` on mindspore 2.10, as data (`transforms.tables.derive`); the 1.x `c_transforms` /
`py_transforms` modules are listed beside the 2.x ones so old scripts are fixed the same way.
"""

from __future__ import annotations

from ..facts import (
    ArgFix, Chance, Range, CallArguments, DisableOps, DropoutLayers, FlaggedCalls, MethodArguments, Param as P, PassThrough,
    Rate, Replacement, ReplaceOps, ResumeHint, SamplerFix, Samplers, SeedBlock, SeededOps, ShuffleCalls, Sources,
    SourceSetting,
)
from ..rule import NOTE, REPORT, REWRITE, Invalid, Rule, Valid
from . import aliases, common
from .common import qualified
from .table import FrameworkTable

FRAMEWORK = "mindspore"

# ---------------------------------------------------------------------------------------------
# Data pipeline
VISION = {  # vision module -> the module holding its Compose
    "mindspore.dataset.vision": "mindspore.dataset.transforms",
    "mindspore.dataset.vision.transforms": "mindspore.dataset.transforms",
    "mindspore.dataset.vision.c_transforms": "mindspore.dataset.transforms.c_transforms",
    "mindspore.dataset.vision.py_transforms": "mindspore.dataset.transforms.py_transforms",
}
TRANSFORMS = (
    "mindspore.dataset.transforms",
    "mindspore.dataset.transforms.transforms",
    "mindspore.dataset.transforms.c_transforms",
    "mindspore.dataset.transforms.py_transforms",
)
RANDOM_VISION_OPS = (
    "RandomAdjustSharpness", "RandomAffine", "RandomAutoContrast", "RandomColor",
    "RandomColorAdjust", "RandomCropWithBBox", "RandomEqualize", "RandomErasing",
    "RandomGrayscale", "RandomHorizontalFlip", "RandomHorizontalFlipWithBBox", "RandomInvert",
    "RandomLighting", "RandomPerspective", "RandomPosterize", "RandomResize",
    "RandomResizeWithBBox", "RandomResizedCropWithBBox", "RandomRotation",
    "RandomSelectSubpolicy", "RandomSharpness", "RandomSolarize", "RandomVerticalFlip",
    "RandomVerticalFlipWithBBox", "AutoAugment", "RandAugment", "TrivialAugmentWide",
    "UniformAugment", "CutOut", "CutMixBatch", "MixUp", "MixUpBatch", "BoundingBoxAugment",
    # 1.x py_transforms kept these in vision
    "RandomApply", "RandomChoice", "RandomOrder",
)
RANDOM_TRANSFORMS_OPS = ("RandomApply", "RandomChoice", "RandomOrder")
# Which arguments make an op random (mindspore.dataset.vision's signatures): one whose arguments make
# it deterministic (`RandomHorizontalFlip(prob=1.0)` always flips) is left alone.
_PROB0, _PROB1 = P("prob", 0), P("prob", 1)
_AFFINE = (Range(P("degrees", 0)), Range(P("translate", 1), "offsets", absent="fixed"),
           Range(P("scale", 2), absent="fixed"), Range(P("shear", 3), absent="fixed"))
CHANCES = {
    **{name: Chance(_PROB0) for name in ("RandomHorizontalFlip", "RandomVerticalFlip", "RandomHorizontalFlipWithBBox",
                                          "RandomVerticalFlipWithBBox", "RandomInvert", "RandomEqualize")},
    "RandomGrayscale": Chance(_PROB0, default=0.1),
    "RandomAutoContrast": Chance(P("prob", 2)),
    **{name: Chance(_PROB1) for name in ("RandomAdjustSharpness", "RandomApply")},
    "RandomErasing": Chance(_PROB0, applied_is_random=True),
    "RandomPerspective": Chance(_PROB1, ranges=(Range(P("distortion_scale", 0)),)),
    "RandomRotation": Chance(ranges=(Range(P("degrees", 0)),)),
    "RandomAffine": Chance(ranges=_AFFINE),
    # the defaults, (1, 1) and (0, 0), change nothing
    "RandomColorAdjust": Chance(ranges=tuple(Range(P(n, i), absent="fixed") for i, n in
                                             enumerate(("brightness", "contrast", "saturation", "hue")))),
    "RandomPosterize": Chance(ranges=(Range(P("bits", 0), "single", absent="fixed"),)),
    **{name: Chance(ranges=(Range(P("degrees", 0), "single"),)) for name in ("RandomSharpness", "RandomColor")},
    "RandomSolarize": Chance(ranges=(Range(P("threshold", 0), "single"),)),
    "RandomLighting": Chance(ranges=(Range(P("alpha", 0)),)),
}
RANDOM_DATA_OPS = qualified(TRANSFORMS, RANDOM_TRANSFORMS_OPS) | qualified(VISION, RANDOM_VISION_OPS)
COMPOSERS = qualified(TRANSFORMS, ("Compose",))
PIL_VISION = "mindspore.dataset.vision.py_transforms"  # PIL-based 1.x ops: no decode-crop


# The sources and their parameter lists: derived by `python -m transforms.tables.derive` (transforms/tables/data/).
SIGNATURES = aliases.signatures(FRAMEWORK)

# A dataset's `.map(...)` is told from `pool.map(f, xs)` by its keywords; `.batch(n)` by having arguments.
DATASET_KEYWORDS = frozenset(
    {"operations", "input_columns", "output_columns", "num_parallel_workers", "python_multiprocessing",
     "batch_size", "drop_remainder", "per_batch_map", "pad_info"}
)
SOURCES = Sources(SIGNATURES)
_WORKER_FIXES = (
    ArgFix(P("num_parallel_workers", None), "1"),
    ArgFix(P("python_multiprocessing", None), "False", only_if_given=True),
)

SAMPLERS = {
    "mindspore.dataset.RandomSampler": SamplerFix(
        "rename", "mindspore.dataset.SequentialSampler", keep=(P("num_samples", 1),)
    ),
    "mindspore.dataset.SubsetRandomSampler": SamplerFix(
        "rename", "mindspore.dataset.SubsetSampler", keep=(P("indices", 0), P("num_samples", 1))
    ),
    "mindspore.dataset.DistributedSampler": SamplerFix("no_shuffle", shuffle=P("shuffle", 2)),
    "mindspore.dataset.PKSampler": SamplerFix("no_shuffle", shuffle=P("shuffle", 2)),
    "mindspore.dataset.SequentialSampler": SamplerFix("ok"),
    "mindspore.dataset.SubsetSampler": SamplerFix("ok"),
}

# ---------------------------------------------------------------------------------------------
# Network
_P = Rate(ArgFix(P("p", 0), "0.0"))
DROPOUT_LAYERS = {
    # MindSpore 2.x: `p` wins over keep_prob; a call that passes only keep_prob (or a positional,
    # which is keep_prob) gets keep_prob=1.0, the float (the int 1 fails MindSpore's type check)
    "mindspore.nn.Dropout": Rate(ArgFix(P("p", 1), "0.0"), given=(ArgFix(P("p", 1), "0.0"), ArgFix(P("keep_prob", 0), "1.0"))),
    **{f"mindspore.nn.{n}": _P for n in ("Dropout1d", "Dropout2d", "Dropout3d", "DropoutExt", "Dropout2dExt")},
    **{f"mindspore.mint.nn.{n}": _P for n in ("Dropout", "Dropout2d")},
}
DROPOUT_FUNCTIONS = {
    **{f"mindspore.ops.{n}": P("input", 0) for n in ("dropout", "dropout1d", "dropout2d", "dropout3d")},
    **{f"mindspore.mint.nn.functional.{n}": P("input", 0) for n in ("dropout", "dropout2d")},
}
DROPOUT_PRIMITIVES = {f"mindspore.ops.{n}": (ArgFix(P("keep_prob", 0), "1.0"),) for n in ("Dropout", "Dropout2D", "Dropout3D")}

SEEDED_OPS = {
    f"mindspore.ops.{name}": params
    for name, params in {
        "Bernoulli": (P("seed", 0),),
        "FractionalAvgPool": (P("seed", 4), P("seed2", 5),),
        "FractionalMaxPool": (P("seed", 4), P("seed2", 5),),
        "Gamma": (P("seed", 0), P("seed2", 1),),
        "LogUniformCandidateSampler": (P("seed", 4),),
        "Multinomial": (P("seed", 0), P("seed2", 1),),
        "ParameterizedTruncatedNormal": (P("seed", 0), P("seed2", 1),),
        "Poisson": (P("seed", 0), P("seed2", 1),),
        "RandomChoiceWithMask": (P("seed", 1), P("seed2", 2),),
        "RandomGamma": (P("seed", 0), P("seed2", 1),),
        "RandomPoisson": (P("seed", 0), P("seed2", 1),),
        "RandomShuffle": (P("seed", 0), P("seed2", 1),),
        "RandpermV2": (P("seed", 0),),
        "SampleDistortedBoundingBoxV2": (P("seed", 0), P("seed2", 1),),
        "StandardLaplace": (P("seed", 0), P("seed2", 1),),
        "StandardNormal": (P("seed", 0), P("seed2", 1),),
        "TruncatedNormal": (P("seed", 1), P("seed2", 2),),
        "UniformCandidateSampler": (P("seed", 4),),
        "UniformInt": (P("seed", 0), P("seed2", 1),),
        "UniformReal": (P("seed", 0), P("seed2", 1),),
        "bernoulli": (P("seed", 2),),
        "choice_with_mask": (P("seed", 2),),
        "gamma": (P("seed", 3),),
        "laplace": (P("seed", 3),),
        "log_uniform_candidate_sampler": (P("seed", 5),),
        "multinomial": (P("seed", 3),),
        "multinomial_with_replacement": (P("seed", 1),),
        "normal": (P("seed", 3),),
        "poisson": (P("seed", 2),),
        "rand": (P("seed", None),),
        "rand_like": (P("seed", 1),),
        "randint": (P("seed", 3),),
        "randint_like": (P("seed", 3),),
        "randn": (P("seed", None),),
        "randn_like": (P("seed", 1),),
        "random_categorical": (P("seed", 2),),
        "random_gamma": (P("seed", 2),),
        "random_poisson": (P("seed", 2),),
        "randperm": (P("seed", 1),),
        "shuffle": (P("seed", 1),),
        "standard_laplace": (P("seed", 1),),
        "standard_normal": (P("seed", 1),),
        "uniform": (P("seed", 3),),
        "uniform_candidate_sampler": (P("seed", 5),),
    }.items()
}
UNSEEDABLE_OPS = frozenset(
    f"mindspore.ops.{n}"
    for n in ("NonDeterministicInts", "LogNormalReverse", "RandomCategorical", "MultinomialWithReplacement",
              "Randperm")
)
# The procedure's list of Ascend kernels with inherent tiny nondeterminism.
ASCEND_NONDETERMINISTIC = frozenset(
    [f"mindspore.ops.{n}" for n in (
        "DynamicGRUV2", "DynamicRNN", "LayerNorm", "NLLLoss", "nll_loss", "BatchNorm", "Conv2D", "Conv3D",
        "conv2d", "conv3d", "AllReduce", "MaxPool3D", "ReduceAll", "ReduceAny", "ReduceMax", "ReduceMean",
        "ReduceMin", "ReduceProd", "ReduceSum", "ROIAlign", "SquareSumAll", "StridedSlice",
    )]
    + [f"mindspore.nn.{n}" for n in (
        "LayerNorm", "NLLLoss", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "Conv2d", "Conv3d", "MaxPool3d",
    )]
)

# ---------------------------------------------------------------------------------------------
# Reported only

SEED_FUNCTIONS = frozenset({"mindspore.set_seed", "mindspore.common.set_seed", "mindspore.common.seed.set_seed"})
CHECKPOINT_LOADERS = frozenset(
    {"mindspore.load_checkpoint", "mindspore.train.load_checkpoint",
     "mindspore.train.serialization.load_checkpoint"}
)

SEED_BLOCK = SeedBlock(
    roots=("mindspore",),
    brings=("numpy",),  # a dependency of the framework
    imports=("random", "numpy", "mindspore", "mindspore.dataset"),
    lines=(
        "{mod:random}.seed({seed})",
        "{mod:numpy}.random.seed({seed})",
        "{mod:mindspore}.set_seed({seed})",
        "{mod:mindspore.dataset}.config.set_num_parallel_workers(1)",
        'if hasattr({mod:mindspore}, "set_deterministic"):  # MindSpore 2.3 and later\n'
        "    try:\n"
        "        {mod:mindspore}.set_deterministic(True)\n"
        "    except RuntimeError:  # already set: it may be set once per process\n"
        "        pass\n"
        "else:\n"
        '    {mod:mindspore}.set_context(deterministic="ON")',
    ),
    # the dataset's random ops (RandomCrop, shuffle) draw from the dataset's own seed, which
    # mindspore.set_seed does not set: only needed where they stay
    keep_lines=("{mod:mindspore.dataset}.config.set_seed({seed})",),
)

# ---------------------------------------------------------------------------------------------
# Rules: id, doc, facts, and the examples the test suite runs
RULES = (
    Rule(
        "MS001", "seed-block", FRAMEWORK, REWRITE,
        "Inserts a seed block after the leading imports of an entry script.",
        "Step 1 of the procedure: every global seed fixed (mindspore, numpy, random) to a non-zero "
        "value, the data pipeline's global worker count set to 1, and MindSpore's determinism "
        'switch on (`set_deterministic(True)`, or `set_context(deterministic="ON")` on releases '
        "before it; the block decides at run time). The block is marked, fully qualified, imports "
        "what it needs (under a private alias when the file binds a name like `random` to something "
        "else), and is never inserted twice.",
        facts=(SEED_BLOCK,),
        invalid=(
            Invalid(
                '''
                """Train."""
                import mindspore as ms

                ms.set_context(mode=ms.PYNATIVE_MODE)
                ''',
                '''
                """Train."""
                import mindspore as ms

                # >>> reprofix: reproducibility block, remove with `reprofix revert` >>>
                import random
                import numpy
                import mindspore
                import mindspore.dataset
                random.seed(1)
                numpy.random.seed(1)
                mindspore.set_seed(1)
                mindspore.dataset.config.set_num_parallel_workers(1)
                if hasattr(mindspore, "set_deterministic"):  # MindSpore 2.3 and later
                    try:
                        mindspore.set_deterministic(True)
                    except RuntimeError:  # already set: it may be set once per process
                        pass
                else:
                    mindspore.set_context(deterministic="ON")
                # <<< reprofix <<<

                ms.set_context(mode=ms.PYNATIVE_MODE)
                ''',
                findings=("3:1 MS001",),
                script=True,
            ),
        ),
    ),
    Rule(
        "MS101", "random-crop", FRAMEWORK, REWRITE,
        "`RandomCrop(size, ...)` becomes `CenterCrop(size)`.",
        "Step 4: a random crop position changes every epoch. The fixed crop is the one the random crop "
        "is centred on: with padding (`RandomCrop(32, (4, 4, 4, 4))`, or `Pad(4)` before it) the "
        "random offsets run from 0 to twice the padding, and their centre is the original image, "
        "which a centre crop of the unpadded image (or of the padded one) gives back. A crop at the "
        "origin would shift every image by the padding. The output keeps its size.",
        facts=(ReplaceOps({f"{m}.RandomCrop": Replacement(("CenterCrop({size})",), f"{c}.Compose") for m, c in VISION.items()}),),
        invalid=(
            Invalid(
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                crop = vision.RandomCrop((32, 32), (4, 4, 4, 4))
                """,
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                # [reprofix MS101] was: vision.RandomCrop((32, 32), (4, 4, 4, 4))
                crop = vision.CenterCrop((32, 32))
                """,
                findings=("3:8 MS101",),
            ),
            Invalid(
                """
                from mindspore.dataset.vision import RandomCrop, HWC2CHW
                ops = [RandomCrop(size=24), HWC2CHW()]
                """,
                """
                from mindspore.dataset.vision import RandomCrop, HWC2CHW
                import mindspore.dataset.vision
                # [reprofix MS101] was: RandomCrop(size=24)
                ops = [mindspore.dataset.vision.CenterCrop(24), HWC2CHW()]
                """,
                findings=("2:8 MS101",),
            ),
            Invalid(
                """
                import mindspore.dataset.vision as vision
                train = [vision.Pad(4), vision.RandomCrop(32), vision.HWC2CHW()]
                """,
                """
                import mindspore.dataset.vision as vision
                # [reprofix MS101] was: vision.RandomCrop(32)
                train = [vision.Pad(4), vision.CenterCrop(32), vision.HWC2CHW()]
                """,
                findings=("2:25 MS101",),
            ),
        ),
    ),
    Rule(
        "MS102", "random-resized-crop", FRAMEWORK, REWRITE,
        "`RandomResizedCrop(size, ...)` becomes a resize then a centre crop to `size`; its `interpolation` "
        "goes to the resize.",
        "Step 4: the random area and aspect ratio change every epoch. `Resize(size)` then "
        "`CenterCrop(size)` keeps the size x size output a plain `Resize(int)` would not give for "
        "non-square images. Inside a list the two ops are spliced in; elsewhere they are wrapped in "
        "`Compose`.",
        facts=(
            ReplaceOps({
            f"{m}.RandomResizedCrop": Replacement(("Resize({size})", "CenterCrop({size})"), f"{c}.Compose",
                                                  carry=(P("interpolation", 3),))
            for m, c in VISION.items()
        }),
        ),
        invalid=(
            Invalid(
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                trans = [vision.RandomResizedCrop(224), vision.HWC2CHW()]
                """,
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                # [reprofix MS102] was: vision.RandomResizedCrop(224)
                trans = [vision.Resize(224), vision.CenterCrop(224), vision.HWC2CHW()]
                """,
                findings=("3:10 MS102",),
            ),
            Invalid(
                """
                import mindspore.dataset.vision as C
                import mindspore.dataset.transforms as T
                crop = C.RandomResizedCrop(size=(64, 64), scale=(0.5, 1.0))
                """,
                """
                import mindspore.dataset.vision as C
                import mindspore.dataset.transforms as T
                # [reprofix MS102] was: C.RandomResizedCrop(size=(64, 64), scale=(0.5, 1.0))
                crop = T.Compose([C.Resize((64, 64)), C.CenterCrop((64, 64))])
                """,
                findings=("3:8 MS102",),
            ),
        ),
    ),
    Rule(
        "MS103", "random-crop-decode-resize", FRAMEWORK, REWRITE,
        "`RandomCropDecodeResize(size, ...)` becomes `Decode()`, `Resize(size)`, "
        "`CenterCrop(size)`; its `interpolation` goes to the resize.",
        "Step 4: the op also decodes, so deleting it would break the pipeline; it is replaced by "
        "the deterministic ops that do the same work.",
        facts=(
            ReplaceOps({
            f"{m}.RandomCropDecodeResize": Replacement(("Decode()", "Resize({size})", "CenterCrop({size})"), f"{c}.Compose",
                                                       carry=(P("interpolation", 3),), carry_into=1)
            for m, c in VISION.items() if m != PIL_VISION
        }),
        ),
        invalid=(
            Invalid(
                """
                import mindspore.dataset.vision.c_transforms as CV
                trans = [CV.RandomCropDecodeResize(224, scale=(0.08, 1.0)), CV.HWC2CHW()]
                """,
                """
                import mindspore.dataset.vision.c_transforms as CV
                # [reprofix MS103] was: CV.RandomCropDecodeResize(224, scale=(0.08, 1.0))
                trans = [CV.Decode(), CV.Resize(224), CV.CenterCrop(224), CV.HWC2CHW()]
                """,
                findings=("2:10 MS103",),
            ),
            Invalid(  # mindcv: the interpolation is not random, and stays
                """
                from mindspore.dataset import vision
                primary_tfl = [vision.RandomCropDecodeResize(size=image_resize, scale=scale, ratio=ratio, interpolation=interpolation)]
                """,
                """
                from mindspore.dataset import vision
                # [reprofix MS103] was: vision.RandomCropDecodeResize(size=image_resize, scale=scale, ratio=ratio, interpolation=interpolation)
                primary_tfl = [vision.Decode(), vision.Resize(image_resize, interpolation=interpolation), vision.CenterCrop(image_resize)]
                """,
                findings=("2:16 MS103",),
            ),
        ),
    ),
    Rule(
        "MS104", "random-data-op", FRAMEWORK, REWRITE,
        "Every other random data op is disabled, with every use of it.",
        "Step 4: all `Random*` vision ops, `RandomApply/RandomChoice/RandomOrder`, `AutoAugment`, "
        "`RandAugment`, `TrivialAugmentWide`, `UniformAugment`, `CutOut`, `CutMixBatch`, `MixUp`, "
        "`MixUpBatch` and `BoundingBoxAugment` are taken out of list literals, out of lists built "
        "from a name they were assigned to, and a `map(...)` statement that only applies them is "
        "disabled as a whole; disabled code stays visible as a comment where it stood. Where a use "
        "cannot be removed safely (passed to a function, unpacked from a tuple), nothing is changed "
        "and the op is reported. Project classes named `Random...` are never touched (see MS206). "
        "An op whose arguments make it deterministic (probability 0 or 1 with every range a single "
        "value: `RandomHorizontalFlip(1)`, `RandomAffine(degrees=0, shear=(-s, -s))`) is left alone; "
        "where an argument that decides it cannot be evaluated (a name, `*args`), the op is removed all the "
        "same, as the procedure says, and the finding names that argument.",
        facts=(DisableOps(RANDOM_DATA_OPS, composers=COMPOSERS, map_methods=frozenset({"map"}), chances=CHANCES),),
        invalid=(
            Invalid(
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                def build(data):
                    flip_op = vision.RandomHorizontalFlip()
                    ops_list = [flip_op, vision.HWC2CHW()]
                    data = data.map(operations=ops_list, input_columns="image")
                    data = data.map(operations=flip_op, input_columns="image")
                    return data
                """,
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                def build(data):
                    # [reprofix MS104] flip_op = vision.RandomHorizontalFlip()
                    # [reprofix MS104] removed from list: flip_op
                    ops_list = [vision.HWC2CHW()]
                    data = data.map(operations=ops_list, input_columns="image", num_parallel_workers=1)
                    # [reprofix MS104] data = data.map(operations=flip_op, input_columns="image")
                    return data
                """,
                findings=("4:15 MS104", "6:12 MS108"),
            ),
            Invalid(
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                def helper(op):
                    return op

                op = helper(vision.RandomInvert())
                """,
                None,
                findings=("6:13 MS104",),
            ),
            Invalid(  # mindcv's transforms_imagenet_train: arguments reprofix cannot evaluate
                """
                import mindspore.dataset.vision as vision
                def transforms_imagenet_train(hflip=0.5, color_jitter=0.4):
                    primary_tfl = [vision.Decode()]
                    if hflip > 0.0:
                        primary_tfl += [vision.RandomHorizontalFlip(prob=hflip)]
                    secondary_tfl = []
                    if color_jitter is not None:
                        color_jitter = (float(color_jitter),) * 3
                        secondary_tfl += [vision.RandomColorAdjust(*color_jitter)]
                    return primary_tfl + secondary_tfl
                """,
                """
                import mindspore.dataset.vision as vision
                def transforms_imagenet_train(hflip=0.5, color_jitter=0.4):
                    primary_tfl = [vision.Decode()]
                    if hflip > 0.0:
                        # [reprofix MS104] primary_tfl += [vision.RandomHorizontalFlip(prob=hflip)]
                        pass
                    secondary_tfl = []
                    if color_jitter is not None:
                        color_jitter = (float(color_jitter),) * 3
                        # [reprofix MS104] secondary_tfl += [vision.RandomColorAdjust(*color_jitter)]
                    return primary_tfl + secondary_tfl
                """,
                findings=("5:25 MS104", "9:27 MS104"),
            ),
        ),
        valid=(
            Valid(
                """
                import mindspore.dataset.vision as vision
                flip_with_boxes = [vision.RandomHorizontalFlip(prob=1.0), vision.RandomColorAdjust()]
                """
            ),
        ),
    ),
    Rule(
        "MS105", "source-shuffle", FRAMEWORK, REWRITE,
        "Every dataset source gets `shuffle=False`, replaced or added, also through `**kwargs`.",
        "Step 4: MindSpore sources shuffle by default (`shuffle=None` means shuffle), so the "
        "argument is added where it is absent and replaces whatever expression was there. Not done "
        "when a `sampler=` is passed (MindSpore refuses both, even `shuffle=False`): see MS106. "
        "Where the source's arguments come through `**kwargs`, the keyword is set in the dict "
        "(`**{**kwargs, 'shuffle': False}`), never added beside it.",
        facts=(SourceSetting(SOURCES, "shuffle", "False", beside_sampler="skip"),),
        invalid=(
            Invalid(
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                data = ds.Cifar10Dataset(path, num_parallel_workers=1)
                """,
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                data = ds.Cifar10Dataset(path, num_parallel_workers=1, shuffle=False)
                """,
                findings=("3:8 MS105", "3:8 MS304"),
            ),
            Invalid(
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                data = ds.ImageFolderDataset(path, shuffle=is_training, num_parallel_workers=1)
                """,
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                data = ds.ImageFolderDataset(path, shuffle=False, num_parallel_workers=1)
                """,
                findings=("3:8 MS105", "3:8 MS304"),
            ),
            Invalid(
                """
                import mindspore.dataset as ds
                SOURCES = {"cifar10": ds.Cifar10Dataset, "mnist": ds.MnistDataset}
                def create(name, path, **kwargs):
                    dataset_class = SOURCES[name]
                    return dataset_class(path, **kwargs)
                """,
                """
                import mindspore.dataset as ds
                SOURCES = {"cifar10": ds.Cifar10Dataset, "mnist": ds.MnistDataset}
                def create(name, path, **kwargs):
                    dataset_class = SOURCES[name]
                    return dataset_class(path, **{**kwargs, "shuffle": False, "num_parallel_workers": 1})
                """,
                findings=("5:12 MS105", "5:12 MS108", "5:12 MS304"),
            ),
            Invalid(  # any module exporting the source: the alias table (transforms.tables.aliases)
                """
                import mindspore.dataset.engine as de
                data = de.ImageFolderDataset(path)
                """,
                """
                import mindspore.dataset.engine as de
                data = de.ImageFolderDataset(path, shuffle=False, num_parallel_workers=1)
                """,
                findings=("2:8 MS105", "2:8 MS108", "2:8 MS304"),
            ),
        ),
    ),
    Rule(
        "MS106", "sampler", FRAMEWORK, REWRITE,
        "A random sampler is made sequential wherever it is built; a custom one passed to a source "
        "is reported.",
        "Step 4: `RandomSampler` becomes `SequentialSampler` (keeping `num_samples`), "
        "`SubsetRandomSampler` becomes `SubsetSampler`, `DistributedSampler` and `PKSampler` get "
        "`shuffle=False`, in place, whether the sampler is passed at once or bound to a name first. "
        "A sampler passed to a source that is none of those (nor a name bound only to them) is "
        "reported.",
        facts=(Samplers(SOURCES, SAMPLERS, by_hand="make it sequential by hand (MindSpore refuses shuffle= together with sampler=)"),),
        invalid=(
            Invalid(
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                data = ds.MnistDataset(path, num_parallel_workers=1, sampler=ds.RandomSampler(num_samples=64))
                """,
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                # [reprofix MS106] was: ds.RandomSampler(num_samples=64)
                data = ds.MnistDataset(path, num_parallel_workers=1, sampler=ds.SequentialSampler(num_samples=64))
                """,
                findings=("3:8 MS304", "3:62 MS106"),
            ),
            Invalid(
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                data = ds.MnistDataset(path, num_parallel_workers=1, sampler=ds.DistributedSampler(8, rank))
                """,
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                data = ds.MnistDataset(path, num_parallel_workers=1, sampler=ds.DistributedSampler(8, rank, shuffle=False))
                """,
                findings=("3:8 MS304", "3:62 MS106"),
            ),
            Invalid(
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                data = ds.MnistDataset(path, num_parallel_workers=1, sampler=my_sampler)
                """,
                None,
                findings=("3:8 MS304", "3:62 MS106"),
            ),
        ),
    ),
    Rule(
        "MS107", "dataset-shuffle-call", FRAMEWORK, REWRITE,
        "Dataset `.shuffle(...)` calls are disabled.",
        "Step 4: `data = data.shuffle(1000)` is commented out; elsewhere the call gives way to its "
        "dataset (`data.shuffle(64).split(...)` becomes `data.split(...)`). `random.shuffle`, "
        "`np.random.shuffle` and a generator's `rng.shuffle(x)` are left to the seed block.",
        facts=(ShuffleCalls(frozenset({"shuffle"})),),
        invalid=(
            Invalid(
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                data = data.shuffle(buffer_size=1000)
                train, test = data.shuffle(64).split([0.9, 0.1])
                """,
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                # [reprofix MS107] data = data.shuffle(buffer_size=1000)
                # [reprofix MS107] was: data.shuffle(64)
                train, test = data.split([0.9, 0.1])
                """,
                findings=("3:8 MS107", "4:15 MS107"),
            ),
            Invalid(
                """
                import mindspore.dataset as ds
                data = (ds.MnistDataset(path, shuffle=False, num_parallel_workers=1)
                        .shuffle(64))
                """,
                """
                import mindspore.dataset as ds
                # [reprofix MS107] was: (ds.MnistDataset(path, shuffle=False, num_parallel_workers=1)
                # [reprofix MS107]         .shuffle(64))
                data = (ds.MnistDataset(path, shuffle=False, num_parallel_workers=1))
                """,
                findings=("2:8 MS107", "2:9 MS304"),
            ),
        ),
        valid=(
            Valid(
                """
                import random
                import mindspore
                random.shuffle(items)
                """
            ),
        ),
    ),
    Rule(
        "MS108", "parallel-workers", FRAMEWORK, REWRITE,
        "`num_parallel_workers=1` on sources, `map` and `batch`; `python_multiprocessing=False`.",
        "Step 4: parallel workers can reorder rows. The literal 1 replaces any expression or is "
        "added; `python_multiprocessing=False` replaces what is given; "
        "`ds.config.set_num_parallel_workers(k)` becomes 1.",
        facts=(
            SourceSetting(SOURCES, "num_parallel_workers", "1"),
            SourceSetting(SOURCES, "python_multiprocessing", "False", only_if_given=True),
            MethodArguments("map", _WORKER_FIXES, required=DATASET_KEYWORDS),
            MethodArguments("batch", _WORKER_FIXES),
            CallArguments({"mindspore.dataset.config.set_num_parallel_workers": (ArgFix(P("num", 0), "1"),)}, "{name}({value})"),
        ),
        invalid=(
            Invalid(
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                ds.config.set_num_parallel_workers(8)
                data = data.map(operations=trans, input_columns="image", python_multiprocessing=True)
                data = data.batch(32, drop_remainder=True, num_parallel_workers=workers)
                """,
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                ds.config.set_num_parallel_workers(1)
                data = data.map(operations=trans, input_columns="image", python_multiprocessing=False, num_parallel_workers=1)
                data = data.batch(32, drop_remainder=True, num_parallel_workers=1)
                """,
                findings=("3:1 MS108", "4:8 MS108", "4:8 MS108", "5:8 MS108"),
            ),
        ),
    ),
    Rule(
        "MS201", "dropout-layer", FRAMEWORK, REWRITE,
        "`nn.Dropout`, `nn.Dropout1d/2d/3d` and `mint.nn.Dropout*` keep their class and drop nothing "
        "(`p=0.0`, or `keep_prob=1.0` where the call passes keep_prob), the original in a comment.",
        "Step 5: the procedure says to comment Dropout out; the script must still run, and code reads "
        "the layer's attributes (`self.dropout.dropout.shard(...)` in parallel code) or saves it, so "
        "the layer stays and drops nothing (a zero rate returns the input unchanged and draws no "
        "random numbers: tests/test_zero_rates.py checks it on MindSpore itself). A positional "
        "argument to MindSpore's `nn.Dropout` is keep_prob, not p; `keep_prob` must be the float "
        "1.0 (the int 1 fails a type check).",
        facts=(DropoutLayers(DROPOUT_LAYERS, no_op="mindspore.nn.Identity"),),
        invalid=(
            Invalid(
                """
                from mindspore import nn
                class Net(nn.Cell):
                    def __init__(self):
                        super().__init__()
                        self.drop = nn.Dropout(p=0.2)
                        self.old = nn.Dropout(keep_prob=0.9)
                        self.positional = nn.Dropout(0.9)
                        self.default = nn.Dropout2d()
                """,
                """
                from mindspore import nn
                class Net(nn.Cell):
                    def __init__(self):
                        super().__init__()
                        # [reprofix MS201] was: nn.Dropout(p=0.2)
                        self.drop = nn.Dropout(p=0.0)
                        # [reprofix MS201] was: nn.Dropout(keep_prob=0.9)
                        self.old = nn.Dropout(keep_prob=1.0)
                        # [reprofix MS201] was: nn.Dropout(0.9)
                        self.positional = nn.Dropout(1.0)
                        # [reprofix MS201] was: nn.Dropout2d()
                        self.default = nn.Dropout2d(p=0.0)
                """,
                findings=("5:21 MS201", "6:20 MS201", "7:27 MS201", "8:24 MS201"),
            ),
        ),
    ),
    Rule(
        "MS202", "dropout-function", FRAMEWORK, REWRITE,
        "Functional `ops.dropout(x, ...)` (and `dropout1d/2d/3d`) becomes `x`.",
        "Step 5: functional dropout draws a new mask every call.",
        facts=(PassThrough(DROPOUT_FUNCTIONS),),
        invalid=(
            Invalid(
                """
                from mindspore import nn, ops
                def construct(self, x):
                    x = ops.dropout(x, p=0.5, training=self.training)
                    return ops.dropout(x, p=0.5, training=self.training)
                """,
                """
                from mindspore import nn, ops
                def construct(self, x):
                    # [reprofix MS202] x = ops.dropout(x, p=0.5, training=self.training)
                    # [reprofix MS202] was: ops.dropout(x, p=0.5, training=self.training)
                    return x
                """,
                findings=("3:9 MS202", "4:12 MS202"),
            ),
        ),
    ),
    Rule(
        "MS203", "dropout-primitive", FRAMEWORK, REWRITE,
        "The `ops.Dropout` primitive gets `keep_prob=1.0` and keeps its tuple output.",
        "Step 5: `ops.Dropout` returns `(output, mask)`; replacing it would break the caller's "
        "unpacking, so it keeps nothing from being dropped instead (the float 1.0: the int 1 fails "
        "MindSpore's type check).",
        facts=(CallArguments(DROPOUT_PRIMITIVES),),
        invalid=(
            Invalid(
                """
                from mindspore import nn, ops
                dropout = ops.Dropout(keep_prob=0.8)
                """,
                """
                from mindspore import nn, ops
                dropout = ops.Dropout(keep_prob=1.0)
                """,
                findings=("2:11 MS203",),
            ),
            Invalid(
                """
                from mindspore import nn, ops
                dropout = ops.Dropout(0.8)
                """,
                """
                from mindspore import nn, ops
                dropout = ops.Dropout(1.0)
                """,
                findings=("2:11 MS203",),
            ),
        ),
    ),
    Rule(
        "MS209", "seeded-dropout", FRAMEWORK, REWRITE,
        "With `apply --keep-randomness` only: `ops.Dropout` gets `Seed0`/`Seed1` and `ops.dropout` "
        "gets `seed=`, the run's seed, where none (or 0) is given.",
        "Step 5: give the Dropout and Random operators that must stay a fixed non-zero seed. Without "
        "one, MindSpore's dropout primitives draw masks that differ between runs even after "
        "`mindspore.set_seed` (`nn.Dropout` takes its seeds from the global seed). The normal mode "
        "takes dropout out instead (MS201, MS202).",
        facts=(SeededOps({"mindspore.ops.Dropout": (P("Seed0", 1), P("Seed1", 2)),
                          "mindspore.ops.dropout": (P("seed", 3),)}),),
        invalid=(
            Invalid(
                """
                from mindspore import nn, ops
                mask = ops.Dropout(keep_prob=0.9)
                y = ops.dropout(x, p=0.1, training=True)
                """,
                """
                from mindspore import nn, ops
                mask = ops.Dropout(keep_prob=0.9, Seed0=1, Seed1=1)
                y = ops.dropout(x, p=0.1, training=True, seed=1)
                """,
                findings=("2:8 MS209", "3:5 MS209"),
            ),
        ),
    ),
    Rule(
        "MS204", "random-op-seed", FRAMEWORK, REWRITE,
        "Random ops that take a seed get a fixed non-zero one when none (or 0) is given.",
        "Step 5: primitives with `seed, seed2` (StandardNormal, UniformReal, UniformInt, Gamma, "
        "Poisson, Multinomial, RandomShuffle, ...) and functional ops with `seed` (`ops.uniform`, "
        "`ops.normal`, `ops.multinomial`, `ops.randint`, ...) get the seed of the run.",
        facts=(SeededOps(SEEDED_OPS),),
        invalid=(
            Invalid(
                """
                from mindspore import nn, ops
                noise = ops.StandardNormal()
                u = ops.uniform((2, 2), a, b)
                r = ops.UniformReal(8)
                """,
                """
                from mindspore import nn, ops
                noise = ops.StandardNormal(seed=1, seed2=1)
                u = ops.uniform((2, 2), a, b, seed=1)
                r = ops.UniformReal(8, seed2=1)
                """,
                findings=("2:9 MS204", "3:5 MS204", "4:5 MS204"),
            ),
        ),
    ),
    Rule(
        "MS205", "random-op-without-seed", FRAMEWORK, REPORT,
        "Random ops that take no seed are reported.",
        "Step 5: `NonDeterministicInts`, `LogNormalReverse`, `RandomCategorical`, "
        "`MultinomialWithReplacement` and `Randperm` cannot be given a seed; remove or replace them "
        "while debugging.",
        facts=(FlaggedCalls(UNSEEDABLE_OPS, "{name} takes no seed: remove it or replace it while debugging"),),
        invalid=(
            Invalid(
                """
                from mindspore import nn, ops
                op = ops.NonDeterministicInts()
                """,
                None,
                findings=("2:6 MS205",),
            ),
        ),
        valid=(
            Valid(
                """
                from mindspore import ops
                index = ops.randperm(8, seed=1)
                """
            ),
        ),
    ),
    common.project_classes(
        "MS206", FRAMEWORK, draws=common.PYTHON_DRAWS | frozenset(n for n in SEEDED_OPS if n.split(".")[-1][0].islower()),
        why="Projects define their own `RandomErasing`, `RandomCropLetterbox` or Dropout subclasses; "
            "reprofix cannot know what they do, so it says where they are.",
        invalid=(
            Invalid(
                """
                from mindspore import nn, ops
                class RandomErasing:
                    pass

                op = RandomErasing()
                """,
                None,
                findings=("5:6 MS206",),
            ),
            Invalid(
                """
                from mindspore import nn, ops
                class MyDropout(nn.Dropout):
                    pass
                """,
                None,
                findings=("2:7 MS206",),
            ),
            Invalid(  # mindyolo: augmentations as methods of the dataset, and mixup by name
                """
                import random
                import numpy as np
                import mindspore
                class COCODataset:
                    def __init__(self, dataset_path, transforms_dict):
                        self.transforms_dict = transforms_dict
                        random.shuffle(self.img_files)
                    def __getitem__(self, index):
                        sample = self.get_sample(index)
                        for _trans in self.transforms_dict:
                            func_name, prob = _trans.pop("func_name"), _trans.pop("prob", 1.0)
                            if random.random() < prob:
                                sample = getattr(self, func_name)(sample, **_trans)
                        return sample
                    def hsv_augment(self, sample, hgain=0.5, sgain=0.5, vgain=0.5):
                        r = np.random.uniform(-1, 1, 3) * [hgain, sgain, vgain] + 1
                        return sample
                def mixup(x, y, alpha=1.0):
                    lam = np.random.beta(alpha, alpha)
                    return lam * x + (1 - lam) * x[::-1], y
                """,
                None,
                findings=("12:16 MS206", "19:11 MS206"),
            ),
        ),
        valid=(
            Valid(
                """
                from mindspore import nn
                class Net(nn.Cell):
                    pass
                net = Net()
                """
            ),
        ),
    ),
    common.library_augmentation(
        "MS207", FRAMEWORK, factories={
            **{f"mindcv.data.{m}Mixup": "pass mixup_alpha=0.0 and cutmix_alpha=0.0 (or do not apply it)"
               for m in ("", "mixup.")},
            **{f"mindcv.data.{m}{n}": "do not apply it" for m in ("", "auto_augment.")
               for n in ("RandAugment", "AutoAugment", "TrivialAugmentWide", "AugMixAugment",
                         "rand_augment_transform", "auto_augment_transform", "trivial_augment_wide_transform",
                         "augment_and_mix_transform")},
        },
        why="reprofix never edits installed libraries; where one builds the augmentations or the "
            "shuffled loader (`create_transforms(..., is_training=True)`, `create_loader(..., "
            "shuffle=True, mixup=0.2)`), the call site is reported with the value to pass instead.",
        invalid=(
            Invalid(
                """
                import mindspore
                from mindcv.data import create_transforms
                trans = create_transforms("imagenet", is_training=True, auto_augment="randaug")
                """,
                None,
                findings=("3:39 MS207", "3:57 MS207"),
            ),
        ),
        valid=(
            Valid(
                """
                import mindspore
                from mindcv.data import create_transforms
                trans = create_transforms("imagenet", is_training=False)
                """
            ),
        ),
    ),
    common.dropout_keywords(
        "MS208", FRAMEWORK,
        invalid=(
            Invalid(
                """
                from mindcv.models import create_model
                import mindspore
                network = create_model("vit_b_32_224", drop_rate=0.1, drop_path_rate=0.1)
                """,
                """
                from mindcv.models import create_model
                import mindspore
                network = create_model("vit_b_32_224", drop_rate=0.0, drop_path_rate=0.0)
                """,
                findings=("3:40 MS208", "3:55 MS208"),
            ),
            Invalid(  # mindcv: an option left unset (None) is not passed on, to models without the keyword
                """
                import mindspore
                from mindcv.models import create_model
                network = create_model(args.model, drop_rate=args.drop_rate)
                """,
                """
                import mindspore
                from mindcv.models import create_model
                network = create_model(args.model, drop_rate=None if args.drop_rate is None else 0.0)
                """,
                findings=("3:36 MS208",),
            ),
            Invalid(
                """
                import mindspore
                cell = DecoderCell(hidden_size=64, dropout_keep_prob=0.9)
                """,
                """
                import mindspore
                cell = DecoderCell(hidden_size=64, dropout_keep_prob=1.0)
                """,
                findings=("2:36 MS208",),
            ),
        ),
        valid=(
            Valid(  # mindocr: validators named like the rates they check, in a decorator's call
                """
                import mindspore
                from mindspore import nn
                from mindspore._checkparam import Validator
                class MultiHeadAttention(nn.Cell):
                    @_args_type_validator_check(hidden_size=Validator.check_positive_int,
                                                attention_dropout_rate=Validator.check_non_negative_float,
                                                hidden_dropout_rate=Validator.check_non_negative_float)
                    def __init__(self, hidden_size, attention_dropout_rate=0.1, hidden_dropout_rate=0.1):
                        super().__init__()
                """
            ),
        ),
    ),
    common.random_hyperparameters(
        "MS301", FRAMEWORK,
        why="Step 2: no random values in hyper-parameters. A value from `random.*` or `numpy.random.*` "
            "assigned or passed to a setting named like one (lr, learning_rate, momentum, decay, "
            "batch_size, epochs, warmup, dropout, ...) is reported.",
        invalid=(
            Invalid(
                """
                import random
                import mindspore
                lr = random.uniform(0.01, 0.1)
                """,
                None,
                findings=("3:6 MS301",),
            ),
        ),
        valid=(
            Valid(  # per-sample draws are MS206's: augmentations
                """
                import random
                import mindspore
                index = random.randint(0, len(dataset) - 1)
                """
            ),
        ),
    ),
    common.checkpoint_pops(
        "MS302", FRAMEWORK, loaders=CHECKPOINT_LOADERS,
        summary="Keys popped or deleted from a loaded checkpoint are reported.",
        why="Step 3: load the fixed checkpoint completely; popping keys (a classifier head, say) leaves "
            "those weights randomly initialised.",
        invalid=(
            Invalid(
                """
                import mindspore as ms
                params = ms.load_checkpoint(path)
                params.pop("head.weight")
                del params["head.bias"]
                """,
                None,
                findings=("3:1 MS302", "4:1 MS302"),
            ),
        ),
        valid=(
            Valid(
                """
                import mindspore as ms
                params = ms.load_checkpoint(path)
                settings = {"lr": 0.1}
                settings.pop("lr")
                """
            ),
        ),
    ),
    common.unfixed_seeds(
        "MS303", FRAMEWORK, seed_functions=SEED_FUNCTIONS,
        why="Step 1: a seed from `random.randint(...)` or the clock, or an optional seed (`if args.seed "
            "is not None:`) leaves the run unseeded; the seed block fixes the globals, but the code "
            "should be fixed too.",
        invalid=(
            Invalid(
                """
                import random
                import mindspore as ms
                seed = random.randint(1, 10000)
                ms.set_seed(random.randint(1, 100))
                if args.seed is not None:
                    ms.set_seed(args.seed)
                """,
                None,
                findings=("3:8 MS303", "4:1 MS303", "5:4 MS303"),
            ),
        ),
        valid=(
            Valid(
                """
                import random
                import mindspore as ms
                random.seed(1234)
                seeds = [random.randint(0, 99) for _ in range(4)]
                ms.set_seed(seeds[0])
                """
            ),
        ),
    ),
    Rule(
        "MS304", "resume-with-skip", FRAMEWORK, NOTE,
        "A hint at the first dataset source: resume with `dataset.skip(n)`.",
        "Step 4: to resume mid-way and still see the same rows, skip the consumed rows rather than "
        "starting a new epoch.",
        facts=(
            ResumeHint(SOURCES, "to resume mid-way with the same data order, call .skip(n) on the dataset instead of "
                              "starting a new shuffled epoch"),
        ),
        invalid=(
            Invalid(
                """
                import mindspore.dataset as ds
                import mindspore.dataset.vision as vision
                data = ds.MnistDataset(path, shuffle=False, num_parallel_workers=1)
                """,
                None,
                findings=("3:8 MS304",),
            ),
        ),
        valid=(
            Valid(
                """
                import mindspore.dataset as ds
                data = data.batch(2, num_parallel_workers=1)
                """
            ),
        ),
    ),
    Rule(
        "MS305", "ascend-nondeterministic", FRAMEWORK, NOTE,
        "Uses of the operators the procedure lists as slightly nondeterministic on Ascend.",
        "Step 5: DynamicGRUV2, DynamicRNN, LayerNorm, NLLLoss, BatchNorm's training reductions, "
        "Conv2d/Conv3d backward filter, AllReduce, MaxPool3D backward, the Reduce* family, ROIAlign "
        "backward, SquareSumAll and StridedSlice backward can differ slightly between runs on "
        "Ascend even with everything fixed; compare with the step-6 tolerance.",
        facts=(
            FlaggedCalls(ASCEND_NONDETERMINISTIC, "{name} is slightly nondeterministic on Ascend (the procedure's list); "
                                              "expect tiny differences there"),
        ),
        invalid=(
            Invalid(
                """
                from mindspore import nn, ops
                norm = nn.LayerNorm((64,))
                """,
                None,
                findings=("2:8 MS305",),
            ),
        ),
        valid=(
            Valid(
                """
                from mindspore import nn
                norm = nn.GroupNorm(2, 4)
                """
            ),
        ),
    ),
)

TABLE = FrameworkTable(FRAMEWORK, ("mindspore",), RULES)
