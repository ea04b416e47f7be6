"""EfficientNet-B0 (Tan and Le, 2019) from timm, random weights, 96x96 RGB input, 10 classes."""

import torch

from _zoo_common import CALIBRATION_SAMPLES, images, import_timm, reestimate_batch_norm

SIZE = 96


def example_inputs():
    return (images(1, SIZE, seed=1)[0],)


def calibration_data():
    return [(x,) for x in images(CALIBRATION_SAMPLES, SIZE, seed=2)]


def model():
    torch.manual_seed(0)
    return reestimate_batch_norm(import_timm().create_model("efficientnet_b0", pretrained=False, num_classes=10),
                                 calibration_data())
