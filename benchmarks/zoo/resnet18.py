"""ResNet-18 (He et al., 2016) from torchvision 0.28, random weights, 64x64 RGB input, 10 classes."""

from _zoo_common import image_classifier, import_torchvision

example_inputs, calibration_data, model = image_classifier(
    lambda: import_torchvision().models.resnet18(num_classes=10), size=64)
