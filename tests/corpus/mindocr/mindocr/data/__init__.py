from . import builder, transforms
from .builder import *
from .transforms import *

__all__ = []
__all__.extend(builder.__all__)
__all__.extend(transforms.__all__)
