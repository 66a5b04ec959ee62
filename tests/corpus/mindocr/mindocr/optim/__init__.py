""" optim init
"""
from . import optim_factory, param_grouping
from .optim_factory import create_optimizer
from .param_grouping import create_group_params

__all__ = []
__all__.extend(optim_factory.__all__)
__all__.extend(param_grouping.__all__)
