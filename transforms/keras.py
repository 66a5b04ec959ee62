"""Keras's rule table (Keras 3 on any backend, and `tf.keras` / `tf.data` in TensorFlow).

Dropout-like layers keep their place with a rate of 0.0 (a no-op on every Keras version), random
preprocessing layers are taken out of the model (also where they are applied, `x = RandomFlip()(x)`),
`fit` stops shuffling, `tf.data` stops shuffling and stays deterministic.
"""

from __future__ import annotations

from .rewriter import SEED_BLOCK_END, SEED_BLOCK_START
from .rule import REPORT, REWRITE, Example, Rule
from .table import ArgFix, FrameworkTable, Param as P, Replacement, SeedBlock

FRAMEWORK = "keras"

LAYERS = ("keras.layers", "tensorflow.keras.layers", "keras.layers.experimental.preprocessing",
          "tensorflow.keras.layers.experimental.preprocessing")
MODELS = ("keras", "keras.models", "tensorflow.keras", "tensorflow.keras.models")
RANDOM_LAYERS = (
    "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast", "RandomBrightness",
    "RandomHeight", "RandomWidth", "RandomGrayscale", "RandomHue", "RandomSaturation", "RandomColorJitter",
    "RandomColorDegeneration", "RandomSharpness", "RandomShear", "RandomPosterization", "RandomErasing",
    "RandomGaussianBlur", "RandomInvert", "RandomPerspective", "RandomElasticTransform", "RandAugment",
    "AugMix", "CutMix", "MixUp",
)


def _random_data_ops() -> dict[str, object]:
    ops: dict[str, object] = {}
    for module in LAYERS:
        for name in RANDOM_LAYERS:
            ops[f"{module}.{name}"] = "KR104"
        ops[f"{module}.RandomCrop"] = Replacement("KR101", ("CenterCrop()",), "keras.Sequential", keep_arguments=True)
    return ops


_DROPOUT = {"Dropout": "rate", "SpatialDropout1D": "rate", "SpatialDropout2D": "rate", "SpatialDropout3D": "rate",
            "AlphaDropout": "rate", "GaussianDropout": "rate", "GaussianNoise": "stddev"}
ARGUMENT_FIXES = {
    f"{module}.{name}": (ArgFix(P(param, 0), "0.0", "dropout_layer"),)
    for module in LAYERS
    for name, param in _DROPOUT.items()
}
RANDOM_FUNCTIONS = {  # calls that only perturb their input: they give way to it
    **{f"tensorflow.image.{n}": P("image", 0) for n in (
        "random_flip_left_right", "random_flip_up_down", "random_brightness", "random_contrast",
        "random_hue", "random_saturation", "random_jpeg_quality")},
    "tensorflow.nn.dropout": P("x", 0),
}
FIT_KEYWORDS = frozenset({"epochs", "batch_size", "validation_data", "validation_split", "callbacks", "verbose",
                          "steps_per_epoch", "initial_epoch"})
_DETERMINISTIC = (ArgFix(P("deterministic", None), "True", "deterministic", only_if_given=True),)
METHOD_FIXES = {
    "fit": (FIT_KEYWORDS, (ArgFix(P("shuffle", None), "False", "fit_shuffle"),)),
    **{m: (frozenset(), _DETERMINISTIC) for m in ("map", "interleave", "batch", "padded_batch", "parallel_interleave")},
}

SEED_BLOCK = SeedBlock(
    imports=("random", "numpy"),
    lines=(
        "{mod:random}.seed({seed})",
        "{mod:numpy}.random.seed({seed})",
        "try:  # Keras 3, or the Keras inside TensorFlow\n"
        "    import keras as _reprofix_keras\n"
        "except ImportError:\n"
        "    from tensorflow import keras as _reprofix_keras",
        "_reprofix_keras.utils.set_random_seed({seed})",
        "try:  # TensorFlow's own switch, where TensorFlow is installed\n"
        "    import tensorflow as _reprofix_tf\n"
        "    _reprofix_tf.config.experimental.enable_op_determinism()\n"
        "except ImportError:\n"
        "    pass",
    ),
)

_K = "import keras\nfrom keras import layers\n"

RULES = (
    Rule(
        "KR001", "seed-block", FRAMEWORK, REWRITE,
        "Inserts a seed block after the leading imports of a Keras / TensorFlow entry script.",
        "`keras.utils.set_random_seed` (Python, NumPy and the backend) and, where TensorFlow is "
        "installed, `tf.config.experimental.enable_op_determinism()`.",
        examples=(Example(
            "import keras\n\nmodel = keras.Sequential()\n",
            "import keras\n\n" + SEED_BLOCK_START + "\nimport random\nimport numpy\nrandom.seed(1)\n"
            "numpy.random.seed(1)\ntry:  # Keras 3, or the Keras inside TensorFlow\n"
            "    import keras as _reprofix_keras\nexcept ImportError:\n    from tensorflow import keras as _reprofix_keras\n"
            "_reprofix_keras.utils.set_random_seed(1)\ntry:  # TensorFlow's own switch, where TensorFlow is installed\n"
            "    import tensorflow as _reprofix_tf\n    _reprofix_tf.config.experimental.enable_op_determinism()\n"
            "except ImportError:\n    pass\n" + SEED_BLOCK_END + "\n\nmodel = keras.Sequential()\n",
            script=True,
        ),),
    ),
    Rule(
        "KR101", "random-crop", FRAMEWORK, REWRITE,
        "`layers.RandomCrop(height, width)` becomes `layers.CenterCrop(height, width)`.",
        "The output keeps its shape; only the crop position stops changing.",
        examples=(Example(_K + "aug = keras.Sequential([layers.RandomCrop(28, 28, seed=3), layers.Rescaling(1 / 255)])\n",
                          _K + "# [reprofix KR101] was: layers.RandomCrop(28, 28, seed=3)\n"
                          "aug = keras.Sequential([layers.CenterCrop(28, 28), layers.Rescaling(1 / 255)])\n"),),
    ),
    Rule(
        "KR104", "random-layer", FRAMEWORK, REWRITE,
        "Random preprocessing layers are taken out, where they are listed and where they are applied.",
        "`RandomFlip`, `RandomRotation`, `RandomZoom`, `RandomTranslation`, `RandomContrast`, "
        "`RandomBrightness`, `RandAugment`, `MixUp`, ... : out of `Sequential` lists, and "
        "`x = RandomFlip()(x)` (or a name bound to such a layer, or to a Sequential of them, applied to "
        "`x`) becomes `x`.",
        examples=(
            Example(_K + "model = keras.Sequential([layers.RandomFlip('horizontal'), layers.Dense(10)])\n",
                    _K + "# [reprofix KR104] removed from list: layers.RandomFlip('horizontal')\n"
                    "model = keras.Sequential([layers.Dense(10)])\n"),
            Example(_K + "def build(inputs):\n    augment = keras.Sequential([layers.RandomRotation(0.1), layers.RandomZoom(0.2)])\n"
                    "    x = augment(inputs)\n    return layers.Dense(10)(x)\n",
                    _K + "def build(inputs):\n"
                    "    # [reprofix KR104] augment = keras.Sequential([layers.RandomRotation(0.1), layers.RandomZoom(0.2)])\n"
                    "    # [reprofix KR104] was: augment(inputs)\n    x = inputs\n    return layers.Dense(10)(x)\n"),
        ),
    ),
    Rule(
        "KR107", "dataset-shuffle", FRAMEWORK, REWRITE,
        "`tf.data` `.shuffle(...)` calls are disabled.",
        "`ds = ds.shuffle(1000)` is commented out; in a chain the call gives way to its dataset.",
        examples=(Example("import tensorflow as tf\nds = tf.data.Dataset.range(10).shuffle(10).batch(2)\n",
                          "import tensorflow as tf\n# [reprofix KR107] was: tf.data.Dataset.range(10).shuffle(10)\n"
                          "ds = tf.data.Dataset.range(10).batch(2)\n"),),
    ),
    Rule(
        "KR109", "deterministic-option", FRAMEWORK, REWRITE,
        "`deterministic=False` on `tf.data` `map`/`interleave`/`batch`, and in `tf.data.Options`, becomes True.",
        "Non-deterministic parallel maps may yield elements in a different order each run; the same "
        "for `options.deterministic = False` and `options.experimental_deterministic = False`.",
        examples=(Example("import tensorflow as tf\nds = ds.map(parse, num_parallel_calls=4, deterministic=False)\n"
                          "options.experimental_deterministic = False\n",
                          "import tensorflow as tf\nds = ds.map(parse, num_parallel_calls=4, deterministic=True)\n"
                          "options.experimental_deterministic = True\n"),),
    ),
    Rule(
        "KR108", "random-crop-function", FRAMEWORK, REPORT,
        "`tf.image.random_crop` is reported: it changes the output's shape, so it cannot just give way.",
        "Replace it by a fixed crop (`tf.image.crop_to_bounding_box` or a centre crop) while debugging.",
        examples=(Example("import tensorflow as tf\npatch = tf.image.random_crop(image, (24, 24, 3))\n", None,
                          reports=("KR108",)),),
    ),
    Rule(
        "KR110", "fit-shuffle", FRAMEWORK, REWRITE,
        "`model.fit(..., shuffle=False)`, added where absent (the default shuffles).",
        "Keras shuffles the training arrays every epoch unless told not to. Only calls that pass a "
        "Keras `fit` keyword (epochs, batch_size, callbacks, ...) count, so scikit-learn's `fit` is left alone.",
        examples=(Example(_K + "model.fit(x, y, epochs=3, batch_size=32)\n",
                          _K + "model.fit(x, y, epochs=3, batch_size=32, shuffle=False)\n"),),
    ),
    Rule(
        "KR201", "dropout-layer", FRAMEWORK, REWRITE,
        "`Dropout`, `SpatialDropout*`, `AlphaDropout`, `GaussianDropout` get rate 0.0, `GaussianNoise` stddev 0.0.",
        "A zero rate makes the layer a no-op while keeping the model's structure and saved weights' names.",
        examples=(Example(_K + "drop = layers.Dropout(0.5)\nnoise = layers.GaussianNoise(stddev=0.1)\n",
                          _K + "drop = layers.Dropout(0.0)\nnoise = layers.GaussianNoise(stddev=0.0)\n"),),
    ),
    Rule(
        "KR202", "random-function", FRAMEWORK, REWRITE,
        "`tf.image.random_flip_*`, `random_brightness/contrast/hue/saturation/jpeg_quality` and "
        "`tf.nn.dropout` give way to their input.",
        "They only perturb the image (or drop activations); the input passes through unchanged.",
        examples=(Example("import tensorflow as tf\nimage = tf.image.random_flip_left_right(image)\n"
                          "image = tf.image.random_brightness(img, 0.2)\n",
                          "import tensorflow as tf\n# [reprofix KR202] image = tf.image.random_flip_left_right(image)\n"
                          "# [reprofix KR202] was: tf.image.random_brightness(img, 0.2)\nimage = img\n"),),
    ),
    Rule(
        "KR206", "project-random-class", FRAMEWORK, REPORT,
        "The project's own `Random...` / `...Dropout...` layers are reported, never changed.",
        "reprofix cannot know what a project's own layer does.",
        examples=(Example(_K + "class RandomCutout(layers.Layer):\n    pass\n\ncut = RandomCutout()\n", None,
                          reports=("KR206",)),),
    ),
    Rule(
        "KR207", "library-augmentation", FRAMEWORK, REPORT,
        "A library call asked to build randomness is reported with the argument to change.",
        "reprofix never edits installed libraries.",
        examples=(Example("import keras\nimport keras_cv\naug = keras_cv.layers.preprocessing.build(augment=True)\n",
                          None, reports=("KR207",)),),
    ),
    Rule(
        "KR301", "random-hyperparameter", FRAMEWORK, REPORT,
        "Hyper-parameters drawn from `random` / `numpy.random` are reported.",
        "No random values in hyper-parameters while debugging.",
        examples=(Example("import random\nimport keras\nopt = keras.optimizers.Adam(learning_rate=random.uniform(1e-4, 1e-3))\n",
                          None, reports=("KR301",)),),
    ),
    Rule(
        "KR303", "unfixed-seed", FRAMEWORK, REPORT,
        "Seeds that change every run are reported.",
        "`keras.utils.set_random_seed(int(time.time()))` or an optional `--seed` leave the run unseeded.",
        examples=(Example("import time\nimport keras\nkeras.utils.set_random_seed(int(time.time()))\n", None,
                          reports=("KR303",)),),
    ),
)

TABLE = FrameworkTable(
    name=FRAMEWORK,
    import_roots=("keras", "tensorflow"),
    seed_block=SEED_BLOCK,
    rules=RULES,
    random_data_ops=_random_data_ops(),
    composers=frozenset(f"{m}.Sequential" for m in MODELS),
    shuffle_methods=frozenset({"shuffle"}),
    dropout_functions=RANDOM_FUNCTIONS,
    seed_functions=frozenset({"keras.utils.set_random_seed", "tensorflow.keras.utils.set_random_seed",
                              "tensorflow.random.set_seed", "numpy.random.seed", "random.seed"}),
    augmentation_keywords={"is_training": "False", "training": "False", "augment": "False"},
    argument_fixes=ARGUMENT_FIXES,
    method_fixes=METHOD_FIXES,
    attribute_name_fixes={"deterministic": ("True", "deterministic"), "experimental_deterministic": ("True", "deterministic")},
    reported_calls={"tensorflow.image.random_crop": (
        "random_crop", "changes the output shape: replace it by a fixed crop while debugging")},
    rule_ids={
        "seed_block": "KR001", "random_data_op": "KR104", "shuffle_call": "KR107", "deterministic": "KR109",
        "fit_shuffle": "KR110", "random_crop": "KR108", "dropout_layer": "KR201", "dropout_function": "KR202", "project_class": "KR206",
        "library_augmentation": "KR207", "random_hyperparameter": "KR301", "unfixed_seed": "KR303",
    },
)
