"""MobileNetV2 (Sandler et al., 2018), width 0.35 from torchvision 0.28, random weights, 96x96 RGB input, 10 classes."""

import torch

from _zoo_common import CALIBRATION_SAMPLES, images, import_torchvision, reestimate_batch_norm

SIZE = 96


def example_inputs():
    return (images(1, SIZE, seed=1)[0],)


def calibration_data():
    return [(x,) for x in images(CALIBRATION_SAMPLES, SIZE, seed=2)]


def model():
    torch.manual_seed(0)
    return reestimate_batch_norm(import_torchvision().models.mobilenet_v2(width_mult=0.35, num_classes=10), calibration_data())
