"""GhostNet 1.0 (Han et al., 2020) from timm, random weights, 96x96 RGB input, 10 classes."""

from _zoo_common import image_classifier, import_timm

example_inputs, calibration_data, model = image_classifier(
    lambda: import_timm().create_model("ghostnet_100", pretrained=False, num_classes=10), size=96)
