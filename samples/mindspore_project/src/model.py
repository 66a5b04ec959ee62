"""A small convolutional network with the usual sources of randomness inside."""
from mindspore import nn, ops


class SmallNet(nn.Cell):
    def __init__(self, num_classes=10, drop_rate=0.3):
        super().__init__()
        self.features = nn.SequentialCell([
            nn.Conv2d(3, 16, 3, pad_mode="same"),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(16, 16, 3, pad_mode="same"),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        ])
        self.flatten = nn.Flatten()
        self.classifier = nn.SequentialCell([
            nn.Dense(16 * 7 * 7, 64),
            nn.ReLU(),
            nn.Dropout(p=drop_rate),
            nn.Dense(64, num_classes),
        ])
        self.jitter = ops.UniformReal()

    def construct(self, x):
        x = x + 0.01 * self.jitter(x.shape)
        return self.classifier(self.flatten(self.features(x))) * 4.0  # sharp logits: runs differ clearly
