from . import ema, group_params, optim_factory, scheduler
from .ema import *
from .group_params import *
from .optim_factory import *
from .scheduler import *

__all__ = []
__all__.extend(ema.__all__)
__all__.extend(group_params.__all__)
__all__.extend(scheduler.__all__)
__all__.extend(optim_factory.__all__)
