"""Keras's rule table (Keras 3 on any backend, and `tf.keras` / `tf.data` in TensorFlow).

Dropout-like layers keep their place with a rate of 0.0 (a no-op on every Keras version), random
preprocessing layers are taken out of the model (also where they are applied, `x = RandomFlip()(x)`),
`fit` stops shuffling, `tf.data` stops shuffling and stays deterministic.
"""

from __future__ import annotations

from ..facts import (
    ArgFix, Chance, Range, AttributeFixes, CallArguments, DisableOps, FlaggedCalls, MethodArguments, Param as P, PassThrough,
    Replacement, ReplaceOps, SeedBlock, SeededOps, SeededShuffles, ShuffleCalls,
)
from ..rule import REPORT, REWRITE, Invalid, Rule, Valid
from . import common
from .common import qualified
from .table import FrameworkTable

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


# Which arguments make a layer random: a factor of 0 (or a range with equal ends) changes nothing.
CHANCES = {
    **{name: Chance(ranges=(Range(P("factor", 0)),)) for name in ("RandomRotation", "RandomContrast", "RandomBrightness")},
    "RandomTranslation": Chance(ranges=(Range(P("height_factor", 0)), Range(P("width_factor", 1)))),
}
_DROPOUT = {"Dropout": "rate", "SpatialDropout1D": "rate", "SpatialDropout2D": "rate", "SpatialDropout3D": "rate",
            "AlphaDropout": "rate", "GaussianDropout": "rate", "GaussianNoise": "stddev"}
DROPOUT_RATES = {
    f"{module}.{name}": (ArgFix(P(param, 0), "0.0"),)
    for module in LAYERS
    for name, param in _DROPOUT.items()
}
# `--keep-randomness`: where each random layer and op takes its seed (Keras 3's signatures; checked
# against the installed Keras by tests/test_tables.py)
_SEED_POSITIONS = {
    "Dropout": 2, "SpatialDropout1D": 1, "SpatialDropout2D": 2, "SpatialDropout3D": 2, "AlphaDropout": 2,
    "GaussianDropout": 1, "GaussianNoise": 1, "RandomFlip": 1, "RandomRotation": 3, "RandomZoom": 4,
    "RandomTranslation": 4, "RandomContrast": 2, "RandomBrightness": 2, "RandomCrop": 2, "RandomGrayscale": 2,
    "RandomHue": 3, "RandomSaturation": 3, "RandomSharpness": 3, "RandomShear": 6, "RandomColorJitter": 5,
    "RandomPosterization": 3, "RandomInvert": 2, "RandomPerspective": 4, "RandomErasing": 4,
    "RandomGaussianBlur": 5, "RandomElasticTransform": 6, "RandAugment": 4, "AugMix": 7, "CutMix": 1, "MixUp": 2,
}
SEEDED_OPS = {
    **{f"{module}.{name}": (P("seed", position),) for module in ("keras.layers", "tensorflow.keras.layers")
       for name, position in _SEED_POSITIONS.items()},
    **{f"tensorflow.random.{name}": (P("seed", position),) for name, position in (
        ("uniform", 4), ("normal", 4), ("truncated_normal", 4), ("shuffle", 1), ("categorical", 3),
        ("gamma", 4), ("poisson", 3))},
}
RANDOM_FUNCTIONS = {  # calls that only perturb their input: they give way to it
    **{f"tensorflow.image.{n}": P("image", 0) for n in (
        "random_flip_left_right", "random_flip_up_down", "random_brightness", "random_contrast",
        "random_hue", "random_saturation", "random_jpeg_quality")},
    "tensorflow.nn.dropout": P("x", 0),
}
FIT_KEYWORDS = frozenset({"epochs", "batch_size", "validation_data", "validation_split", "callbacks", "verbose",
                          "steps_per_epoch", "initial_epoch"})
_DETERMINISTIC = (ArgFix(P("deterministic", None), "True", only_if_given=True),)
KERAS_UTILS = ("keras.utils", "keras.preprocessing", "tensorflow.keras.utils", "tensorflow.keras.preprocessing")
_DIRECTORY_LOADERS = {  # shuffle's position (Keras 3 and tf.keras 2.x agree)
    "image_dataset_from_directory": 7, "text_dataset_from_directory": 6, "audio_dataset_from_directory": 8,
}
SEED_FUNCTIONS = frozenset({"keras.utils.set_random_seed", "tensorflow.keras.utils.set_random_seed",
                            "tensorflow.random.set_seed"})

# what a project's augmentation or layer draws with (`keras.random.uniform` in a stochastic depth layer)
DRAWS = common.PYTHON_DRAWS | qualified(("keras.random", "tensorflow.random", "tensorflow.keras.random"), (
    "uniform", "normal", "truncated_normal", "randint", "shuffle", "categorical", "gamma", "beta", "binomial",
    "poisson", "dropout",
)) | qualified(("keras.backend", "tensorflow.keras.backend"), (
    "random_uniform", "random_normal", "random_binomial", "random_bernoulli", "truncated_normal",
))
SEED_BLOCK = SeedBlock(
    roots=("keras", "tensorflow"),
    brings=("numpy",),  # a dependency of the framework
    imports=("os", "random", "numpy"),
    lines=(
        "{mod:random}.seed({seed})",
        "{mod:numpy}.random.seed({seed})",
        "try:  # Keras 3, or the Keras inside TensorFlow\n"
        "    import keras as _reprofix_keras\n"
        "except ImportError:\n"
        "    try:\n"
        "        from tensorflow import keras as _reprofix_keras\n"
        "    except ImportError:  # neither is installed\n"
        "        _reprofix_keras = None",
        'if hasattr(getattr(_reprofix_keras, "utils", None), "set_random_seed"):  # Keras 2.7 and later\n'
        "    _reprofix_keras.utils.set_random_seed({seed})",
        "try:  # TensorFlow's own switches, where TensorFlow is installed\n"
        "    import tensorflow as _reprofix_tf\n"
        "except ImportError:\n"
        "    _reprofix_tf = None",
        "if _reprofix_tf is not None:\n"
        "    try:  # TensorFlow 2.8 and later; before it, the environment's switch (2.1 to 2.7)\n"
        "        _reprofix_tf.random.set_seed({seed})\n"
        "        _reprofix_tf.config.experimental.enable_op_determinism()\n"
        "    except AttributeError:\n"
        '        {mod:os}.environ["TF_DETERMINISTIC_OPS"] = "1"',
    ),
)

RULES = (
    Rule(
        "KR001", "seed-block", FRAMEWORK, REWRITE,
        "Inserts a seed block after the leading imports of a Keras / TensorFlow entry script.",
        "`keras.utils.set_random_seed` (Python, NumPy and the backend) and, where TensorFlow is "
        "installed, `tf.config.experimental.enable_op_determinism()` (before TensorFlow 2.8, "
        "`TF_DETERMINISTIC_OPS=1`). Every call is guarded: an older Keras or TensorFlow, or none at "
        "all, never stops the script.",
        facts=(SEED_BLOCK,),
        invalid=(
            Invalid(
                """
                import keras

                model = keras.Sequential()
                """,
                """
                import keras

                # >>> reprofix: reproducibility block, remove with `reprofix revert` >>>
                import os
                import random
                import numpy
                random.seed(1)
                numpy.random.seed(1)
                try:  # Keras 3, or the Keras inside TensorFlow
                    import keras as _reprofix_keras
                except ImportError:
                    try:
                        from tensorflow import keras as _reprofix_keras
                    except ImportError:  # neither is installed
                        _reprofix_keras = None
                if hasattr(getattr(_reprofix_keras, "utils", None), "set_random_seed"):  # Keras 2.7 and later
                    _reprofix_keras.utils.set_random_seed(1)
                try:  # TensorFlow's own switches, where TensorFlow is installed
                    import tensorflow as _reprofix_tf
                except ImportError:
                    _reprofix_tf = None
                if _reprofix_tf is not None:
                    try:  # TensorFlow 2.8 and later; before it, the environment's switch (2.1 to 2.7)
                        _reprofix_tf.random.set_seed(1)
                        _reprofix_tf.config.experimental.enable_op_determinism()
                    except AttributeError:
                        os.environ["TF_DETERMINISTIC_OPS"] = "1"
                # <<< reprofix <<<

                model = keras.Sequential()
                """,
                findings=("2:1 KR001",),
                script=True,
            ),
        ),
    ),
    Rule(
        "KR101", "random-crop", FRAMEWORK, REWRITE,
        "`layers.RandomCrop(height, width)` becomes `layers.CenterCrop(height, width)`.",
        "The output keeps its shape; only the crop position stops changing.",
        facts=(ReplaceOps({f"{m}.RandomCrop": Replacement(("CenterCrop()",), "keras.Sequential", keep_arguments=True) for m in LAYERS}),),
        invalid=(
            Invalid(
                """
                import keras
                from keras import layers
                aug = keras.Sequential([layers.RandomCrop(28, 28, seed=3), layers.Rescaling(1 / 255)])
                """,
                """
                import keras
                from keras import layers
                # [reprofix KR101] was: layers.RandomCrop(28, 28, seed=3)
                aug = keras.Sequential([layers.CenterCrop(28, 28), layers.Rescaling(1 / 255)])
                """,
                findings=("3:25 KR101",),
            ),
        ),
    ),
    Rule(
        "KR104", "random-layer", FRAMEWORK, REWRITE,
        "Random preprocessing layers are taken out, where they are listed and where they are "
        "applied.",
        "`RandomFlip`, `RandomRotation`, `RandomZoom`, `RandomTranslation`, `RandomContrast`, "
        "`RandomBrightness`, `RandAugment`, `MixUp`, ... : out of `Sequential` lists, and `x = "
        "RandomFlip()(x)` (or a name bound to such a layer, or to a Sequential of them, applied to "
        "`x`) becomes `x`. "
        "An op whose arguments make it deterministic (probability 0 or 1 with every range a single "
        "value: `RandomHorizontalFlip(1)`, `RandomAffine(degrees=0, shear=(-s, -s))`) is left alone; "
        "where an argument that decides it cannot be evaluated (a name, `*args`), the op is removed all the "
        "same, as the procedure says, and the finding names that argument.",
        facts=(DisableOps(qualified(LAYERS, RANDOM_LAYERS), composers=qualified(MODELS, ("Sequential",)), chances=CHANCES),),
        invalid=(
            Invalid(
                """
                import keras
                from keras import layers
                model = keras.Sequential([layers.RandomFlip('horizontal'), layers.Dense(10)])
                """,
                """
                import keras
                from keras import layers
                # [reprofix KR104] removed from list: layers.RandomFlip('horizontal')
                model = keras.Sequential([layers.Dense(10)])
                """,
                findings=("3:27 KR104",),
            ),
            Invalid(
                """
                import keras
                from keras import layers
                def build(inputs):
                    augment = keras.Sequential([layers.RandomRotation(0.1), layers.RandomZoom(0.2)])
                    x = augment(inputs)
                    return layers.Dense(10)(x)
                """,
                """
                import keras
                from keras import layers
                def build(inputs):
                    # [reprofix KR104] augment = keras.Sequential([layers.RandomRotation(0.1), layers.RandomZoom(0.2)])
                    # [reprofix KR104] was: augment(inputs)
                    x = inputs
                    return layers.Dense(10)(x)
                """,
                findings=("4:33 KR104", "4:61 KR104"),
            ),
        ),
    ),
    Rule(
        "KR107", "dataset-shuffle", FRAMEWORK, REWRITE,
        "`tf.data` `.shuffle(...)` calls are disabled.",
        "`ds = ds.shuffle(1000)` is commented out; in a chain the call gives way to its dataset.",
        facts=(ShuffleCalls(frozenset({"shuffle"})),),
        invalid=(
            Invalid(
                """
                import tensorflow as tf
                ds = tf.data.Dataset.range(10).shuffle(10).batch(2)
                """,
                """
                import tensorflow as tf
                # [reprofix KR107] was: tf.data.Dataset.range(10).shuffle(10)
                ds = tf.data.Dataset.range(10).batch(2)
                """,
                findings=("2:6 KR107",),
            ),
            Invalid(
                """
                import tensorflow as tf
                train = (tf.data.Dataset.from_tensor_slices(x)
                         .batch(32)
                         .shuffle(100))
                """,
                """
                import tensorflow as tf
                # [reprofix KR107] was: (tf.data.Dataset.from_tensor_slices(x)
                # [reprofix KR107]          .batch(32)
                # [reprofix KR107]          .shuffle(100))
                train = (tf.data.Dataset.from_tensor_slices(x)
                         .batch(32))
                """,
                findings=("2:9 KR107",),
            ),
        ),
    ),
    Rule(
        "KR112", "seeded-dataset-shuffle", FRAMEWORK, REWRITE,
        "With `apply --keep-randomness` only: `tf.data` `.shuffle(...)` calls that stay get `seed=`, the "
        "run's seed, where none is given.",
        "The seed block's global seed already decides an unseeded shuffle, by the order in which the "
        "program creates its random ops; a seed of its own keeps the order when ops are added before it. "
        "Parallel maps keep their order by default, and `deterministic=False` still becomes True (KR109).",
        facts=(SeededShuffles(frozenset({"shuffle"}), P("seed", 1)),),
        invalid=(
            Invalid(
                """
                import tensorflow as tf
                ds = tf.data.Dataset.range(10).shuffle(10).batch(2)
                """,
                """
                import tensorflow as tf
                ds = tf.data.Dataset.range(10).shuffle(10, seed=1).batch(2)
                """,
                findings=("2:6 KR112",),
            ),
        ),
        valid=(
            Valid(
                """
                import tensorflow as tf
                ds = tf.data.Dataset.range(10).shuffle(10, seed=7)
                rng.shuffle(items)
                """
            ),
        ),
    ),
    Rule(
        "KR113", "seeded-random-layer", FRAMEWORK, REWRITE,
        "With `apply --keep-randomness` only: Keras' random layers (dropout, noise, augmentation) and "
        "`tf.random` ops get `seed=`, the run's seed, where none is given.",
        "The seed block's `keras.utils.set_random_seed` already decides an unseeded layer, by the order in "
        "which the program creates them; a seed of its own keeps each layer's draws when layers are added "
        "or moved. Random ops that take a seed get one (the procedure's step 5).",
        facts=(SeededOps(SEEDED_OPS, unseeded=("None",)),),
        invalid=(
            Invalid(
                """
                import keras
                from keras import layers
                augment = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])
                drop = layers.Dropout(0.3)
                """,
                """
                import keras
                from keras import layers
                augment = keras.Sequential([layers.RandomFlip("horizontal", seed=1), layers.RandomRotation(0.1, seed=1)])
                drop = layers.Dropout(0.3, seed=1)
                """,
                findings=("3:29 KR113", "3:62 KR113", "4:8 KR113"),
            ),
        ),
        valid=(
            Valid(
                """
                import tensorflow as tf
                from keras import layers
                flip = layers.RandomFlip("horizontal", 7)
                noise = tf.random.normal((2, 2), seed=0)
                """
            ),
        ),
    ),
    Rule(
        "KR109", "deterministic-option", FRAMEWORK, REWRITE,
        "`deterministic=False` on `tf.data` `map`/`interleave`/`batch`, and in `tf.data.Options`, "
        "becomes True.",
        "Non-deterministic parallel maps may yield elements in a different order each run; the same "
        "for `options.deterministic = False` and `options.experimental_deterministic = False`.",
        facts=(
            *(MethodArguments(m, _DETERMINISTIC) for m in ("map", "interleave", "batch", "padded_batch", "parallel_interleave")),
            AttributeFixes(any_object={"deterministic": "True", "experimental_deterministic": "True"}),
        ),
        invalid=(
            Invalid(
                """
                import tensorflow as tf
                ds = ds.map(parse, num_parallel_calls=4, deterministic=False)
                options.experimental_deterministic = False
                """,
                """
                import tensorflow as tf
                ds = ds.map(parse, num_parallel_calls=4, deterministic=True)
                options.experimental_deterministic = True
                """,
                findings=("2:6 KR109", "3:1 KR109"),
            ),
        ),
    ),
    Rule(
        "KR108", "random-crop-function", FRAMEWORK, REPORT,
        "`tf.image.random_crop` is reported: it changes the output's shape, so it cannot just give "
        "way.",
        "Replace it by a fixed crop (`tf.image.crop_to_bounding_box` or a centre crop) while "
        "debugging.",
        facts=(FlaggedCalls(frozenset({"tensorflow.image.random_crop"}), "{name}: changes the output shape: replace it by a fixed crop while debugging"),),
        invalid=(
            Invalid(
                """
                import tensorflow as tf
                patch = tf.image.random_crop(image, (24, 24, 3))
                """,
                None,
                findings=("2:9 KR108",),
            ),
        ),
        valid=(
            Valid(
                """
                import tensorflow as tf
                patch = tf.image.central_crop(image, 0.5)
                """
            ),
        ),
    ),
    Rule(
        "KR110", "fit-shuffle", FRAMEWORK, REWRITE,
        "`model.fit(..., shuffle=False)`, added where absent (the default shuffles).",
        "Keras shuffles the training arrays every epoch unless told not to. Only calls that pass a "
        "Keras `fit` keyword (epochs, batch_size, callbacks, ...) count, so scikit-learn's `fit` is "
        "left alone.",
        facts=(MethodArguments("fit", (ArgFix(P("shuffle", None), "False"),), required=FIT_KEYWORDS),),
        invalid=(
            Invalid(
                """
                import keras
                from keras import layers
                model.fit(x, y, epochs=3, batch_size=32)
                """,
                """
                import keras
                from keras import layers
                model.fit(x, y, epochs=3, batch_size=32, shuffle=False)
                """,
                findings=("3:1 KR110",),
            ),
        ),
    ),
    Rule(
        "KR111", "directory-shuffle", FRAMEWORK, REWRITE,
        "`image_/text_/audio_dataset_from_directory(...)` get `shuffle=False` (they shuffle unless told "
        "not to); `timeseries_dataset_from_array(..., shuffle=True)` becomes False.",
        "These loaders shuffle the files they list, and reshuffle every epoch; a `seed=` keeps the split "
        "between training and validation fixed, so it stays.",
        facts=(CallArguments({
            **{name: (ArgFix(P("shuffle", position), "False"),) for base, position in _DIRECTORY_LOADERS.items()
               for name in qualified(KERAS_UTILS, (base,))},
            **{name: (ArgFix(P("shuffle", 6), "False", only_if_given=True),)
               for name in qualified(KERAS_UTILS, ("timeseries_dataset_from_array",))},
        }),),
        invalid=(
            Invalid(  # keras-io's image_classification_from_scratch
                """
                import keras
                train_ds, val_ds = keras.utils.image_dataset_from_directory(
                    "PetImages", validation_split=0.2, subset="both", seed=1337, image_size=(180, 180),
                    batch_size=128,
                )
                test_ds = keras.utils.text_dataset_from_directory("aclImdb/test", batch_size=32)
                """,
                """
                import keras
                train_ds, val_ds = keras.utils.image_dataset_from_directory(
                    "PetImages", validation_split=0.2, subset="both", seed=1337, image_size=(180, 180),
                    batch_size=128,
                    shuffle=False,
                )
                test_ds = keras.utils.text_dataset_from_directory("aclImdb/test", batch_size=32, shuffle=False)
                """,
                findings=("2:20 KR111", "6:11 KR111"),
            ),
            Invalid(
                """
                import tensorflow as tf
                ds = tf.keras.preprocessing.image_dataset_from_directory(path, "inferred", "int", None, "rgb", 32, (64, 64), True)
                windows = tf.keras.utils.timeseries_dataset_from_array(x, y, 24, shuffle=True)
                """,
                """
                import tensorflow as tf
                ds = tf.keras.preprocessing.image_dataset_from_directory(path, "inferred", "int", None, "rgb", 32, (64, 64), False)
                windows = tf.keras.utils.timeseries_dataset_from_array(x, y, 24, shuffle=False)
                """,
                findings=("2:6 KR111", "3:11 KR111"),
            ),
        ),
        valid=(
            Valid(
                """
                import keras
                windows = keras.utils.timeseries_dataset_from_array(x, y, sequence_length=24, batch_size=256)
                ds = keras.utils.audio_dataset_from_directory("speech", shuffle=False)
                """
            ),
        ),
    ),
    Rule(
        "KR201", "dropout-layer", FRAMEWORK, REWRITE,
        "`Dropout`, `SpatialDropout*`, `AlphaDropout`, `GaussianDropout` get rate 0.0, "
        "`GaussianNoise` stddev 0.0.",
        "A zero rate makes the layer a no-op while keeping the model's structure and saved weights' "
        "names.",
        facts=(CallArguments(DROPOUT_RATES),),
        invalid=(
            Invalid(
                """
                import keras
                from keras import layers
                drop = layers.Dropout(0.5)
                noise = layers.GaussianNoise(stddev=0.1)
                """,
                """
                import keras
                from keras import layers
                drop = layers.Dropout(0.0)
                noise = layers.GaussianNoise(stddev=0.0)
                """,
                findings=("3:8 KR201", "4:9 KR201"),
            ),
        ),
    ),
    Rule(
        "KR202", "random-function", FRAMEWORK, REWRITE,
        "`tf.image.random_flip_*`, `random_brightness/contrast/hue/saturation/jpeg_quality` and "
        "`tf.nn.dropout` give way to their input.",
        "They only perturb the image (or drop activations); the input passes through unchanged.",
        facts=(PassThrough(RANDOM_FUNCTIONS),),
        invalid=(
            Invalid(
                """
                import tensorflow as tf
                image = tf.image.random_flip_left_right(image)
                image = tf.image.random_brightness(img, 0.2)
                """,
                """
                import tensorflow as tf
                # [reprofix KR202] image = tf.image.random_flip_left_right(image)
                # [reprofix KR202] was: tf.image.random_brightness(img, 0.2)
                image = img
                """,
                findings=("2:9 KR202", "3:9 KR202"),
            ),
        ),
    ),
    common.dropout_keywords(
        "KR203", FRAMEWORK,
        invalid=(
            Invalid(
                """
                import keras
                import keras_hub
                backbone = keras_hub.models.BertBackbone(vocabulary_size=100, dropout=0.1)
                """,
                """
                import keras
                import keras_hub
                backbone = keras_hub.models.BertBackbone(vocabulary_size=100, dropout=0.0)
                """,
                findings=("3:63 KR203",),
            ),
        ),
    ),
    common.project_classes(
        "KR206", FRAMEWORK, draws=DRAWS,
        why="reprofix cannot know what a project's own layer does.",
        invalid=(
            Invalid(
                """
                import keras
                from keras import layers
                class RandomCutout(layers.Layer):
                    pass

                cut = RandomCutout()
                """,
                None,
                findings=("6:7 KR206",),
            ),
            Invalid(  # keras-io's CCT: stochastic depth not named Drop...; an augmentation function
                """
                import random
                import keras
                from keras import layers
                class StochasticDepth(layers.Layer):
                    def __init__(self, drop_prop, **kwargs):
                        super().__init__(**kwargs)
                        self.drop_prob = drop_prop
                    def call(self, x, training=None):
                        if training:
                            keep_prob = 1 - self.drop_prob
                            shape = (keras.ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)
                            random_tensor = keep_prob + keras.random.uniform(shape, 0, 1)
                            random_tensor = keras.ops.floor(random_tensor)
                            return (x / keep_prob) * random_tensor
                        return x
                def augment(image):
                    gamma = random.uniform(0.8, 1.2)
                    return image ** gamma
                """,
                None,
                findings=("12:41 KR206", "17:13 KR206"),
            ),
        ),
        valid=(
            Valid(
                """
                import keras
                from keras import layers
                class Block(layers.Layer):
                    pass
                block = Block()
                """
            ),
        ),
    ),
    common.library_augmentation(
        "KR207", FRAMEWORK, keywords={"is_training": "False", "training": "False", "augment": "False"},
        why="reprofix never edits installed libraries.",
        invalid=(
            Invalid(
                """
                import keras
                import keras_cv
                aug = keras_cv.layers.preprocessing.build(augment=True)
                """,
                None,
                findings=("3:43 KR207",),
            ),
        ),
        valid=(
            Valid(
                """
                import keras
                import keras_cv
                aug = keras_cv.layers.preprocessing.build(augment=False)
                """
            ),
        ),
    ),
    common.random_hyperparameters(
        "KR301", FRAMEWORK,
        invalid=(
            Invalid(
                """
                import random
                import keras
                opt = keras.optimizers.Adam(learning_rate=random.uniform(1e-4, 1e-3))
                """,
                None,
                findings=("3:43 KR301",),
            ),
        ),
        valid=(
            Valid(  # per-sample draws are KR206's: augmentations
                """
                import random
                import keras
                index = random.randint(0, len(files) - 1)
                """
            ),
        ),
    ),
    common.unfixed_seeds(
        "KR303", FRAMEWORK, seed_functions=SEED_FUNCTIONS,
        why="`keras.utils.set_random_seed(int(time.time()))` or an optional `--seed` leave the run unseeded.",
        invalid=(
            Invalid(
                """
                import time
                import keras
                keras.utils.set_random_seed(int(time.time()))
                """,
                None,
                findings=("3:1 KR303",),
            ),
        ),
        valid=(
            Valid(
                """
                import keras
                keras.utils.set_random_seed(42)
                """
            ),
        ),
    ),
)

TABLE = FrameworkTable(FRAMEWORK, ("keras", "tensorflow"), RULES)
