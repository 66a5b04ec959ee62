# Excerpt: import list reduced to the YOLOv5 modules kept in this miniature; otherwise verbatim.
from . import (heads, initializer, layers, losses, model_factory, yolov5)

__all__ = []
__all__.extend(heads.__all__)
__all__.extend(layers.__all__)
__all__.extend(losses.__all__)
__all__.extend(yolov5.__all__)
__all__.extend(initializer.__all__)
__all__.extend(model_factory.__all__)

# fixme: since yolov7 is used as both the file and function name, we need to import * after __all__

from .heads import *
from .initializer import *
from .layers import *
from .losses import *
from .model_factory import *
from .yolov5 import *
