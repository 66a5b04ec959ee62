# Copyright (c) 2020 PaddlePaddle Authors. All Rights Reserved.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#    http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
# Excerpt of paddleseg/utils/env/__init__.py and sys_env.py/seg_env.py, reduced to the two names used


import os
import sys
import platform

import paddle

from . import seg_env


def get_sys_env():
    """collect environment information"""
    env_info = {}
    env_info['platform'] = platform.platform()
    env_info['Python'] = sys.version.replace('\n', '')
    compiled_with_cuda = paddle.is_compiled_with_cuda()
    env_info['Paddle compiled with cuda'] = compiled_with_cuda
    env_info['GPUs used'] = 0
    env_info['PaddleSeg'] = '0.0.0.dev0'
    env_info['PaddlePaddle'] = paddle.__version__
    return env_info
