"""MobileNetV3-Small (Howard et al., 2019) from torchvision 0.28, random weights, 96x96 RGB input, 10 classes."""

from _zoo_common import image_classifier, import_torchvision

example_inputs, calibration_data, model = image_classifier(
    lambda: import_torchvision().models.mobilenet_v3_small(num_classes=10), size=96)
