"""Utility Tools"""
from .checkpoint_manager import *
from .config import *
from .logger import *
from .metrics import *
from .modelarts import *
from .utils import *
