"""A small PyTorch training script with a real torchvision augmentation pipeline, random in the usual ways.

The images are synthetic (`torchvision.datasets.FakeData`: each index always gives the same image), so
what makes two runs differ is the pipeline: random crops, flips, colour jitter, erasing, a shuffled
loader with worker processes, and dropout. After `reprofix apply samples/torchvision_train.py` two
runs agree.

    python samples/torchvision_train.py [--steps N]
"""
import argparse

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision import transforms as T


def training_data(count=128):
    train_transform = T.Compose([
        T.RandomResizedCrop(40, scale=(0.5, 1.0)),
        T.RandomCrop(32, padding=4),
        T.RandomHorizontalFlip(),
        T.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4),
        T.ToTensor(),
        T.Normalize((0.5, 0.5, 0.5), (0.25, 0.25, 0.25)),
        T.RandomErasing(p=0.5),
    ])
    return datasets.FakeData(size=count, image_size=(3, 48, 48), num_classes=4, transform=train_transform)


class SmallNet(nn.Module):
    def __init__(self, classes=4):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(4),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(p=0.3), nn.Linear(16 * 4 * 4, classes))

    def forward(self, x):
        return self.classifier(self.features(x)) * 4.0  # sharp logits: runs differ clearly from the first step


def main():
    parser = argparse.ArgumentParser(description="Train a small CNN on synthetic images with augmentation.")
    parser.add_argument("--steps", type=int, default=4, help="training steps to run")
    args = parser.parse_args()

    torch.set_num_threads(1)  # a small model: one thread is faster than two contending ones
    loader = DataLoader(training_data(), batch_size=16, shuffle=True, num_workers=2)
    model = SmallNet()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    step = 0
    while step < args.steps:
        for images, labels in loader:
            loss = F.cross_entropy(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            print(f"step {step} loss: {loss.item():.6f}", flush=True)
            if step == args.steps:
                break


if __name__ == "__main__":
    main()
