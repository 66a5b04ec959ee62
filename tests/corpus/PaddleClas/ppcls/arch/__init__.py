#copyright (c) 2021 PaddlePaddle Authors. All Rights Reserve.
#
#Licensed under the Apache License, Version 2.0 (the "License");
#you may not use this file except in compliance with the License.
#You may obtain a copy of the License at
#
#    http://www.apache.org/licenses/LICENSE-2.0
#
#Unless required by applicable law or agreed to in writing, software
#distributed under the License is distributed on an "AS IS" BASIS,
#WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
#See the License for the specific language governing permissions and
#limitations under the License.

import copy
import importlib
import paddle.nn as nn
from paddle.jit import to_static
from paddle.static import InputSpec

from . import backbone
from .backbone import *
from .backbone.base.theseus_layer import TheseusLayer
from ..utils import logger

__all__ = ["build_model"]


def build_model(config, mode="train"):
    arch_config = copy.deepcopy(config["Arch"])
    model_type = arch_config.pop("name")
    use_sync_bn = arch_config.pop("use_sync_bn", False)
    use_ml_decoder = arch_config.pop("use_ml_decoder", False)
    mod = importlib.import_module(__name__)
    arch = getattr(mod, model_type)(**arch_config)
    if use_sync_bn:
        if config["Global"]["device"] == "gpu":
            arch = nn.SyncBatchNorm.convert_sync_batchnorm(arch)
        else:
            msg = "SyncBatchNorm can only be used on GPU device. The releated setting has been ignored."
            logger.warning(msg)

    # Excerpt: ML-decoder head, pruning and quantization trimmed.

    return arch


def apply_to_static(config, model, is_rec):
    support_to_static = config['Global'].get('to_static', False)

    if support_to_static:
        specs = None
        if 'image_shape' in config['Global']:
            specs = [InputSpec([None] + config['Global']['image_shape'])]
            specs[0].stop_gradient = True
            if is_rec:
                specs.append(InputSpec([None, 1], 'int64', stop_gradient=True))
        model = to_static(model, input_spec=specs)
        logger.info("Successfully to apply @to_static with specs: {}".format(
            specs))
    return model
