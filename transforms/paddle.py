"""PaddlePaddle's rule table: `paddle.seed`, cuDNN determinism, `paddle.io` loaders and samplers,
`paddle.vision.transforms`, and dropout layers and functions.

Parameter positions follow Paddle 2.x (`DataLoader(dataset, feed_list, places, return_list,
batch_sampler, batch_size, shuffle, ...)`, `DistributedBatchSampler(dataset, batch_size, num_replicas,
rank, shuffle, drop_last)`).
"""

from __future__ import annotations

from .rewriter import SEED_BLOCK_END, SEED_BLOCK_START
from .rule import REPORT, REWRITE, Example, Rule
from .table import FrameworkTable, Param as P, Replacement, SamplerFix, SeedBlock, Setting

FRAMEWORK = "paddle"

TRANSFORMS = ("paddle.vision.transforms",)
RANDOM_TRANSFORMS = (
    "RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation", "RandomAffine", "RandomPerspective",
    "RandomErasing", "ColorJitter", "BrightnessTransform", "ContrastTransform", "SaturationTransform",
    "HueTransform",
)


def _random_data_ops() -> dict[str, object]:
    ops: dict[str, object] = {}
    for module in TRANSFORMS:
        compose = f"{module}.Compose"
        for name in RANDOM_TRANSFORMS:
            ops[f"{module}.{name}"] = "PD104"
        ops[f"{module}.RandomCrop"] = Replacement("PD101", ("CenterCrop({size})",), compose)
        ops[f"{module}.RandomResizedCrop"] = Replacement("PD102", ("Resize({size})", "CenterCrop({size})"), compose)
    return ops


LOADER = ("dataset", "feed_list", "places", "return_list", "batch_sampler", "batch_size", "shuffle", "drop_last",
          "collate_fn", "num_workers", "use_buffer_reader", "prefetch_factor", "use_shared_memory", "timeout",
          "worker_init_fn", "persistent_workers")
SAMPLERS = {
    "paddle.io.DistributedBatchSampler": SamplerFix("no_shuffle", shuffle=P("shuffle", 4)),
    "paddle.io.BatchSampler": SamplerFix("no_shuffle", shuffle=P("shuffle", 2)),
    "paddle.io.RandomSampler": SamplerFix("rename", "paddle.io.SequenceSampler", keep=(P("data_source", 0),)),
    "paddle.io.SequenceSampler": SamplerFix("ok"),
}

SEED_BLOCK = SeedBlock(
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

_P = "import paddle\nfrom paddle import nn\nfrom paddle.io import DataLoader\n"
_TV = "import paddle.vision.transforms as T\n"

RULES = (
    Rule(
        "PD001", "seed-block", FRAMEWORK, REWRITE,
        "Inserts a seed block after the leading imports of a PaddlePaddle entry script.",
        "`paddle.seed`, `random.seed`, `numpy.random.seed` and `FLAGS_cudnn_deterministic` (set with "
        "`paddle.set_flags` where the build allows it, and in the environment for processes started "
        "later; on a GPU, also export it before starting the script).",
        examples=(Example(
            "import paddle\n\nnet = paddle.nn.Linear(2, 2)\n",
            "import paddle\n\n" + SEED_BLOCK_START + "\nimport os\nimport random\nimport numpy\nimport paddle\n"
            'os.environ.setdefault("FLAGS_cudnn_deterministic", "1")  # for processes started from here\n'
            "random.seed(1)\nnumpy.random.seed(1)\npaddle.seed(1)\ntry:\n"
            '    paddle.set_flags({"FLAGS_cudnn_deterministic": True})\n'
            "except (ValueError, KeyError):  # builds that only read it from the environment at start-up\n    pass\n"
            + SEED_BLOCK_END + "\n\nnet = paddle.nn.Linear(2, 2)\n",
            script=True,
        ),),
    ),
    Rule(
        "PD101", "random-crop", FRAMEWORK, REWRITE,
        "`paddle.vision.transforms.RandomCrop(size, ...)` becomes `CenterCrop(size)`.",
        "A fixed crop keeps the output size.",
        examples=(Example(_TV + "t = T.Compose([T.RandomCrop(32, padding=4), T.ToTensor()])\n",
                          _TV + "# [reprofix PD101] was: T.RandomCrop(32, padding=4)\n"
                          "t = T.Compose([T.CenterCrop(32), T.ToTensor()])\n"),),
    ),
    Rule(
        "PD102", "random-resized-crop", FRAMEWORK, REWRITE,
        "`RandomResizedCrop(size)` becomes `Resize(size)` then `CenterCrop(size)`.",
        "Keeps the size x size output without the random area and ratio.",
        examples=(Example(_TV + "t = T.Compose([T.RandomResizedCrop(224), T.ToTensor()])\n",
                          _TV + "# [reprofix PD102] was: T.RandomResizedCrop(224)\n"
                          "t = T.Compose([T.Resize(224), T.CenterCrop(224), T.ToTensor()])\n"),),
    ),
    Rule(
        "PD104", "random-transform", FRAMEWORK, REWRITE,
        "Other random `paddle.vision.transforms` are disabled, with every use of them.",
        "Flips, rotations, affine and perspective warps, erasing and colour jitter change every epoch.",
        examples=(Example(_TV + "t = T.Compose([T.RandomHorizontalFlip(), T.ColorJitter(0.4), T.ToTensor()])\n",
                          _TV + "# [reprofix PD104] removed from list: T.RandomHorizontalFlip()\n"
                          "# [reprofix PD104] removed from list: T.ColorJitter(0.4)\n"
                          "t = T.Compose([T.ToTensor()])\n"),),
    ),
    Rule(
        "PD105", "loader-shuffle", FRAMEWORK, REWRITE,
        "`paddle.io.DataLoader` gets `shuffle=False` (unless a batch sampler decides the order).",
        "A shuffled loader changes the batch order every run.",
        examples=(Example(_P + "loader = DataLoader(data, batch_size=32, shuffle=True, num_workers=0)\n",
                          _P + "loader = DataLoader(data, batch_size=32, shuffle=False, num_workers=0)\n"),),
    ),
    Rule(
        "PD106", "sampler", FRAMEWORK, REWRITE,
        "`DistributedBatchSampler` and `BatchSampler` get `shuffle=False`; `RandomSampler` becomes "
        "`SequenceSampler`.",
        "The batch sampler decides the order when one is passed.",
        examples=(Example(_P + "sampler = paddle.io.DistributedBatchSampler(data, 32, shuffle=True)\n"
                          "loader = DataLoader(data, batch_sampler=paddle.io.DistributedBatchSampler(data, 32, shuffle=True), num_workers=0)\n",
                          _P + "sampler = paddle.io.DistributedBatchSampler(data, 32, shuffle=True)\n"
                          "loader = DataLoader(data, batch_sampler=paddle.io.DistributedBatchSampler(data, 32, shuffle=False), num_workers=0)\n"),),
    ),
    Rule(
        "PD108", "loader-workers", FRAMEWORK, REWRITE,
        "`paddle.io.DataLoader` gets `num_workers=0`.",
        "Worker processes can reorder work and draw their own random numbers.",
        examples=(Example(_P + "loader = DataLoader(data, shuffle=False, num_workers=4)\n",
                          _P + "loader = DataLoader(data, shuffle=False, num_workers=0)\n"),),
    ),
    Rule(
        "PD201", "dropout-layer", FRAMEWORK, REWRITE,
        "`nn.Dropout`, `nn.Dropout2D/3D`, `nn.AlphaDropout` become `nn.Identity()`.",
        "Dropout draws a new mask every step.",
        examples=(Example(_P + "drop = nn.Dropout(p=0.5)\n",
                          _P + "# [reprofix PD201] was: nn.Dropout(p=0.5)\ndrop = nn.Identity()\n"),),
    ),
    Rule(
        "PD202", "dropout-function", FRAMEWORK, REWRITE,
        "`paddle.nn.functional.dropout(x, ...)` (and 2d/3d/alpha) becomes `x`.",
        "Functional dropout draws a new mask every call.",
        examples=(Example("import paddle.nn.functional as F\ny = F.dropout(h, p=0.1)\n",
                          "import paddle.nn.functional as F\n# [reprofix PD202] was: F.dropout(h, p=0.1)\ny = h\n"),),
    ),
    Rule(
        "PD206", "project-random-class", FRAMEWORK, REPORT,
        "The project's own `Random...` / `...Dropout...` classes are reported, never changed.",
        "reprofix cannot know what a project's own augmentation or dropout does.",
        examples=(Example(_P + "class RandomMask(nn.Layer):\n    pass\n\nm = RandomMask()\n", None, reports=("PD206",)),),
    ),
    Rule(
        "PD301", "random-hyperparameter", FRAMEWORK, REPORT,
        "Hyper-parameters drawn from `random` / `numpy.random` are reported.",
        "No random values in hyper-parameters while debugging.",
        examples=(Example("import random\nimport paddle\nlr = random.uniform(0.01, 0.1)\n", None, reports=("PD301",)),),
    ),
    Rule(
        "PD303", "unfixed-seed", FRAMEWORK, REPORT,
        "Seeds that change every run are reported.",
        "`paddle.seed(random.randint(...))` or a seed from the clock leaves the run unseeded.",
        examples=(Example("import random\nimport paddle\npaddle.seed(random.randint(0, 100))\n", None,
                          reports=("PD303",)),),
    ),
)

TABLE = FrameworkTable(
    name=FRAMEWORK,
    import_roots=("paddle",),
    seed_block=SEED_BLOCK,
    rules=RULES,
    random_data_ops=_random_data_ops(),
    composers=frozenset(f"{m}.Compose" for m in TRANSFORMS),
    sources={"paddle.io.DataLoader": LOADER},
    samplers=SAMPLERS,
    dropout_layers={f"paddle.nn.{n}": "paddle.nn.Identity" for n in ("Dropout", "Dropout2D", "Dropout3D", "AlphaDropout")},
    dropout_functions={f"paddle.nn.functional.{n}": P("x", 0)
                       for n in ("dropout", "dropout2d", "dropout3d", "alpha_dropout")},
    seed_functions=frozenset({"paddle.seed", "numpy.random.seed", "random.seed"}),
    source_settings=(
        Setting("shuffle", "False", "source_shuffle", unless_sampler=True),
        Setting("num_workers", "0", "workers"),
    ),
    sampler_params=("batch_sampler",),
    rule_ids={
        "seed_block": "PD001", "random_data_op": "PD104", "source_shuffle": "PD105", "sampler": "PD106",
        "workers": "PD108", "dropout_layer": "PD201", "dropout_function": "PD202", "project_class": "PD206",
        "random_hyperparameter": "PD301", "unfixed_seed": "PD303",
    },
)
