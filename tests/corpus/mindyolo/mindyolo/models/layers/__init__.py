"""layers init"""
from .activation import *
from .bottleneck import *
from .common import *
from .conv import *
from .implicit import *
from .pool import *
from .spp import *
from .upsample import *

__all__ = [
    "Swish",
    "Shortcut",
    "Concat",
    "ReOrg",
    "Identity",
    "DFL",
    "ConvNormAct",
    "RepConv",
    "DownC",
    "Focus",
    "Bottleneck",
    "C3",
    "C2",
    "C2f",
    "DWConvNormAct",
    "DWBottleneck",
    "DWC3",
    "ImplicitA",
    "ImplicitM",
    "MP",
    "SP",
    "MaxPool2d",
    "SPPCSPC",
    "SPPF",
    "Upsample",
    "Residualblock",
    "AConv",
    "ELAN1",
    "SPPELAN",
    "CBLinear",
    "CBFuse",
    "ADown",
    "RepNBottleneck",
    "RepNCSP",
    "RepNCSPELAN4",
    "SCDown",
    "PSA",
    "C2fCIB",
    "C3k2",
    "C2PSA"
]
