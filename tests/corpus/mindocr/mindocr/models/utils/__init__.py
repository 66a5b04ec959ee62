# Excerpt (import list reduced to the excerpted modules; the rest of the file is verbatim)
from .load_model import load_model, set_amp_attr
