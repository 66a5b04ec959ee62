# Excerpt (import list reduced to the excerpted modules; the rest of the file is verbatim)
__all__ = []
