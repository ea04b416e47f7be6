"""ResNet-8 for CIFAR-10, as in the MLPerf Tiny "image classification" reference model.

Reproduces `resnet_v1_eembc` of mlcommons/tiny (benchmark/training/image_classification/keras_model.py):
a 3x3 conv (16) + BN + ReLU stem, then three residual stacks of 16, 32 and 64 filters. Each stack is
conv3x3 + BN + ReLU, conv3x3 + BN, add, ReLU; stacks 2 and 3 start with stride 2 and their shortcut
is a 1x1 stride-2 conv (without BN, as in the reference). 8x8 average pool, flatten, dense to 10.
Input 1x3x32x32.

Differences from the Keras reference, on purpose: symmetric padding 1 instead of TF 'same' (which
pads stride-2 convs only on the bottom/right; same shapes), and the final softmax is left out (logits).
Convs keep their bias before BN, as Keras does, so BN folding must merge into an existing bias.
"""

from __future__ import annotations

import torch
from torch import nn

try:  # imported as tests.models.resnet8
    from ._synthetic import fit_batchnorm, natural_images
except ImportError:  # loaded from its path by the torchmcu CLI, which puts this folder on sys.path
    from _synthetic import fit_batchnorm, natural_images


class ResidualStack(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(out_channels)
        # Identity when the shape is unchanged; otherwise a 1x1 strided conv projects the input.
        self.shortcut = nn.Conv2d(in_channels, out_channels, 1, stride=stride) if stride != 1 else nn.Identity()
        self.relu2 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        return self.relu2(y + self.shortcut(x))


class ResNet8(nn.Module):
    def __init__(self, classes: int = 10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.stacks = nn.Sequential(ResidualStack(16, 16, 1), ResidualStack(16, 32, 2), ResidualStack(32, 64, 2))
        self.pool = nn.AvgPool2d(8)  # the reference pools over the whole 8x8 map with a fixed window
        self.classifier = nn.Linear(64, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.stacks(self.stem(x)))
        return self.classifier(torch.flatten(x, 1))


def model() -> nn.Module:
    torch.manual_seed(0)
    return fit_batchnorm(ResNet8(), calibration_data(), seed=1)


def example_inputs() -> tuple[torch.Tensor, ...]:
    return (natural_images(1, seed=100)[0],)


def calibration_data() -> list[tuple[torch.Tensor, ...]]:
    return [(image,) for image in natural_images(12, seed=101)]
