"""ShuffleNetV2 x0.5 (Ma et al., 2018) from torchvision 0.28, random weights, 96x96 RGB input, 10 classes."""

from _zoo_common import image_classifier, import_torchvision

example_inputs, calibration_data, model = image_classifier(
    lambda: import_torchvision().models.shufflenet_v2_x0_5(num_classes=10), size=96)
