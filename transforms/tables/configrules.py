"""The rules for configuration files (YAML): what a training configuration says about shuffling,
worker processes, dropout rates and random data ops, rewritten the way the same setting is rewritten
in code, whatever framework reads it. The files are edited in place, line by line
(`transforms.configs`)."""

from __future__ import annotations

from ..facts import ConfigOps, ConfigSetting, ConfigSettings
from ..rule import REWRITE, Invalid, Rule, Valid
from . import common
from .table import FrameworkTable

FRAMEWORK = "config"
WORKER_KEYS = r"num_workers|workers|worker_num|num_parallel_workers|n_workers|dataloader_num_workers|nw"

RULES = (
    Rule(
        "CF105", "config-shuffle", FRAMEWORK, REWRITE,
        "`shuffle: true` in a configuration becomes `shuffle: false`.",
        "Step 4: the data order. PaddleClas, PaddleSeg, PaddleDetection, mindocr and Lightning keep the "
        "loader's `shuffle` in the YAML file the entry reads (`tools/train.py -c config.yaml`); the code "
        "only passes it on.",
        facts=(ConfigSettings((ConfigSetting("shuffle", "true", "false"),)),),
        language="yaml",
        invalid=(
            Invalid(  # PaddleClas
                """
                DataLoader:
                  Train:
                    sampler:
                      name: DistributedBatchSampler
                      batch_size: 64
                      drop_last: False
                      shuffle: True
                    loader:
                      num_workers: 4
                      use_shared_memory: True
                  Eval:
                    sampler:
                      shuffle: False
                """,
                """
                DataLoader:
                  Train:
                    sampler:
                      name: DistributedBatchSampler
                      batch_size: 64
                      drop_last: False
                      shuffle: False
                    loader:
                      num_workers: 1
                      use_shared_memory: True
                  Eval:
                    sampler:
                      shuffle: False
                """,
                findings=("7:16 CF105", "9:20 CF108"),
            ),
        ),
        valid=(
            Valid(
                """
                train:
                  shuffle: "true"  # a string, not a boolean: left alone
                eval:
                  shuffle: false
                """
            ),
        ),
    ),
    Rule(
        "CF108", "config-workers", FRAMEWORK, REWRITE,
        "A worker count above 1 in a configuration (`num_workers`, `workers`, `worker_num`, "
        "`num_parallel_workers`) becomes 1; `python_multiprocessing: true` becomes false.",
        "Step 4: `num_parallel_workers=1`. One worker keeps the order and draws from one seeded "
        "generator in every framework (MindSpore refuses 0); a count of 0 or 1 is left alone.",
        facts=(ConfigSettings((ConfigSetting(WORKER_KEYS, "above", "1", limit=1),
                               ConfigSetting("python_multiprocessing", "true", "false"))),),
        language="yaml",
        invalid=(
            Invalid(  # mindyolo, mindocr
                """
                per_batch_map: True
                num_parallel_workers: 8
                loader:
                  shuffle: True
                  num_workers: 8 # the number of processes
                  python_multiprocessing: true
                """,
                """
                per_batch_map: True
                num_parallel_workers: 1
                loader:
                  shuffle: False
                  num_workers: 1 # the number of processes
                  python_multiprocessing: false
                """,
                findings=("2:23 CF108", "4:12 CF105", "5:16 CF108", "6:27 CF108"),
            ),
        ),
        valid=(
            Valid(
                """
                TrainReader:
                  worker_num: 0
                num_workers: 1
                workers: ${oc.env:WORKERS}
                """
            ),
        ),
    ),
    Rule(
        "CF204", "config-rate", FRAMEWORK, REWRITE,
        "A dropout rate in a configuration (`drop_rate`, `drop_path_rate`, `dropout`, `attn_drop_rate`, "
        "...) becomes 0.0, a keep probability (`keep_prob`) 1.0; a list of rates a list of zeros.",
        "Step 5: the network. The same names as the code's rate keywords (PT204, MS208); a value that is "
        "not a number (`null`: the model's default, a string) is left alone.",
        facts=(ConfigSettings((ConfigSetting(common.KEEP_KEYWORD, "rate", "1.0"),
                               ConfigSetting(common.RATE_KEYWORD, "rate", "0.0"))),),
        language="yaml",
        invalid=(
            Invalid(  # PaddleSeg HRFormer, PaddleDetection's DropBlock, a Lightning model
                """
                model:
                  backbone:
                    type: HRFormer_small
                    drop_path_rate: 0.2
                    attn_drop_rate: [0.1, 0.2]
                  neck:
                    drop_block: True
                    keep_prob: 0.9
                    dropout: null
                """,
                """
                model:
                  backbone:
                    type: HRFormer_small
                    drop_path_rate: 0.0
                    attn_drop_rate: [0.0, 0.0]
                  neck:
                    drop_block: True
                    keep_prob: 1.0
                    dropout: null
                """,
                findings=("4:21 CF204", "5:21 CF204", "8:16 CF204"),
            ),
        ),
        valid=(
            Valid(
                """
                drop_last: true
                dropout: 0.0
                keep_prob: 1.0
                TrainReader:
                  drop_empty: false
                """
            ),
        ),
    ),
    Rule(
        "CF104", "config-random-op", FRAMEWORK, REWRITE,
        "A data op named like a random one in a configuration's list (`- RandFlipImage: ...`, "
        "`- type: RandomHorizontalFlip`) is taken out, visibly; one that may decide the output's size "
        "(`RandCropImage`, `RandomPaddingCrop`, `BatchRandomResize`, `RandomExpand`, "
        "`random_perspective`) is reported.",
        "Step 4: delete every data op with Random in its name. Configuration-driven projects build "
        "them by name (`eval(op_name)(**param)`, a registry), so the list in the YAML file is where "
        "they are. A crop, resize, expansion or warp may be the one that fixes the size of what follows "
        "(mindyolo's `random_perspective` crops mosaic's double-size image back), and only the project "
        "knows its deterministic counterpart (its centre crop), so it is reported; so is the "
        "last op of a list, which would leave it empty. The project's own random classes built from "
        "the configuration are reported where they are defined (PT206, MS206, PD206, KR206).",
        facts=(ConfigOps(("type", "name", "func_name", "class_path", "_target_"),
                         random=r"(?:^|(?<=[a-z0-9_.]))Rand(?:om)?(?=[A-Z_])|^random_",
                         shaping=r"(?i)crop|resize|scale|size|pad|expand|perspective|affine|mosaic|zoom|warp"),),
        language="yaml",
        invalid=(
            Invalid(  # PaddleClas
                """
                transform_ops:
                  - DecodeImage:
                      to_rgb: True
                  - RandCropImage:
                      size: 224
                  - RandFlipImage:
                      flip_code: 1
                  - NormalizeImage:
                      scale: 1.0/255.0
                """,
                """
                transform_ops:
                  - DecodeImage:
                      to_rgb: True
                  - RandCropImage:
                      size: 224
                  # [reprofix CF104] - RandFlipImage:
                  #     flip_code: 1
                  - NormalizeImage:
                      scale: 1.0/255.0
                """,
                findings=("4:5 CF104", "6:5 CF104"),
            ),
            Invalid(  # PaddleSeg, mindyolo
                """
                transforms:
                  - type: RandomPaddingCrop
                    crop_size: [512, 512]
                  - type: RandomHorizontalFlip
                  - type: Normalize
                train_transforms:
                  - {func_name: random_perspective, prob: 1.0, degrees: 0.0}
                  - {func_name: random_hsv, prob: 1.0}
                  - {func_name: letterbox, scaleup: False}
                """,
                """
                transforms:
                  - type: RandomPaddingCrop
                    crop_size: [512, 512]
                  # [reprofix CF104] - type: RandomHorizontalFlip
                  - type: Normalize
                train_transforms:
                  - {func_name: random_perspective, prob: 1.0, degrees: 0.0}
                  # [reprofix CF104] - {func_name: random_hsv, prob: 1.0}
                  - {func_name: letterbox, scaleup: False}
                """,
                findings=("2:5 CF104", "4:5 CF104", "7:5 CF104", "8:5 CF104"),
            ),
        ),
        valid=(
            Valid(
                """
                transforms:
                  - type: Resize
                    target_size: [512, 512]
                  - type: Normalize
                random_seed: 42
                sampler:
                  name: RandomIdentitySampler_v2
                """
            ),
        ),
    ),
)

TABLE = FrameworkTable(FRAMEWORK, (), RULES)
