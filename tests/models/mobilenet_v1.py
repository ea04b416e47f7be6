"""MobileNetV1, width multiplier alpha = 0.25, for Visual Wake Words (person / no person) at 96x96.

Reproduces MobileNetV1 (Howard et al., "MobileNets: Efficient Convolutional Neural Networks for Mobile
Vision Applications", 2017) at the size the MLPerf Tiny "visual wake words" benchmark uses
(mlcommons/tiny, benchmark/training/visual_wake_words/vww_model.py): a 3x3 stride-2 stem with
32 * 0.25 = 8 filters, then 13 depthwise-separable blocks (depthwise 3x3 + BN + ReLU6, pointwise 1x1 +
BN + ReLU6) widening 16, 32, 32, 64, 64, 128 x6, 256, 256 with stride 2 where the paper has it, global
average pool, dense to 2 classes. Input 1x3x96x96.

As in the paper and keras.applications.MobileNet: ReLU6 and bias-free convs (BN supplies the offset).
The MLPerf training script uses plain ReLU and biased convs instead; the graph shape is the same.
The final softmax is left out (logits).
"""

from __future__ import annotations

import torch
from torch import nn

try:  # imported as tests.models.mobilenet_v1
    from ._synthetic import fit_batchnorm, natural_images
except ImportError:  # loaded from its path by the torchmcu CLI, which puts this folder on sys.path
    from _synthetic import fit_batchnorm, natural_images

ALPHA = 0.25
RESOLUTION = 96
CLASSES = 2
# (pointwise output channels at alpha = 1, depthwise stride), Table 1 of the paper.
BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
          (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]


def _conv_bn_relu6(in_channels: int, out_channels: int, kernel: int, stride: int, groups: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel, stride=stride, padding=kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU6(),
    )


class MobileNetV1(nn.Module):
    def __init__(self, alpha: float = ALPHA, classes: int = CLASSES):
        super().__init__()
        channels = int(32 * alpha)
        layers = [_conv_bn_relu6(3, channels, 3, stride=2)]
        for width, stride in BLOCKS:
            out_channels = int(width * alpha)
            layers.append(_conv_bn_relu6(channels, channels, 3, stride, groups=channels))  # depthwise
            layers.append(_conv_bn_relu6(channels, out_channels, 1, 1))  # pointwise
            channels = out_channels
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(channels, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def model() -> nn.Module:
    torch.manual_seed(0)
    return fit_batchnorm(MobileNetV1(), calibration_data(), seed=1)


def example_inputs() -> tuple[torch.Tensor, ...]:
    return (natural_images(1, seed=100, size=RESOLUTION)[0],)


def calibration_data() -> list[tuple[torch.Tensor, ...]]:
    return [(image,) for image in natural_images(12, seed=101, size=RESOLUTION)]
