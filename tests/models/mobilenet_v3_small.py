"""MobileNetV3-Small, width multiplier 0.5, at 96x96 with 2 classes.

Reproduces MobileNetV3-Small (Howard et al., "Searching for MobileNetV3", 2019, Table 2) layer for
layer as torchvision.models.mobilenet_v3_small builds it (without depending on torchvision): a 3x3
stride-2 stem + BN + hardswish, 11 bottleneck blocks (optional 1x1 expand, kxk depthwise, optional
squeeze-excite, 1x1 linear projection, add shortcut when stride 1 and shapes match) with ReLU in the
first three and hardswish after, a 1x1 conv head + BN + hardswish, global average pool, then
linear + hardswish + dropout + linear. Squeeze-excite is adaptive avgpool -> 1x1 conv -> ReLU -> 1x1
conv -> hardsigmoid -> multiply, as torchvision's SqueezeExcitation. BatchNorm eps 0.001 as in
torchvision. Channel counts are scaled by 0.5 and rounded to multiples of 8 with torchvision's rule.
Input 1x3x96x96, 2 classes (logits).
"""

from __future__ import annotations

import torch
from torch import nn

try:  # imported as tests.models.mobilenet_v3_small
    from ._synthetic import fit_batchnorm, natural_images
except ImportError:  # loaded from its path by the torchmcu CLI, which puts this folder on sys.path
    from _synthetic import fit_batchnorm, natural_images

WIDTH = 0.5
RESOLUTION = 96
CLASSES = 2
BN_EPS = 0.001
# (in, kernel, expanded, out, squeeze-excite, activation, stride) at width 1, from torchvision / Table 2.
BLOCKS = [
    (16, 3, 16, 16, True, "RE", 2),
    (16, 3, 72, 24, False, "RE", 2),
    (24, 3, 88, 24, False, "RE", 1),
    (24, 5, 96, 40, True, "HS", 2),
    (40, 5, 240, 40, True, "HS", 1),
    (40, 5, 240, 40, True, "HS", 1),
    (40, 5, 120, 48, True, "HS", 1),
    (48, 5, 144, 48, True, "HS", 1),
    (48, 5, 288, 96, True, "HS", 2),
    (96, 5, 576, 96, True, "HS", 1),
    (96, 5, 576, 96, True, "HS", 1),
]


def make_divisible(value: float, divisor: int = 8) -> int:
    """Round to the nearest multiple of `divisor`, never more than 10% down (torchvision's rule)."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _conv_bn_act(in_channels, out_channels, kernel, stride=1, groups=1, activation=None) -> nn.Sequential:
    layers = [
        nn.Conv2d(in_channels, out_channels, kernel, stride=stride, padding=kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(out_channels, eps=BN_EPS),
    ]
    if activation is not None:
        layers.append(activation())
    return nn.Sequential(*layers)


class SqueezeExcite(nn.Module):
    """Channel attention: global context -> bottleneck MLP (as 1x1 convs) -> per-channel gate in [0, 1]."""

    def __init__(self, channels: int, squeeze_channels: int):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, squeeze_channels, 1)
        self.relu = nn.ReLU()
        self.fc2 = nn.Conv2d(squeeze_channels, channels, 1)
        self.gate = nn.Hardsigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gate(self.fc2(self.relu(self.fc1(self.pool(x)))))


class Bottleneck(nn.Module):
    def __init__(self, in_channels, kernel, expanded, out_channels, use_se, activation_name, stride):
        super().__init__()
        activation = nn.Hardswish if activation_name == "HS" else nn.ReLU
        layers = []
        if expanded != in_channels:
            layers.append(_conv_bn_act(in_channels, expanded, 1, activation=activation))
        layers.append(_conv_bn_act(expanded, expanded, kernel, stride=stride, groups=expanded, activation=activation))
        if use_se:
            layers.append(SqueezeExcite(expanded, make_divisible(expanded // 4)))
        layers.append(_conv_bn_act(expanded, out_channels, 1))  # linear projection, no activation
        self.block = nn.Sequential(*layers)
        self.use_shortcut = stride == 1 and in_channels == out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.block(x) if self.use_shortcut else self.block(x)


class MobileNetV3Small(nn.Module):
    def __init__(self, width: float = WIDTH, classes: int = CLASSES):
        super().__init__()
        scale = lambda channels: make_divisible(channels * width)  # noqa: E731
        layers = [_conv_bn_act(3, scale(16), 3, stride=2, activation=nn.Hardswish)]
        for in_c, kernel, expanded, out_c, use_se, activation, stride in BLOCKS:
            layers.append(Bottleneck(scale(in_c), kernel, scale(expanded), scale(out_c), use_se, activation, stride))
        last_block_channels = scale(BLOCKS[-1][3])
        head_channels = 6 * last_block_channels
        layers.append(_conv_bn_act(last_block_channels, head_channels, 1, activation=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        hidden = scale(1024)
        self.classifier = nn.Sequential(
            nn.Linear(head_channels, hidden), nn.Hardswish(), nn.Dropout(0.2), nn.Linear(hidden, classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def model() -> nn.Module:
    torch.manual_seed(0)
    return fit_batchnorm(MobileNetV3Small(), calibration_data(), seed=1)


def example_inputs() -> tuple[torch.Tensor, ...]:
    return (natural_images(1, seed=100, size=RESOLUTION)[0],)


def calibration_data() -> list[tuple[torch.Tensor, ...]]:
    return [(image,) for image in natural_images(12, seed=101, size=RESOLUTION)]
