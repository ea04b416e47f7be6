"""Small CNN: the minimal image classifier every int8 MCU toolchain starts with.

Reproduces the "hello world" CNN of TinyML tutorials (e.g. the CIFAR-10 example of the PyTorch
60-minute blitz, shrunk): conv3x3 + ReLU, 2x2 max-pool, conv3x3 + ReLU, global average pool,
flatten, linear. No BatchNorm, as in the originals. Input 1x3x32x32 (CIFAR-10 size), 10 classes.
"""

from __future__ import annotations

import torch
from torch import nn

try:  # imported as tests.models.small_cnn
    from ._synthetic import he_init, natural_images
except ImportError:  # loaded from its path by the torchmcu CLI, which puts this folder on sys.path
    from _synthetic import he_init, natural_images


def model() -> nn.Module:
    torch.manual_seed(0)
    network = nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(32, 10),
    )
    return he_init(network).eval()


def example_inputs() -> tuple[torch.Tensor, ...]:
    return (natural_images(1, seed=100)[0],)


def calibration_data() -> list[tuple[torch.Tensor, ...]]:
    return [(image,) for image in natural_images(12, seed=101)]
