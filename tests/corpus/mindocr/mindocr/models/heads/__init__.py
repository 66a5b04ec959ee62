from .builder import build_head

__all__ = ['build_head']
