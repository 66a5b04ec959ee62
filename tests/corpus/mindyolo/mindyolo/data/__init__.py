from . import constants, dataset, loader
from .constants import *
from .dataset import *
from .loader import *

__all__ = []
__all__.extend(dataset.__all__)
__all__.extend(loader.__all__)
