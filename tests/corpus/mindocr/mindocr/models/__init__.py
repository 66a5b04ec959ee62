# Excerpt (import list reduced to the excerpted modules; the rest of the file is verbatim. NOTE: the real file also imports rec_abinet, whose utils/abinet_layers.py needs mindspore.parallel._transformer (absent in MindSpore 2.10); abinet_layers.py is kept in this miniature but not imported by the run path)
from . import _registry, builder
from ._registry import *
from .builder import *
from .rec_crnn import *

__all__ = []
__all__.extend(builder.__all__)
__all__.extend(_registry.__all__)
