"""PyTorch's rule table (torch and torchvision): the same procedure, as data.

Parameter positions come from torch 2.x signatures (`DataLoader(dataset, batch_size, shuffle, sampler,
batch_sampler, num_workers, ...)`). Note that a positional argument to `nn.Dropout` is `p` here, not
keep_prob as in MindSpore.
"""

from __future__ import annotations

import textwrap

from ..facts import (
    ArgFix, Chance, Range, AttributeFixes, CallArguments, DisableOps, DropoutLayers, LibraryModels, Param as P, PassThrough, Replacement,
    EpochSampler, EpochSamplers, Rate, ReplaceOps, SamplerFix, Samplers, SeedBlock, SeededLoader, Sources, SourceSetting,
    WorkerSeeding,
)
from ..rule import REPORT, REWRITE, Invalid, Rule, Valid
from . import aliases, common
from .common import qualified
from .table import FrameworkTable

FRAMEWORK = "pytorch"

TRANSFORMS = ("torchvision.transforms", "torchvision.transforms.v2")
RANDOM_TRANSFORMS = (
    "RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation", "RandomAffine", "RandomPerspective",
    "RandomErasing", "RandomGrayscale", "RandomInvert", "RandomPosterize", "RandomSolarize",
    "RandomAdjustSharpness", "RandomAutocontrast", "RandomEqualize", "RandomApply", "RandomChoice",
    "RandomOrder", "RandomPhotometricDistort", "RandomZoomOut", "RandomIoUCrop", "RandomShortestSize",
    "RandomResize", "RandomChannelPermutation", "ColorJitter", "GaussianBlur", "GaussianNoise",
    "ElasticTransform", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix", "CutMix", "MixUp",
    "ScaleJitter", "JPEG",
)


# Which arguments make a transform random (torchvision's signatures): one whose arguments make it
# deterministic (`RandomHorizontalFlip(p=1.0)` always flips) is left alone.
_P0, _P1 = P("p", 0), P("p", 1)
_AFFINE = (Range(P("degrees", 0)), Range(P("translate", 1), "offsets", absent="fixed"),
           Range(P("scale", 2), absent="fixed"), Range(P("shear", 3), absent="fixed"))
CHANCES = {
    **{name: Chance(_P0) for name in ("RandomHorizontalFlip", "RandomVerticalFlip", "RandomInvert",
                                       "RandomAutocontrast", "RandomEqualize")},
    "RandomGrayscale": Chance(_P0, default=0.1),
    **{name: Chance(_P1) for name in ("RandomPosterize", "RandomSolarize", "RandomAdjustSharpness", "RandomApply")},
    "RandomErasing": Chance(_P0, applied_is_random=True),
    "RandomPerspective": Chance(_P1, ranges=(Range(P("distortion_scale", 0)),)),
    "RandomRotation": Chance(ranges=(Range(P("degrees", 0)),)),
    "RandomAffine": Chance(ranges=_AFFINE),
    "ColorJitter": Chance(ranges=tuple(Range(P(n, i), absent="fixed") for i, n in
                                       enumerate(("brightness", "contrast", "saturation", "hue")))),
    "GaussianBlur": Chance(ranges=(Range(P("sigma", 1), "single"),)),
}

# DataLoader's parameter list: derived by `python -m transforms.tables.derive` (transforms/tables/data/).
SOURCES = Sources(aliases.signatures(FRAMEWORK), sampler_params=("sampler", "batch_sampler"))

# `--keep-randomness`: what each DataLoader worker runs. PyTorch seeds torch, NumPy and `random` in a
# worker from the loader's generator (base seed + worker id): apart per worker, but alike on every rank
# (the generator is seeded alike there, as a DistributedSampler's order needs), so every rank would
# augment alike. This reseeds all three with the rank mixed in.
SEED_WORKER = textwrap.dedent('''\
    def _reprofix_seed_worker(worker_id, then=None):
        """Seeds torch, NumPy and random in a DataLoader worker: apart per worker and per rank (RANK),
        the same on every run. `then`: the project's own worker_init_fn, run first."""
        import os
        import random
        import torch
        if then is not None:
            then(worker_id)
        seed = (torch.initial_seed() + 1000003 * int(os.environ.get("RANK", "0"))) % 2**32
        torch.manual_seed(seed)
        random.seed(seed)
        try:
            import numpy
        except ImportError:
            return
        numpy.random.seed(seed)
''')

# timm's augmentations, built inside the library (qualified as timm exports them, and where they live)
_MIXUP = "pass mixup_alpha=0.0 and cutmix_alpha=0.0 (or do not apply it)"
_AUGMENT = "do not apply it"
LIBRARY_AUGMENTATIONS = {
    **{f"timm.data.{m}{n}": _MIXUP for m in ("", "mixup.") for n in ("Mixup", "FastCollateMixup")},
    **{f"timm.data.{m}{n}": _AUGMENT for m in ("", "auto_augment.")
       for n in ("rand_augment_transform", "auto_augment_transform", "augment_and_mix_transform", "RandAugment",
                 "AutoAugment", "AugMixAugment")},
    **{f"timm.data.{m}RandomErasing": "pass probability=0.0 (or do not apply it)" for m in ("", "random_erasing.")},
}

# torchvision's classification models that keep dropout or stochastic depth unless told not to, with
# the keywords that turn it off; none for those whose builder fixes its stochastic depth itself (Swin,
# MaxViT: passing it is a TypeError). tests/test_tables.py builds every model torchvision lists to check.
_TV = "torchvision.models"
LIBRARY_MODELS = {
    **{f"{_TV}.{n}": ("dropout",) for n in (
        "alexnet", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
        "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "inception_v3", "squeezenet1_0",
        "squeezenet1_1", "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3",
    )},
    f"{_TV}.googlenet": ("dropout", "dropout_aux"),
    **{f"{_TV}.efficientnet_{n}": ("dropout", "stochastic_depth_prob") for n in (
        "b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "v2_s", "v2_m", "v2_l",
    )},
    **{f"{_TV}.{n}": ("stochastic_depth_prob",) for n in (
        "convnext_tiny", "convnext_small", "convnext_base", "convnext_large",
    )},
    **{f"{_TV}.{n}": () for n in ("swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b", "maxvit_t")},
}

SAMPLERS = {
    **{f"{m}.RandomSampler": SamplerFix("rename", "torch.utils.data.SequentialSampler", keep=(P("data_source", 0),))
       for m in ("torch.utils.data", "torch.utils.data.sampler")},
    **{f"{m}.DistributedSampler": SamplerFix("no_shuffle", shuffle=P("shuffle", 3))
       for m in ("torch.utils.data", "torch.utils.data.distributed")},
    **{f"{m}.SequentialSampler": SamplerFix("ok") for m in ("torch.utils.data", "torch.utils.data.sampler")},
}

DROPOUT_LAYERS = {
    f"torch.nn.{name}": Rate(ArgFix(P("p", 0), "0.0"))
    for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout")
}
DROPOUT_FUNCTIONS = {
    f"torch.nn.functional.{name}": P("input", 0)
    for name in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout")
}
_RNN_DROPOUT = (ArgFix(P("dropout", None), "0.0", only_if_given=True),)
ARGUMENT_FIXES = {
    **{f"torch.nn.{name}": _RNN_DROPOUT for name in ("LSTM", "GRU", "RNN")},
    "torch.nn.MultiheadAttention": (ArgFix(P("dropout", 2), "0.0", only_if_given=True),),
    "torch.nn.TransformerEncoderLayer": (ArgFix(P("dropout", 3), "0.0"),),
    "torch.nn.TransformerDecoderLayer": (ArgFix(P("dropout", 3), "0.0"),),
    "torch.nn.Transformer": (ArgFix(P("dropout", 5), "0.0"),),
    "torch.nn.functional.scaled_dot_product_attention": (ArgFix(P("dropout_p", 4), "0.0", only_if_given=True),),
    "torch.nn.functional.multi_head_attention_forward": (ArgFix(P("dropout_p", 10), "0.0"),),
}

RANDOM_VALUE_FUNCTIONS = common.PYTHON_RANDOM_VALUES | {f"torch.{n}" for n in ("rand", "randn", "randint")}
SEED_FUNCTIONS = frozenset({"torch.manual_seed", "torch.cuda.manual_seed", "torch.cuda.manual_seed_all"})
# what a project's augmentation or layer draws with (a tensor's in-place fill draws too: `x.bernoulli_(p)`)
DRAWS = common.PYTHON_DRAWS | {f"torch.{n}" for n in (
    "rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like", "bernoulli", "normal",
    "multinomial", "poisson",
)}
DRAW_METHODS = frozenset({"bernoulli_", "uniform_", "random_", "exponential_", "geometric_", "cauchy_", "log_normal_"})

SEED_BLOCK = SeedBlock(
    roots=("torch",),
    imports=("os", "random", "numpy", "torch"),
    lines=(
        '{mod:os}.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # before CUDA starts',
        "{mod:random}.seed({seed})",
        "{mod:numpy}.random.seed({seed})",
        "{mod:torch}.manual_seed({seed})",
        'if hasattr({mod:torch}, "use_deterministic_algorithms"):  # PyTorch 1.8 and later\n'
        "    {mod:torch}.use_deterministic_algorithms(True)",
        "{mod:torch}.backends.cudnn.deterministic = True",
        "{mod:torch}.backends.cudnn.benchmark = False",
    ),
)

RULES = (
    Rule(
        "PT001", "seed-block", FRAMEWORK, REWRITE,
        "Inserts a seed block after the leading imports of a PyTorch entry script.",
        "`torch.manual_seed`, `random.seed` and `numpy.random.seed`, "
        "`torch.use_deterministic_algorithms(True)`, cuDNN `deterministic=True` / "
        "`benchmark=False`, and `CUBLAS_WORKSPACE_CONFIG` set before CUDA starts (cuBLAS needs it "
        "for deterministic results).",
        facts=(SEED_BLOCK,),
        invalid=(
            Invalid(
                """
                import torch

                model = torch.nn.Linear(2, 2)
                """,
                """
                import torch

                # >>> reprofix: reproducibility block, remove with `reprofix revert` >>>
                import os
                import random
                try:
                    import numpy as _reprofix_numpy
                except ImportError:  # not installed: nothing of it to seed
                    _reprofix_numpy = None
                import torch
                os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # before CUDA starts
                random.seed(1)
                if _reprofix_numpy is not None:
                    _reprofix_numpy.random.seed(1)
                torch.manual_seed(1)
                if hasattr(torch, "use_deterministic_algorithms"):  # PyTorch 1.8 and later
                    torch.use_deterministic_algorithms(True)
                torch.backends.cudnn.deterministic = True
                torch.backends.cudnn.benchmark = False
                # <<< reprofix <<<

                model = torch.nn.Linear(2, 2)
                """,
                findings=("2:1 PT001",),
                script=True,
            ),
        ),
    ),
    Rule(
        "PT101", "random-crop", FRAMEWORK, REWRITE,
        "torchvision `RandomCrop(size, ...)` becomes `CenterCrop(size)`.",
        "A random crop position changes every epoch; a centre crop keeps the output size.",
        facts=(ReplaceOps({f"{m}.RandomCrop": Replacement(("CenterCrop({size})",), f"{m}.Compose") for m in TRANSFORMS}),),
        invalid=(
            Invalid(
                """
                import torchvision.transforms as T
                train = T.Compose([T.RandomCrop(32, padding=4), T.ToTensor()])
                """,
                """
                import torchvision.transforms as T
                # [reprofix PT101] was: T.RandomCrop(32, padding=4)
                train = T.Compose([T.CenterCrop(32), T.ToTensor()])
                """,
                findings=("2:20 PT101",),
            ),
        ),
    ),
    Rule(
        "PT102", "random-resized-crop", FRAMEWORK, REWRITE,
        "torchvision `RandomResizedCrop(size, ...)` becomes `Resize(size)` then `CenterCrop(size)`; its "
        "`interpolation` and `antialias` go to the resize.",
        "The random area and aspect ratio change every epoch; resize then centre crop keeps the "
        "output size x size.",
        facts=(
            ReplaceOps({
            f"{m}.RandomResizedCrop": Replacement(("Resize({size})", "CenterCrop({size})"), f"{m}.Compose",
                                                  carry=(P("interpolation", 3), P("antialias", 4)))
            for m in TRANSFORMS
        }),
        ),
        invalid=(
            Invalid(
                """
                from torchvision.transforms import v2
                aug = v2.Compose([v2.RandomResizedCrop(224), v2.ToDtype(float)])
                """,
                """
                from torchvision.transforms import v2
                # [reprofix PT102] was: v2.RandomResizedCrop(224)
                aug = v2.Compose([v2.Resize(224), v2.CenterCrop(224), v2.ToDtype(float)])
                """,
                findings=("2:19 PT102",),
            ),
            Invalid(  # DINO: the interpolation is not random, and stays
                """
                from PIL import Image
                from torchvision import transforms
                local_transfo = transforms.RandomResizedCrop(96, scale=local_crops_scale, interpolation=Image.BICUBIC)
                """,
                """
                from PIL import Image
                from torchvision import transforms
                # [reprofix PT102] was: transforms.RandomResizedCrop(96, scale=local_crops_scale, interpolation=Image.BICUBIC)
                local_transfo = transforms.Compose([transforms.Resize(96, interpolation=Image.BICUBIC), transforms.CenterCrop(96)])
                """,
                findings=("3:17 PT102",),
            ),
        ),
    ),
    Rule(
        "PT104", "random-transform", FRAMEWORK, REWRITE,
        "Every other random torchvision transform is disabled, with every use of it.",
        "`Random*`, `ColorJitter`, `GaussianBlur`, `ElasticTransform`, `AutoAugment`, "
        "`RandAugment`, `TrivialAugmentWide`, `AugMix`, `RandomErasing`, `CutMix`, `MixUp`, ... in "
        "`transforms` and `transforms.v2` are taken out of their lists (and names bound to them), "
        "visibly, as for MS104. "
        "An op whose arguments make it deterministic (probability 0 or 1 with every range a single "
        "value: `RandomHorizontalFlip(1)`, `RandomAffine(degrees=0, shear=(-s, -s))`) is left alone; "
        "where an argument that decides it cannot be evaluated (a name, `*args`), the op is removed all the "
        "same, as the procedure says, and the finding names that argument.",
        facts=(DisableOps(qualified(TRANSFORMS, RANDOM_TRANSFORMS), composers=qualified(TRANSFORMS, ("Compose",)), chances=CHANCES),),
        invalid=(
            Invalid(
                """
                import torchvision.transforms as T
                flip = T.RandomHorizontalFlip()
                train = T.Compose([flip, T.ColorJitter(0.4, 0.4), T.ToTensor()])
                """,
                """
                import torchvision.transforms as T
                # [reprofix PT104] flip = T.RandomHorizontalFlip()
                # [reprofix PT104] removed from list: flip
                # [reprofix PT104] removed from list: T.ColorJitter(0.4, 0.4)
                train = T.Compose([T.ToTensor()])
                """,
                findings=("2:8 PT104", "3:26 PT104"),
            ),
            Invalid(
                """
                import torchvision.transforms as T
                flip = T.RandomHorizontalFlip(p=args.flip_prob)
                """,
                """
                import torchvision.transforms as T
                # [reprofix PT104] flip = T.RandomHorizontalFlip(p=args.flip_prob)
                """,
                findings=("2:8 PT104",),
            ),
        ),
        valid=(
            Valid(
                """
                import torchvision.transforms as T
                always = T.Compose([T.RandomHorizontalFlip(1), T.RandomVerticalFlip(p=0.0), T.ToTensor()])
                shear = T.RandomAffine(degrees=0, shear=(-s, -s))
                jitter = T.ColorJitter(brightness=0, hue=(0.1, 0.1))
                """
            ),
        ),
    ),
    Rule(
        "PT105", "loader-shuffle", FRAMEWORK, REWRITE,
        "`DataLoader` gets `shuffle=False`, whatever it was given, and also where a sampler decides the order.",
        "A shuffled loader changes the batch order every run. Any expression is replaced "
        "(`shuffle=(train_sampler is None)` shuffles whenever no sampler is passed); beside a sampler "
        "`shuffle=False` is what torch expects anyway. Where the loader's arguments come through "
        "`**kwargs`, the keyword is never added beside them (\"got multiple values\"): a dict literal "
        "used only there gets the entry, any other dict is overridden in place.",
        facts=(SourceSetting(SOURCES, "shuffle", "False", beside_sampler="replace"),),
        invalid=(
            Invalid(
                """
                from torch.utils.data import DataLoader
                loader = DataLoader(data, batch_size=32, shuffle=True)
                sampled = DataLoader(data, shuffle=(train_sampler is None), sampler=train_sampler, num_workers=0)
                """,
                """
                from torch.utils.data import DataLoader
                loader = DataLoader(data, batch_size=32, shuffle=False, num_workers=0)
                sampled = DataLoader(data, shuffle=False, sampler=train_sampler, num_workers=0)
                """,
                findings=("2:10 PT105", "2:10 PT108", "3:11 PT105", "3:69 PT106"),
            ),
            Invalid(
                """
                from torch.utils.data import DataLoader
                def make(data):
                    args = {'batch_size': 32, 'shuffle': True}
                    return DataLoader(data, **args)
                """,
                """
                from torch.utils.data import DataLoader
                def make(data):
                    args = {'batch_size': 32, 'shuffle': False, 'num_workers': 0}
                    return DataLoader(data, **args)
                """,
                findings=("3:31 PT105", "4:12 PT108"),
            ),
            Invalid(
                """
                from torch.utils.data import DataLoader
                train_kwargs = {"batch_size": 64}
                if use_cuda:
                    train_kwargs.update({"num_workers": 1, "shuffle": True})
                loader = DataLoader(dataset, **train_kwargs)
                """,
                """
                from torch.utils.data import DataLoader
                train_kwargs = {"batch_size": 64}
                if use_cuda:
                    train_kwargs.update({"num_workers": 1, "shuffle": True})
                loader = DataLoader(dataset, **{**train_kwargs, "shuffle": False, "num_workers": 0})
                """,
                findings=("5:10 PT105", "5:10 PT108"),
            ),
            Invalid(
                """
                from torch.utils.data import DataLoader
                loader = DataLoader(
                    data,
                    batch_size=32
                )
                """,
                """
                from torch.utils.data import DataLoader
                loader = DataLoader(
                    data,
                    batch_size=32,
                    shuffle=False,
                    num_workers=0
                )
                """,
                findings=("2:10 PT105", "2:10 PT108"),
            ),
            Invalid(
                """
                from torch.utils.data import DataLoader
                loader = DataLoader(*parts, **options)
                """,
                None,
                findings=("2:10 PT105", "2:10 PT108"),
            ),
            Invalid(
                """
                from torch.utils.data import DataLoader
                class MyLoader(DataLoader):
                    pass
                class Wrapped(DataLoader):
                    def __init__(self, data, shuffle=True):
                        super().__init__(data, batch_size=8, shuffle=shuffle, num_workers=0)
                loader_class = MyLoader if simple else DataLoader
                loader = loader_class(dataset, **loader_args)
                """,
                """
                from torch.utils.data import DataLoader
                class MyLoader(DataLoader):
                    pass
                class Wrapped(DataLoader):
                    def __init__(self, data, shuffle=True):
                        super().__init__(data, batch_size=8, shuffle=False, num_workers=0)
                loader_class = MyLoader if simple else DataLoader
                loader = loader_class(dataset, **{**loader_args, "shuffle": False, "num_workers": 0})
                """,
                findings=("6:9 PT105", "8:10 PT105", "8:10 PT108"),
            ),
        ),
    ),
    Rule(
        "PT106", "sampler", FRAMEWORK, REWRITE,
        "`RandomSampler` becomes `SequentialSampler` and `DistributedSampler` gets `shuffle=False`, "
        "wherever they are built.",
        "A sampler decides the order. It is fixed where it is built, so a sampler bound to a name, "
        "wrapped in a `BatchSampler`, chosen by `x if distributed else None`, returned by the file's "
        "own function or held in a field the class assigns is fixed too; a sampler passed to a "
        "`DataLoader` that may be anything else is reported, naming what else it may be.",
        facts=(Samplers(SOURCES, SAMPLERS),),
        invalid=(
            Invalid(
                """
                import torch
                from torch import nn
                from torch.utils.data import DataLoader
                from torch.utils.data import RandomSampler
                loader = DataLoader(data, sampler=RandomSampler(data), num_workers=0)
                """,
                """
                import torch
                from torch import nn
                from torch.utils.data import DataLoader
                from torch.utils.data import RandomSampler
                import torch.utils.data
                # [reprofix PT106] was: RandomSampler(data)
                loader = DataLoader(data, sampler=torch.utils.data.SequentialSampler(data), num_workers=0)
                """,
                findings=("5:35 PT106",),
            ),
            Invalid(
                """
                from torch.utils.data import DataLoader, DistributedSampler
                sampler = DistributedSampler(data) if distributed else None
                loader = DataLoader(data, sampler=sampler, num_workers=0)
                custom = DataLoader(data, sampler=BalancedSampler(data), num_workers=0)
                """,
                """
                from torch.utils.data import DataLoader, DistributedSampler
                sampler = DistributedSampler(data, shuffle=False) if distributed else None
                loader = DataLoader(data, sampler=sampler, num_workers=0)
                custom = DataLoader(data, sampler=BalancedSampler(data), num_workers=0)
                """,
                findings=("2:11 PT106", "4:35 PT106"),
            ),
            Invalid(  # a helper that builds the sampler; a field that may also be what a caller passed (PaddleDetection)
                """
                from torch.utils.data import DataLoader, DistributedSampler
                def build_sampler(data, distributed):
                    if distributed:
                        return DistributedSampler(data)
                    return None
                loader = DataLoader(data, sampler=build_sampler(data, True), num_workers=0)
                class Reader:
                    def __init__(self, data, sampler=None):
                        if sampler is None:
                            self._sampler = DistributedSampler(data, shuffle=True)
                        else:
                            self._sampler = sampler
                        self.loader = DataLoader(data, sampler=self._sampler, num_workers=0)
                """,
                """
                from torch.utils.data import DataLoader, DistributedSampler
                def build_sampler(data, distributed):
                    if distributed:
                        return DistributedSampler(data, shuffle=False)
                    return None
                loader = DataLoader(data, sampler=build_sampler(data, True), num_workers=0)
                class Reader:
                    def __init__(self, data, sampler=None):
                        if sampler is None:
                            self._sampler = DistributedSampler(data, shuffle=False)
                        else:
                            self._sampler = sampler
                        self.loader = DataLoader(data, sampler=self._sampler, num_workers=0)
                """,
                findings=("4:16 PT106", "10:29 PT106", "13:48 PT106"),
            ),
        ),
    ),
    Rule(
        "PT108", "loader-workers", FRAMEWORK, REWRITE,
        "`DataLoader` gets `num_workers=0`.",
        "Worker processes each draw their own random numbers and can reorder work; loading in the "
        "main process keeps every draw on the seeded generators.",
        facts=(SourceSetting(SOURCES, "num_workers", "0"),),
        invalid=(
            Invalid(
                """
                import torch
                from torch import nn
                from torch.utils.data import DataLoader
                loader = DataLoader(data, shuffle=False, num_workers=8)
                """,
                """
                import torch
                from torch import nn
                from torch.utils.data import DataLoader
                loader = DataLoader(data, shuffle=False, num_workers=0)
                """,
                findings=("4:10 PT108",),
            ),
        ),
    ),
    Rule(
        "PT112", "seeded-loader", FRAMEWORK, REWRITE,
        "With `apply --keep-randomness` only: a `DataLoader` without a `generator=` gets one seeded with "
        "the run's seed; one whose arguments come through `*args`/`**kwargs` is reported.",
        "Reproducible training that keeps its shuffling and augmentation (PyTorch's reproducibility notes): "
        "the seed block seeds the global generators, and the loader's own generator decides its order and "
        "the seeds of its workers (which seed `random` and torch in each worker from it), whatever else "
        "drew from the global generator before. A generator the project passes is its own: left alone.",
        facts=(SeededLoader(SOURCES, "torch"),),
        invalid=(
            Invalid(
                """
                import torch
                from torch.utils.data import DataLoader
                loader = DataLoader(data, batch_size=32, shuffle=True)
                """,
                """
                import torch
                from torch.utils.data import DataLoader
                loader = DataLoader(data, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(1))
                """,
                findings=("3:10 PT112",),
            ),
        ),
        valid=(
            Valid(
                """
                import torch
                from torch.utils.data import DataLoader
                loader = DataLoader(data, shuffle=True, generator=torch.Generator().manual_seed(7))
                """
            ),
        ),
    ),
    Rule(
        "PT113", "seeded-workers", FRAMEWORK, REWRITE,
        "With `apply --keep-randomness` only: a `DataLoader` with worker processes gets a `worker_init_fn` "
        "that seeds torch, NumPy and `random` in each worker, apart per worker and per rank (`RANK`); the "
        "project's own is wrapped (it runs first), and reported where it seeds from the OS.",
        "PyTorch seeds each worker from the loader's generator: apart per worker, but alike on every rank "
        "once the generator is seeded, so every rank would augment its samples alike. A module-level "
        "function, because spawned workers must import it (a lambda cannot be pickled).",
        facts=(WorkerSeeding(SOURCES, "_reprofix_seed_worker", SEED_WORKER, common.SEEDS_FROM_OS, common.FROM_OS),),
        invalid=(
            Invalid(
                "import numpy as np\n"
                "from torch.utils.data import DataLoader\n"
                "\n"
                "loader = DataLoader(data, shuffle=True, num_workers=4, generator=g)\n",
                "import numpy as np\n"
                "from torch.utils.data import DataLoader\n"
                "\n"
                "\n"
                "# [reprofix PT113] added: remove with `reprofix revert`\n"
                + SEED_WORKER +
                "\n\n"
                "loader = DataLoader(data, shuffle=True, num_workers=4, generator=g, worker_init_fn=_reprofix_seed_worker)\n",
                findings=("4:10 PT113",),
            ),
            Invalid(  # the project's own worker_init_fn is wrapped; one that reseeds from the OS is reported
                "import functools\n"
                "import numpy as np\n"
                "from torch.utils.data import DataLoader\n"
                "\n"
                "def init(worker_id):\n"
                "    np.random.seed()\n"
                "\n"
                "loader = DataLoader(data, num_workers=2, generator=g, worker_init_fn=init)\n",
                "import functools\n"
                "import numpy as np\n"
                "from torch.utils.data import DataLoader\n"
                "\n"
                "\n"
                "# [reprofix PT113] added: remove with `reprofix revert`\n"
                + SEED_WORKER +
                "\n\n"
                "def init(worker_id):\n"
                "    np.random.seed()\n"
                "\n"
                "loader = DataLoader(data, num_workers=2, generator=g, worker_init_fn=functools.partial(_reprofix_seed_worker, then=init))\n",
                findings=("6:5 PT113", "8:10 PT113"),
            ),
        ),
        valid=(
            Valid(
                """
                from torch.utils.data import DataLoader
                loader = DataLoader(data, generator=g)
                single = DataLoader(data, generator=g, num_workers=0)
                """
            ),
        ),
    ),
    Rule(
        "PT114", "distributed-sampler-seed", FRAMEWORK, REWRITE,
        "With `apply --keep-randomness` only: a shuffling `DistributedSampler` gets `seed=` (the run's seed) "
        "where none is given; a file that builds one and never calls `set_epoch` is reported.",
        "Every rank must shuffle alike (each takes its own share of one order), so the sampler has a seed of "
        "its own, 0 by default: the run's seed makes `--seed` choose it. Without `set_epoch(epoch)` at each "
        "epoch's start, every epoch repeats the first one's order.",
        facts=(EpochSamplers({f"{m}.DistributedSampler": EpochSampler(P("shuffle", 3), True, P("seed", 4))
                              for m in ("torch.utils.data", "torch.utils.data.distributed")}),),
        invalid=(
            Invalid(
                """
                from torch.utils.data import DataLoader, DistributedSampler
                sampler = DistributedSampler(data)
                loader = DataLoader(data, sampler=sampler, generator=g)
                for epoch in range(3):
                    sampler.set_epoch(epoch)
                """,
                """
                from torch.utils.data import DataLoader, DistributedSampler
                sampler = DistributedSampler(data, seed=1)
                loader = DataLoader(data, sampler=sampler, generator=g)
                for epoch in range(3):
                    sampler.set_epoch(epoch)
                """,
                findings=("2:11 PT114",),
            ),
            Invalid(  # no set_epoch in the file: reported
                """
                from torch.utils.data.distributed import DistributedSampler
                sampler = DistributedSampler(data, shuffle=True, seed=7)
                """,
                findings=("2:11 PT114",),
            ),
        ),
        valid=(
            Valid(
                """
                from torch.utils.data import DistributedSampler
                sampler = DistributedSampler(data, shuffle=False)
                """
            ),
        ),
    ),
    Rule(
        "PT109", "cudnn-benchmark", FRAMEWORK, REWRITE,
        "`torch.backends.cudnn.benchmark = True` becomes False (and `deterministic = False` True).",
        "cuDNN's autotuner may pick a different algorithm each run.",
        facts=(AttributeFixes({"torch.backends.cudnn.benchmark": "False", "torch.backends.cudnn.deterministic": "True"}),),
        invalid=(
            Invalid(
                """
                import torch
                torch.backends.cudnn.benchmark = True
                """,
                """
                import torch
                torch.backends.cudnn.benchmark = False
                """,
                findings=("2:1 PT109",),
            ),
        ),
    ),
    Rule(
        "PT201", "dropout-layer", FRAMEWORK, REWRITE,
        "`nn.Dropout*`, `nn.AlphaDropout` and `nn.FeatureAlphaDropout` keep their class with `p=0.0`, "
        "the original in a comment.",
        "Dropout draws a new mask every step. The layer stays, so code that reads it (`dropout_p="
        "self.attn_drop.p if self.training else 0.` in fused attention), saves it or reloads it under "
        "`torch.serialization.safe_globals` keeps working; a zero rate returns the input unchanged and "
        "draws no random numbers (tests/test_zero_rates.py checks it on torch itself).",
        facts=(DropoutLayers(DROPOUT_LAYERS, no_op="torch.nn.Identity"),),
        invalid=(
            Invalid(
                """
                from torch import nn
                head = nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.5))
                attn_drop = nn.Dropout(p=attn_drop_rate)
                """,
                """
                from torch import nn
                # [reprofix PT201] was: nn.Dropout(0.5)
                head = nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.0))
                # [reprofix PT201] was: nn.Dropout(p=attn_drop_rate)
                attn_drop = nn.Dropout(p=0.0)
                """,
                findings=("2:39 PT201", "3:13 PT201"),
            ),
            Invalid(  # the module that defines the layer: the alias table (transforms.tables.aliases)
                """
                from torch import nn
                from torch.nn.modules.dropout import Dropout
                head = nn.Sequential(nn.Linear(8, 8), Dropout(0.5))
                """,
                """
                from torch import nn
                from torch.nn.modules.dropout import Dropout
                # [reprofix PT201] was: Dropout(0.5)
                head = nn.Sequential(nn.Linear(8, 8), Dropout(0.0))
                """,
                findings=("3:39 PT201",),
            ),
        ),
    ),
    Rule(
        "PT202", "dropout-function", FRAMEWORK, REWRITE,
        "`F.dropout(x, ...)` (and its 1d/2d/3d/alpha variants) becomes `x`.",
        "Functional dropout draws a new mask every call.",
        facts=(PassThrough(DROPOUT_FUNCTIONS),),
        invalid=(
            Invalid(
                """
                import torch.nn.functional as F
                y = F.dropout(h, p=0.1, training=True)
                """,
                """
                import torch.nn.functional as F
                # [reprofix PT202] was: F.dropout(h, p=0.1, training=True)
                y = h
                """,
                findings=("2:5 PT202",),
            ),
        ),
    ),
    Rule(
        "PT203", "dropout-argument", FRAMEWORK, REWRITE,
        "`dropout=` of `nn.LSTM/GRU/RNN`, `nn.Transformer*` and `nn.MultiheadAttention` becomes "
        "0.0.",
        "These layers apply dropout inside; the Transformer layers do by default (0.1), so it is "
        "added.",
        facts=(CallArguments(ARGUMENT_FIXES),),
        invalid=(
            Invalid(
                """
                import torch
                from torch import nn
                from torch.utils.data import DataLoader
                rnn = nn.LSTM(8, 16, num_layers=2, dropout=0.3)
                enc = nn.TransformerEncoderLayer(16, 4)
                """,
                """
                import torch
                from torch import nn
                from torch.utils.data import DataLoader
                rnn = nn.LSTM(8, 16, num_layers=2, dropout=0.0)
                enc = nn.TransformerEncoderLayer(16, 4, dropout=0.0)
                """,
                findings=("4:7 PT203", "5:7 PT203"),
            ),
            Invalid(
                """
                from torch import nn
                rnn = getattr(nn, rnn_type)(16, 32, num_layers=2, dropout=dropout)
                class Model(nn.Transformer):
                    def __init__(self):
                        super().__init__(d_model=16, nhead=2)
                """,
                """
                from torch import nn
                rnn = getattr(nn, rnn_type)(16, 32, num_layers=2, dropout=0.0)
                class Model(nn.Transformer):
                    def __init__(self):
                        super().__init__(d_model=16, nhead=2, dropout=0.0)
                """,
                findings=("2:7 PT203", "5:9 PT203"),
            ),
        ),
    ),
    common.dropout_keywords(
        "PT204", FRAMEWORK,
        invalid=(
            Invalid(
                """
                import timm
                import torch.nn.functional as F
                model = timm.create_model("vit_tiny_patch16_224", drop_rate=0.1, drop_path_rate=args.drop_path)
                out = F.scaled_dot_product_attention(q, k, v, dropout_p=self.attn_drop.p if self.training else 0.0)
                config.hidden_dropout_prob = 0.1
                """,
                """
                import timm
                import torch.nn.functional as F
                model = timm.create_model("vit_tiny_patch16_224", drop_rate=0.0, drop_path_rate=None if args.drop_path is None else 0.0)
                out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.0)
                config.hidden_dropout_prob = 0.1
                """,
                findings=("3:51 PT204", "3:66 PT204", "4:7 PT203", "5:1 PT204"),
            ),
            Invalid(  # Swin and HRFormer: per-block rates, a list consumed by iteration
                """
                import torch
                dpr = [x.item() for x in torch.linspace(0, drop_path_rate, sum(depths))]
                for i in range(len(depths)):
                    layer = BasicLayer(dim, depths[i], drop_path=dpr[sum(depths[:i]):sum(depths[:i + 1])])
                stage = Stage(dim, drop_path=dpr, attn_drop_rate=(0.1, 0.2))
                """,
                """
                import torch
                dpr = [x.item() for x in torch.linspace(0, drop_path_rate, sum(depths))]
                for i in range(len(depths)):
                    layer = BasicLayer(dim, depths[i], drop_path=[0.0] * len(dpr[sum(depths[:i]):sum(depths[:i + 1])]))
                stage = Stage(dim, drop_path=[0.0] * len(dpr), attn_drop_rate=(0.0, 0.0))
                """,
                findings=("4:40 PT204", "5:20 PT204", "5:35 PT204"),
            ),
            Invalid(  # nanoGPT's config/train_shakespeare_char.py, which its configurator exec()s
                """
                import torch
                n_layer = 6
                dropout = 0.2
                if n_layer > 4:
                    attn_dropout = 0.1
                def scale(dropout=0.5):
                    dropout = 0.3
                    return dropout
                """,
                """
                import torch
                n_layer = 6
                dropout = 0.0
                if n_layer > 4:
                    attn_dropout = 0.0
                def scale(dropout=0.5):
                    dropout = 0.3
                    return dropout
                """,
                findings=("3:1 PT204", "5:5 PT204"),
            ),
            Invalid(  # a project class taking its keep probability by position (DropBlock)
                """
                import torch
                from torch import nn
                class DropBlock(nn.Module):
                    def __init__(self, block_size, keep_prob=0.9):
                        super().__init__()
                        self.block_size, self.keep_prob = block_size, keep_prob
                block = DropBlock(7, 0.9)
                """,
                """
                import torch
                from torch import nn
                class DropBlock(nn.Module):
                    def __init__(self, block_size, keep_prob=0.9):
                        super().__init__()
                        self.block_size, self.keep_prob = block_size, keep_prob
                block = DropBlock(7, 1.0)
                """,
                findings=("7:22 PT204",),
            ),
        ),
        valid=(
            Valid(  # the Annotated Transformer: a dropout layer handed to a function that calls it
                """
                import torch
                from torch import nn
                def attention(query, key, value, mask=None, dropout=None):
                    p_attn = query.softmax(dim=-1)
                    if dropout is not None:
                        p_attn = dropout(p_attn)
                    return torch.matmul(p_attn, value), p_attn
                class MultiHeadedAttention(nn.Module):
                    def __init__(self, h, d_model, dropout=0.1):
                        super().__init__()
                        self.dropout = Noise(dropout)
                    def forward(self, query, key, value, mask=None):
                        x, self.attn = attention(query, key, value, mask=mask, dropout=self.dropout)
                        return self_attention(query, key, value, dropout=self.dropout)
                """
            ),
            Valid(
                """
                import torch
                from torch.utils.data import DataLoader
                frame = frame.reset_index(drop=True)
                batches = data.batch(32, drop_remainder=True)
                dropout: float = 0.0
                """
            ),
            Valid(
                """
                import torch
                from timm.layers import DropPath
                block = Block(dim, drop_path=DropPath(rate) if rate > 0.0 else None, attn_drop_rate=0.0)
                def build(cfg):
                    size = cfg.gs
                    return size(4)
                """
            ),
        ),
    ),
    common.project_classes(
        "PT206", FRAMEWORK, draws=DRAWS, draw_methods=DRAW_METHODS,
        invalid=(
            Invalid(
                """
                import torch
                from torch import nn
                from torch.utils.data import DataLoader
                class DropPathDropout(nn.Module):
                    pass

                d = DropPathDropout()
                """,
                None,
                findings=("7:5 PT206",),
            ),
            Invalid(  # DINO's GaussianBlur: an augmentation not named Random..., drawing per sample
                """
                import random
                import torch
                from PIL import ImageFilter
                class GaussianBlur(object):
                    def __init__(self, p=0.5, radius_min=0.1, radius_max=2.):
                        self.prob = p
                        self.radius_min, self.radius_max = radius_min, radius_max
                    def __call__(self, img):
                        do_it = random.random() <= self.prob
                        if not do_it:
                            return img
                        return img.filter(ImageFilter.GaussianBlur(radius=random.uniform(self.radius_min, self.radius_max)))
                """,
                None,
                findings=("9:17 PT206",),
            ),
            Invalid(  # a layer drawing on every step: stochastic depth not named Drop..., a tensor's fill
                """
                import numpy as np
                import torch
                from torch import nn
                class StochasticDepth(nn.Module):
                    def __init__(self, p):
                        super().__init__()
                        self.p = p
                    def forward(self, x):
                        if not self.training:
                            return x
                        keep = x.new_empty(x.shape[0], 1, 1, 1).bernoulli_(1 - self.p)
                        return x * keep / (1 - self.p)
                def mixup_data(x, y, alpha=1.0):
                    lam = np.random.beta(alpha, alpha)
                    return lam * x + (1 - lam) * x.flip(0), y
                """,
                None,
                findings=("11:16 PT206", "14:11 PT206"),
            ),
        ),
        valid=(
            Valid(
                """
                from torch import nn
                class Net(nn.Module):
                    pass
                net = Net()
                """
            ),
        ),
    ),
    common.library_augmentation(
        "PT207", FRAMEWORK, factories=LIBRARY_AUGMENTATIONS,
        why="timm's `create_transform(..., is_training=True)` or a loader factory with `shuffle=True` builds "
            "the randomness inside a library reprofix does not edit.",
        invalid=(
            Invalid(
                """
                import torch
                from timm.data import create_transform
                t = create_transform(224, is_training=True)
                """,
                None,
                findings=("3:27 PT207",),
            ),
            Invalid(
                """
                import torch
                from timm.data import Mixup, create_transform
                mixup_fn = Mixup(mixup_alpha=0.8, cutmix_alpha=1.0, label_smoothing=0.1, num_classes=10)
                train_tf = create_transform(224, is_training=True, re_prob=0.25)
                """,
                None,
                findings=("3:12 PT207", "4:34 PT207", "4:52 PT207"),
            ),
        ),
        valid=(
            Valid(
                """
                import torch
                from timm.data import create_transform
                t = create_transform(224, is_training=False)
                """
            ),
        ),
    ),
    Rule(
        "PT208", "library-model", FRAMEWORK, REPORT,
        "A library model that keeps dropout or stochastic depth by default is reported with the keywords "
        "that turn it off: a torchvision builder called without them, a model chosen by name "
        "(`models.__dict__[arch]`, `get_model(name)`), a Hugging Face `...Model...from_pretrained(...)`.",
        "The randomness is inside a library reprofix does not edit, and only the call can turn it off "
        "(`vgg16(dropout=0.0)`, `convnext_tiny(stochastic_depth_prob=0.0)`, `from_pretrained(name, "
        "hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)`); a keyword the call already passes "
        "is rewritten as a rate (PT204).",
        facts=(LibraryModels(LIBRARY_MODELS, {f"{_TV}.get_model": _TV, **{
            "lightning.pytorch.utilities.model_helpers.get_torchvision_model": _TV,
            "pytorch_lightning.utilities.model_helpers.get_torchvision_model": _TV,
        }}, pretrained=("transformers",)),),
        invalid=(
            Invalid(  # pytorch/examples imagenet; Lightning's imagenet example; a builder by its name
                """
                import torchvision.models as models
                from lightning.pytorch.utilities.model_helpers import get_torchvision_model
                model = models.__dict__[args.arch]()
                net = get_torchvision_model(self.arch, weights=self.weights)
                small = models.get_model("convnext_tiny", weights=None)
                """,
                None,
                findings=("3:9 PT208", "4:7 PT208", "5:9 PT208"),
            ),
            Invalid(  # Hugging Face run_clm
                """
                import torch
                from transformers import AutoConfig, AutoModelForCausalLM
                config = AutoConfig.from_pretrained(model_args.model_name_or_path)
                model = AutoModelForCausalLM.from_pretrained(model_args.model_name_or_path, config=config)
                """,
                None,
                findings=("4:9 PT208",),
            ),
        ),
        valid=(
            Valid(
                """
                import torch
                from torchvision import models
                from transformers import AutoModel, AutoTokenizer
                net = models.resnet50(weights=None)
                vgg = models.get_model("vgg11", weights=None, dropout=0.0)
                convnext = models.convnext_tiny(stochastic_depth_prob=0.0)
                bert = AutoModel.from_pretrained("bert-base-uncased", hidden_dropout_prob=0.0)
                tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
                """
            ),
        ),
    ),
    common.random_hyperparameters(
        "PT301", FRAMEWORK, functions=RANDOM_VALUE_FUNCTIONS,
        summary="Hyper-parameters drawn from `random`, `numpy.random` or `torch.rand*` are reported.",
        invalid=(
            Invalid(
                """
                import random
                import torch
                lr = random.uniform(1e-4, 1e-3)
                """,
                None,
                findings=("3:6 PT301",),
            ),
        ),
        valid=(
            Valid(  # a draw that is no setting (and per-sample draws are PT206's: augmentations)
                """
                import random
                import torch
                index = random.randint(0, len(dataset) - 1)
                """
            ),
        ),
    ),
    common.checkpoint_pops(
        "PT302", FRAMEWORK, loaders=frozenset({"torch.load"}),
        summary="Keys popped or deleted from a `torch.load`ed state dict are reported.",
        why="Load the fixed checkpoint completely; popped weights are initialised at random.",
        invalid=(
            Invalid(
                """
                import torch
                state = torch.load(path)
                state.pop('fc.weight')
                """,
                None,
                findings=("3:1 PT302",),
            ),
        ),
        valid=(
            Valid(
                """
                import torch
                state = torch.load(path)
                options = {"lr": 0.1}
                del options["lr"]
                """
            ),
        ),
    ),
    common.unfixed_seeds(
        "PT303", FRAMEWORK, seed_functions=SEED_FUNCTIONS, functions=RANDOM_VALUE_FUNCTIONS,
        why="`torch.manual_seed(random.randint(...))`, a seed from the clock, or an optional `--seed`.",
        invalid=(
            Invalid(
                """
                import random
                import torch
                torch.manual_seed(random.randint(0, 99))
                """,
                None,
                findings=("3:1 PT303",),
            ),
        ),
        valid=(
            Valid(
                """
                import random
                import torch
                random.seed(1234)
                worker_seeds = [random.randint(0, 99) for _ in range(4)]
                torch.manual_seed(1)
                """
            ),
        ),
    ),
)

TABLE = FrameworkTable(FRAMEWORK, ("torch", "torchvision"), RULES)
