"""mindyolo init"""
from . import data, models, optim, utils
from .data import *
from .models import *
from .optim import *
from .utils import *
from .version import __version__

__all__ = []
__all__.extend(data.__all__)
__all__.extend(models.__all__)
__all__.extend(optim.__all__)
