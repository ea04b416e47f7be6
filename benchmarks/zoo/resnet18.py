"""ResNet-18 (He et al., 2016) from torchvision 0.28, random weights, 64x64 RGB input, 10 classes."""

import torch

from _zoo_common import CALIBRATION_SAMPLES, images, import_torchvision, reestimate_batch_norm

SIZE = 64


def example_inputs():
    return (images(1, SIZE, seed=1)[0],)


def calibration_data():
    return [(x,) for x in images(CALIBRATION_SAMPLES, SIZE, seed=2)]


def model():
    torch.manual_seed(0)
    return reestimate_batch_norm(import_torchvision().models.resnet18(num_classes=10), calibration_data())
