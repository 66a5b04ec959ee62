"""Hyper-parameters, as model-zoo projects keep them: one namespace imported everywhere."""
from types import SimpleNamespace

config = SimpleNamespace(
    batch_size=16,
    num_classes=10,
    image_size=32,
    crop_size=28,
    lr=0.05,
    momentum=0.9,
    drop_rate=0.3,
    workers=2,
)
