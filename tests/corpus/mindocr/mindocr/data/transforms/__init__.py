"""transforms init"""
from . import transforms_factory
from .transforms_factory import *

__all__ = []
__all__.extend(transforms_factory.__all__)
