from . import builder
from .builder import *

__all__ = []
__all__.extend(builder.__all__)
