"""MobileNetV2, width multiplier 0.35, at 96x96 with 2 classes (a Visual-Wake-Words-sized network).

Reproduces MobileNetV2 (Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks",
2018) layer for layer as torchvision.models.mobilenet_v2 builds it (without depending on torchvision):
3x3 stride-2 stem, 17 inverted residual blocks (1x1 expand + BN + ReLU6, 3x3 depthwise + BN + ReLU6,
1x1 linear projection + BN, add shortcut when stride 1 and shapes match), a 1x1 conv head to 1280
channels + BN + ReLU6, global average pool, dropout, linear classifier. Channel counts are rounded to
multiples of 8 exactly as torchvision's `_make_divisible` does; the head keeps 1280 channels for
width < 1 as in the paper and torchvision. Input 1x3x96x96, 2 classes (logits).
"""

from __future__ import annotations

import torch
from torch import nn

try:  # imported as tests.models.mobilenet_v2
    from ._synthetic import fit_batchnorm, natural_images
except ImportError:  # loaded from its path by the torchmcu CLI, which puts this folder on sys.path
    from _synthetic import fit_batchnorm, natural_images

WIDTH = 0.35
RESOLUTION = 96
CLASSES = 2
# (expansion t, output channels c, repeats n, first stride s), Table 2 of the paper.
SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def make_divisible(value: float, divisor: int = 8) -> int:
    """Round to the nearest multiple of `divisor`, never more than 10% down (torchvision's rule)."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _conv_bn_relu6(in_channels: int, out_channels: int, kernel: int, stride: int = 1, groups: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel, stride=stride, padding=kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU6(),
    )


class InvertedResidual(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int, expansion: int):
        super().__init__()
        hidden = in_channels * expansion
        layers = [] if expansion == 1 else [_conv_bn_relu6(in_channels, hidden, 1)]
        layers += [
            _conv_bn_relu6(hidden, hidden, 3, stride=stride, groups=hidden),
            # Linear bottleneck: no activation after the projection (the paper's key point).
            nn.Conv2d(hidden, out_channels, 1, bias=False),
            nn.BatchNorm2d(out_channels),
        ]
        self.block = nn.Sequential(*layers)
        self.use_shortcut = stride == 1 and in_channels == out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.block(x) if self.use_shortcut else self.block(x)


class MobileNetV2(nn.Module):
    def __init__(self, width: float = WIDTH, classes: int = CLASSES):
        super().__init__()
        channels = make_divisible(32 * width)
        head_channels = make_divisible(1280 * max(1.0, width))
        layers = [_conv_bn_relu6(3, channels, 3, stride=2)]
        for expansion, c, repeats, first_stride in SETTINGS:
            out_channels = make_divisible(c * width)
            for index in range(repeats):
                layers.append(InvertedResidual(channels, out_channels, first_stride if index == 0 else 1, expansion))
                channels = out_channels
        layers.append(_conv_bn_relu6(channels, head_channels, 1))
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(head_channels, classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def model() -> nn.Module:
    torch.manual_seed(0)
    return fit_batchnorm(MobileNetV2(), calibration_data(), seed=1)


def example_inputs() -> tuple[torch.Tensor, ...]:
    return (natural_images(1, seed=100, size=RESOLUTION)[0],)


def calibration_data() -> list[tuple[torch.Tensor, ...]]:
    return [(image,) for image in natural_images(12, seed=101, size=RESOLUTION)]
