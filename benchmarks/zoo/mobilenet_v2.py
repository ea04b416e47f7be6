"""MobileNetV2 (Sandler et al., 2018), width 0.35 from torchvision 0.28, random weights, 96x96 RGB input, 10 classes."""

from _zoo_common import image_classifier, import_torchvision

example_inputs, calibration_data, model = image_classifier(
    lambda: import_torchvision().models.mobilenet_v2(width_mult=0.35, num_classes=10), size=96)
