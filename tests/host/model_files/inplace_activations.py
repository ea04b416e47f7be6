"""Conv + BatchNorm + in-place activations, as torchvision's MobileNetV3 builds them
(`nn.Hardswish(inplace=True)`, `nn.ReLU(inplace=True)`): they export as aten.hardswish_ /
aten.relu_, which overwrite the BatchNorm's output tensor in the float graph."""

import torch
from torch import nn


class InplaceActivations(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.Hardswish(inplace=True),
            nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
            nn.Conv2d(8, 4, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x)


def model() -> nn.Module:
    torch.manual_seed(0)
    module = InplaceActivations()
    for layer in module.features:
        if isinstance(layer, nn.BatchNorm2d):  # statistics a trained layer could have, so BatchNorm is not identity
            layer.running_mean.uniform_(-0.5, 0.5)
            layer.running_var.uniform_(0.5, 2.0)
            layer.weight.data.uniform_(0.5, 1.5)
            layer.bias.data.uniform_(-0.5, 0.5)
    return module.eval()


def example_inputs():
    return (torch.randn(1, 3, 8, 8),)


def calibration_data():
    generator = torch.Generator().manual_seed(1)
    return [(torch.randn(1, 3, 8, 8, generator=generator),) for _ in range(8)]
