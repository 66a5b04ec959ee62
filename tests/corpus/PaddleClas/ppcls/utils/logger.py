# Copyright (c) 2021 PaddlePaddle Authors. All Rights Reserved.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

# Excerpt of ppcls/utils/logger.py (trimmed: init_logger/info/debug/warning/error/scaler/advertise)
import datetime
import logging
import os
import sys

import paddle.distributed as dist

_logger = None


def init_logger(name='ppcls',
                log_file=None,
                log_level=logging.INFO,
                log_ranks="0"):
    global _logger
    if _logger is None:
        _logger = logging.getLogger(name)
    formatter = logging.Formatter(
        '[%(asctime)s] %(name)s %(levelname)s: %(message)s',
        datefmt="%Y/%m/%d %H:%M:%S")
    if not _logger.handlers:
        stream_handler = logging.StreamHandler(stream=sys.stdout)
        stream_handler.setFormatter(formatter)
        _logger.addHandler(stream_handler)
    _logger.setLevel(log_level)
    _logger.propagate = False


def log_at_trainer0(log):
    def wrapper(fmt, *args):
        if _logger is None:
            init_logger()
        if dist.get_rank() == 0:
            log(fmt, *args)
    return wrapper


@log_at_trainer0
def info(fmt, *args):
    _logger.info(fmt, *args)


@log_at_trainer0
def debug(fmt, *args):
    _logger.debug(fmt, *args)


@log_at_trainer0
def warning(fmt, *args):
    _logger.warning(fmt, *args)


@log_at_trainer0
def error(fmt, *args):
    _logger.error(fmt, *args)


def scaler(name, value, step, writer):
    if writer is None:
        return
    writer.add_scalar(tag=name, step=step, value=value)


def advertise():
    pass
