# Excerpt: import list reduced to the YOLOv5 modules kept in this miniature; otherwise verbatim.
from . import (loss_factory, yolov5_loss)
from .loss_factory import *
from .yolov5_loss import *

__all__ = []
__all__.extend(yolov5_loss.__all__)
__all__.extend(loss_factory.__all__)
