# Excerpt of mindcv/models/__init__.py: the import list is reduced to the modules kept in this
# miniature (helpers, layers, mobilenetv3, model_factory, registry); the real file imports ~60 models.
"""models init"""
from . import (
    helpers,
    layers,
    mobilenetv3,
    model_factory,
    registry,
)
from .helpers import *
from .layers import *
from .mobilenetv3 import *
from .model_factory import *
from .registry import *

# we cannot use net.__all__, so we manually copy net.__all__ here.
__all__ = []
__all__.extend(layers.__all__)
__all__.extend(mobilenetv3.__all__)
__all__.extend(model_factory.__all__)
__all__.extend(registry.__all__)
