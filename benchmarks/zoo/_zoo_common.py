"""Shared by the zoo model files: calibration images, BatchNorm re-estimation, torchvision/timm import."""

from __future__ import annotations

import importlib.util
import sys
import types

import torch
import torch.nn.functional as F
from torch import nn

CALIBRATION_SAMPLES = 8
# Min/max ranges observed on 8 images clip held-out images' activations (resnet18's int8 graph:
# 15.5 dB with 8 images, 19.6 with 32; docs/ops.md). The image classifiers are not in CI: they take 32.
CALIBRATION_IMAGES = 32


def images(count: int, size: int, seed: int, channels: int = 3) -> list[torch.Tensor]:
    """Natural-looking images: smooth random shapes (noise upsampled from 1/8 size) plus fine noise."""
    g = torch.Generator().manual_seed(seed)
    result = []
    for _ in range(count):
        coarse = torch.randn(1, channels, max(1, size // 8), max(1, size // 8), generator=g)
        smooth = F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)
        result.append(smooth + 0.1 * torch.randn(1, channels, size, size, generator=g))
    return result


@torch.no_grad()
def reestimate_batch_norm(module: nn.Module, samples: list[tuple[torch.Tensor, ...]]) -> nn.Module:
    """Random weights leave BatchNorm statistics at (0, 1); replace them with the calibration data's,
    so activations keep a realistic scale through the network (what training would have done)."""
    norms = [m for m in module.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a cumulative average over the passes below
    module.train()
    batch = tuple(torch.cat(parts) for parts in zip(*samples))
    module(*batch)
    return module.eval()


def image_classifier(build, size: int):
    """A zoo model file's example_inputs, calibration_data and model for the image classifier that
    `build()` makes (random weights, seeded), on `size` x `size` RGB images."""

    def example_inputs():
        return (images(1, size, seed=1)[0],)

    def calibration_data():
        return [(x,) for x in images(CALIBRATION_IMAGES, size, seed=2)]

    def model():
        torch.manual_seed(0)
        return reestimate_batch_norm(build(), calibration_data())

    return example_inputs, calibration_data, model


def import_torchvision():
    """torchvision, also where its compiled ops cannot load (a CUDA wheel next to a CPU-only torch):
    the model definitions are plain Python and need none of them."""
    try:
        import torchvision
    except RuntimeError:  # "operator torchvision::nms does not exist": _C did not load
        for name in [n for n in sys.modules if n == "torchvision" or n.startswith("torchvision.")]:
            del sys.modules[name]
        spec = importlib.util.find_spec("torchvision")
        package = types.ModuleType("torchvision")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["torchvision"] = package
        import torchvision.models  # noqa: F401
        torchvision = package
    return torchvision


def import_timm():
    import_torchvision()
    import timm

    return timm
