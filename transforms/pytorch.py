"""PyTorch's rule table (torch and torchvision): the same procedure, as data.

Parameter positions come from torch 2.x signatures (`DataLoader(dataset, batch_size, shuffle, sampler,
batch_sampler, num_workers, ...)`). Note that a positional argument to `nn.Dropout` is `p` here, not
keep_prob as in MindSpore; the layer is replaced whole, so it does not matter.
"""

from __future__ import annotations

from .rewriter import SEED_BLOCK_END, SEED_BLOCK_START
from .rule import REPORT, REWRITE, Example, Rule
from .table import PYTHON_RANDOM_VALUES, ArgFix, FrameworkTable, Param as P, Replacement, SamplerFix, SeedBlock, Setting

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


def _random_data_ops() -> dict[str, object]:
    ops: dict[str, object] = {}
    for module in TRANSFORMS:
        compose = f"{module}.Compose"
        for name in RANDOM_TRANSFORMS:
            ops[f"{module}.{name}"] = "PT104"
        ops[f"{module}.RandomCrop"] = Replacement("PT101", ("CenterCrop({size})",), compose)
        ops[f"{module}.RandomResizedCrop"] = Replacement("PT102", ("Resize({size})", "CenterCrop({size})"), compose)
    return ops


LOADER = ("dataset", "batch_size", "shuffle", "sampler", "batch_sampler", "num_workers", "collate_fn",
          "pin_memory", "drop_last", "timeout", "worker_init_fn", "multiprocessing_context", "generator",
          "prefetch_factor", "persistent_workers", "pin_memory_device")
SOURCES = {name: LOADER for name in ("torch.utils.data.DataLoader", "torch.utils.data.dataloader.DataLoader")}

SAMPLERS = {
    **{f"{m}.RandomSampler": SamplerFix("rename", "torch.utils.data.SequentialSampler", keep=(P("data_source", 0),))
       for m in ("torch.utils.data", "torch.utils.data.sampler")},
    **{f"{m}.DistributedSampler": SamplerFix("no_shuffle", shuffle=P("shuffle", 3))
       for m in ("torch.utils.data", "torch.utils.data.distributed")},
    **{f"{m}.SequentialSampler": SamplerFix("ok") for m in ("torch.utils.data", "torch.utils.data.sampler")},
}

DROPOUT_LAYERS = {
    f"torch.nn.{name}": "torch.nn.Identity"
    for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout")
}
DROPOUT_FUNCTIONS = {
    f"torch.nn.functional.{name}": P("input", 0)
    for name in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout")
}
_RNN_DROPOUT = (ArgFix(P("dropout", None), "0.0", "dropout_argument", only_if_given=True),)
ARGUMENT_FIXES = {
    **{f"torch.nn.{name}": _RNN_DROPOUT for name in ("LSTM", "GRU", "RNN")},
    "torch.nn.MultiheadAttention": (ArgFix(P("dropout", 2), "0.0", "dropout_argument", only_if_given=True),),
    "torch.nn.TransformerEncoderLayer": (ArgFix(P("dropout", 3), "0.0", "dropout_argument"),),
    "torch.nn.TransformerDecoderLayer": (ArgFix(P("dropout", 3), "0.0", "dropout_argument"),),
    "torch.nn.Transformer": (ArgFix(P("dropout", 5), "0.0", "dropout_argument"),),
}
ATTRIBUTE_FIXES = {
    "torch.backends.cudnn.benchmark": ("False", "cudnn"),
    "torch.backends.cudnn.deterministic": ("True", "cudnn"),
}

RANDOM_VALUE_FUNCTIONS = PYTHON_RANDOM_VALUES | {f"torch.{n}" for n in ("rand", "randn", "randint")}
SEED_FUNCTIONS = frozenset(
    {"torch.manual_seed", "torch.cuda.manual_seed", "torch.cuda.manual_seed_all", "numpy.random.seed", "random.seed"}
)

SEED_BLOCK = SeedBlock(
    imports=("os", "random", "numpy", "torch"),
    lines=(
        '{mod:os}.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # before CUDA starts',
        "{mod:random}.seed({seed})",
        "{mod:numpy}.random.seed({seed})",
        "{mod:torch}.manual_seed({seed})",
        "{mod:torch}.use_deterministic_algorithms(True)",
        "{mod:torch}.backends.cudnn.deterministic = True",
        "{mod:torch}.backends.cudnn.benchmark = False",
    ),
)

_T = "import torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader\n"
_TV = "import torchvision.transforms as T\n"

RULES = (
    Rule(
        "PT001", "seed-block", FRAMEWORK, REWRITE,
        "Inserts a seed block after the leading imports of a PyTorch entry script.",
        "`torch.manual_seed`, `random.seed` and `numpy.random.seed`, `torch.use_deterministic_algorithms"
        "(True)`, cuDNN `deterministic=True` / `benchmark=False`, and `CUBLAS_WORKSPACE_CONFIG` set before "
        "CUDA starts (cuBLAS needs it for deterministic results).",
        examples=(Example(
            "import torch\n\nmodel = torch.nn.Linear(2, 2)\n",
            "import torch\n\n" + SEED_BLOCK_START + "\nimport os\nimport random\nimport numpy\nimport torch\n"
            'os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # before CUDA starts\n'
            "random.seed(1)\nnumpy.random.seed(1)\ntorch.manual_seed(1)\ntorch.use_deterministic_algorithms(True)\n"
            "torch.backends.cudnn.deterministic = True\ntorch.backends.cudnn.benchmark = False\n"
            + SEED_BLOCK_END + "\n\nmodel = torch.nn.Linear(2, 2)\n",
            script=True,
        ),),
    ),
    Rule(
        "PT101", "random-crop", FRAMEWORK, REWRITE,
        "torchvision `RandomCrop(size, ...)` becomes `CenterCrop(size)`.",
        "A random crop position changes every epoch; a centre crop keeps the output size.",
        examples=(Example(_TV + "train = T.Compose([T.RandomCrop(32, padding=4), T.ToTensor()])\n",
                          _TV + "# [reprofix PT101] was: T.RandomCrop(32, padding=4)\n"
                          "train = T.Compose([T.CenterCrop(32), T.ToTensor()])\n"),),
    ),
    Rule(
        "PT102", "random-resized-crop", FRAMEWORK, REWRITE,
        "torchvision `RandomResizedCrop(size, ...)` becomes `Resize(size)` then `CenterCrop(size)`.",
        "The random area and aspect ratio change every epoch; resize then centre crop keeps the output "
        "size x size.",
        examples=(Example("from torchvision.transforms import v2\n"
                          "aug = v2.Compose([v2.RandomResizedCrop(224), v2.ToDtype(float)])\n",
                          "from torchvision.transforms import v2\n"
                          "# [reprofix PT102] was: v2.RandomResizedCrop(224)\n"
                          "aug = v2.Compose([v2.Resize(224), v2.CenterCrop(224), v2.ToDtype(float)])\n"),),
    ),
    Rule(
        "PT104", "random-transform", FRAMEWORK, REWRITE,
        "Every other random torchvision transform is disabled, with every use of it.",
        "`Random*`, `ColorJitter`, `GaussianBlur`, `ElasticTransform`, `AutoAugment`, `RandAugment`, "
        "`TrivialAugmentWide`, `AugMix`, `RandomErasing`, `CutMix`, `MixUp`, ... in `transforms` and "
        "`transforms.v2` are taken out of their lists (and names bound to them), visibly, as for MS104.",
        examples=(Example(_TV + "flip = T.RandomHorizontalFlip()\n"
                          "train = T.Compose([flip, T.ColorJitter(0.4, 0.4), T.ToTensor()])\n",
                          _TV + "# [reprofix PT104] flip = T.RandomHorizontalFlip()\n"
                          "# [reprofix PT104] removed from list: flip\n"
                          "# [reprofix PT104] removed from list: T.ColorJitter(0.4, 0.4)\n"
                          "train = T.Compose([T.ToTensor()])\n"),),
    ),
    Rule(
        "PT105", "loader-shuffle", FRAMEWORK, REWRITE,
        "`DataLoader` gets `shuffle=False`, also inside a `**kwargs` dict literal built beside it.",
        "A shuffled loader changes the batch order every run.",
        examples=(
            Example(_T + "loader = DataLoader(data, batch_size=32, shuffle=True)\n",
                    _T + "loader = DataLoader(data, batch_size=32, shuffle=False, num_workers=0)\n"),
            Example(_T + "def make(data):\n    args = {'batch_size': 32, 'shuffle': True}\n"
                    "    return DataLoader(data, **args)\n",
                    _T + "def make(data):\n    args = {'batch_size': 32, 'shuffle': False}\n"
                    "    return DataLoader(data, **args, num_workers=0)\n"),
        ),
    ),
    Rule(
        "PT106", "sampler", FRAMEWORK, REWRITE,
        "`RandomSampler` becomes `SequentialSampler`; `DistributedSampler` gets `shuffle=False`.",
        "A sampler decides the order; a custom one is reported. `shuffle=` is not added beside it.",
        examples=(Example(_T + "from torch.utils.data import RandomSampler\n"
                          "loader = DataLoader(data, sampler=RandomSampler(data), num_workers=0)\n",
                          _T + "from torch.utils.data import RandomSampler\nimport torch.utils.data\n"
                          "# [reprofix PT106] was: RandomSampler(data)\n"
                          "loader = DataLoader(data, sampler=torch.utils.data.SequentialSampler(data), num_workers=0)\n"),),
    ),
    Rule(
        "PT108", "loader-workers", FRAMEWORK, REWRITE,
        "`DataLoader` gets `num_workers=0`.",
        "Worker processes each draw their own random numbers and can reorder work; loading in the main "
        "process keeps every draw on the seeded generators.",
        examples=(Example(_T + "loader = DataLoader(data, shuffle=False, num_workers=8)\n",
                          _T + "loader = DataLoader(data, shuffle=False, num_workers=0)\n"),),
    ),
    Rule(
        "PT109", "cudnn-benchmark", FRAMEWORK, REWRITE,
        "`torch.backends.cudnn.benchmark = True` becomes False (and `deterministic = False` True).",
        "cuDNN's autotuner may pick a different algorithm each run.",
        examples=(Example("import torch\ntorch.backends.cudnn.benchmark = True\n",
                          "import torch\ntorch.backends.cudnn.benchmark = False\n"),),
    ),
    Rule(
        "PT201", "dropout-layer", FRAMEWORK, REWRITE,
        "`nn.Dropout*`, `nn.AlphaDropout`, `nn.FeatureAlphaDropout` become `nn.Identity()`.",
        "Dropout draws a new mask every step; the no-op layer keeps the module structure (and the "
        "original stays in a comment).",
        examples=(Example(_T + "head = nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.5))\n",
                          _T + "# [reprofix PT201] was: nn.Dropout(0.5)\n"
                          "head = nn.Sequential(nn.Linear(8, 8), nn.Identity())\n"),),
    ),
    Rule(
        "PT202", "dropout-function", FRAMEWORK, REWRITE,
        "`F.dropout(x, ...)` (and its 1d/2d/3d/alpha variants) becomes `x`.",
        "Functional dropout draws a new mask every call.",
        examples=(Example("import torch.nn.functional as F\ny = F.dropout(h, p=0.1, training=True)\n",
                          "import torch.nn.functional as F\n# [reprofix PT202] was: F.dropout(h, p=0.1, training=True)\n"
                          "y = h\n"),),
    ),
    Rule(
        "PT203", "dropout-argument", FRAMEWORK, REWRITE,
        "`dropout=` of `nn.LSTM/GRU/RNN`, `nn.Transformer*` and `nn.MultiheadAttention` becomes 0.0.",
        "These layers apply dropout inside; the Transformer layers do by default (0.1), so it is added.",
        examples=(Example(_T + "rnn = nn.LSTM(8, 16, num_layers=2, dropout=0.3)\nenc = nn.TransformerEncoderLayer(16, 4)\n",
                          _T + "rnn = nn.LSTM(8, 16, num_layers=2, dropout=0.0)\n"
                          "enc = nn.TransformerEncoderLayer(16, 4, dropout=0.0)\n"),),
    ),
    Rule(
        "PT206", "project-random-class", FRAMEWORK, REPORT,
        "The project's own `Random...` / `...Dropout...` classes are reported, never changed.",
        "reprofix cannot know what a project's own augmentation or dropout does.",
        examples=(Example(_T + "class DropPathDropout(nn.Module):\n    pass\n\nd = DropPathDropout()\n", None,
                          reports=("PT206",)),),
    ),
    Rule(
        "PT207", "library-augmentation", FRAMEWORK, REPORT,
        "A library call asked to build randomness is reported with the argument to change.",
        "timm's `create_transform(..., is_training=True)` or a loader factory with `shuffle=True` builds "
        "the randomness inside a library reprofix does not edit.",
        examples=(Example("import torch\nfrom timm.data import create_transform\n"
                          "t = create_transform(224, is_training=True)\n", None, reports=("PT207",)),),
    ),
    Rule(
        "PT301", "random-hyperparameter", FRAMEWORK, REPORT,
        "Hyper-parameters drawn from `random`, `numpy.random` or `torch.rand*` are reported.",
        "No random values in hyper-parameters while debugging.",
        examples=(Example("import random\nimport torch\nlr = random.uniform(1e-4, 1e-3)\n", None,
                          reports=("PT301",)),),
    ),
    Rule(
        "PT302", "checkpoint-pop", FRAMEWORK, REPORT,
        "Keys popped or deleted from a `torch.load`ed state dict are reported.",
        "Load the fixed checkpoint completely; popped weights are initialised at random.",
        examples=(Example("import torch\nstate = torch.load(path)\nstate.pop('fc.weight')\n", None,
                          reports=("PT302",)),),
    ),
    Rule(
        "PT303", "unfixed-seed", FRAMEWORK, REPORT,
        "Seeds that change every run are reported.",
        "`torch.manual_seed(random.randint(...))`, a seed from the clock, or an optional `--seed`.",
        examples=(Example("import random\nimport torch\ntorch.manual_seed(random.randint(0, 99))\n", None,
                          reports=("PT303",)),),
    ),
)

TABLE = FrameworkTable(
    name=FRAMEWORK,
    import_roots=("torch", "torchvision"),
    seed_block=SEED_BLOCK,
    rules=RULES,
    random_data_ops=_random_data_ops(),
    composers=frozenset(f"{m}.Compose" for m in TRANSFORMS),
    sources=SOURCES,
    samplers=SAMPLERS,
    dropout_layers=DROPOUT_LAYERS,
    dropout_functions=DROPOUT_FUNCTIONS,
    random_value_functions=RANDOM_VALUE_FUNCTIONS,
    seed_functions=SEED_FUNCTIONS,
    checkpoint_loaders=frozenset({"torch.load"}),
    augmentation_keywords={"is_training": "False", "training": "False", "shuffle": "False",
                           "augment": "False", "auto_augment": "None", "mixup": "0.0", "cutmix": "0.0"},
    source_settings=(
        Setting("shuffle", "False", "source_shuffle", unless_sampler=True),
        Setting("num_workers", "0", "workers"),
    ),
    sampler_params=("sampler", "batch_sampler"),
    argument_fixes=ARGUMENT_FIXES,
    attribute_fixes=ATTRIBUTE_FIXES,
    rule_ids={
        "seed_block": "PT001", "random_data_op": "PT104", "source_shuffle": "PT105", "sampler": "PT106",
        "workers": "PT108", "cudnn": "PT109", "dropout_layer": "PT201", "dropout_function": "PT202",
        "dropout_argument": "PT203", "project_class": "PT206", "library_augmentation": "PT207",
        "random_hyperparameter": "PT301", "checkpoint_pop": "PT302", "unfixed_seed": "PT303",
    },
)
