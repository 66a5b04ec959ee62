# Excerpt (import list reduced to the excerpted modules; the rest of the file is verbatim)
# backbones
from . import _registry, builder
from ._registry import *
from ._registry import register_backbone

# helpers
from .builder import *
from .rec_vgg import *

__all__ = []
__all__.extend(builder.__all__)
__all__.extend(_registry.__all__)
