"""hello_model: a tiny CNN (12x12 single-channel image -> 3 scores), seeded weights."""

import torch
from torch import nn


def model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 3),
    ).eval()


def example_inputs():
    return (torch.randn(1, 1, 12, 12, generator=torch.Generator().manual_seed(1)),)


def calibration_data():
    g = torch.Generator().manual_seed(2)
    return [(torch.randn(1, 1, 12, 12, generator=g),) for _ in range(8)]
