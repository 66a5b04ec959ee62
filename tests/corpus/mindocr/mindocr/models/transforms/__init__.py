# Excerpt of mindocr/models/transforms/__init__.py: the STN_ON transform module is trimmed (CRNN uses `transform: null`).


def build_trans(trans_name, **kwargs):
    raise ValueError(f"transform {trans_name} is not part of this excerpt")
