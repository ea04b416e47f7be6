"""Reference model zoo: one model file per architecture, written in plain PyTorch (no torchvision).

Each model module defines model() -> nn.Module (eval mode, seeded), example_inputs() -> tuple of
batch-1 float32 tensors, and calibration_data() -> list of 8-16 such tuples that look like real inputs.
They are also valid torchmcu model files, loadable by path (e.g. `torchmcu compile tests/models/resnet8.py`).
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Image, keyword-spotting and anomaly-detection CNNs / MLPs: conv2d, depthwise, pooling, linear, BN folding.
ALL_CNN_MODELS = (
    "small_cnn",
    "ds_cnn",
    "resnet8",
    "mobilenet_v1",
    "mobilenet_v2",
    "mobilenet_v3_small",
    "deep_autoencoder",
)
# Audio and sequence models, for the conv1d / transposed-conv / attention lowering: the
# Conv1d audio models, plus the transposed-conv decoder and the attention block that ride along with
# them (benchmarks/_models.py uses the same grouping).
AUDIO_MODELS = ("wav2letter", "silero_vad", "conv_decoder", "tiny_transformer")
ALL_MODELS = ALL_CNN_MODELS + AUDIO_MODELS


def load(name: str) -> ModuleType:
    """The model module `tests.models.<name>` (e.g. load("resnet8").model())."""
    if name not in ALL_MODELS:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(ALL_MODELS)}")
    return importlib.import_module(f"{__name__}.{name}")


HELD_OUT = 4


def calibration_split(module: ModuleType) -> tuple[list, list]:
    """(calibration samples, held-out evaluation samples): accuracy is never measured on calibrated data."""
    samples = module.calibration_data()
    return samples[:-HELD_OUT], samples[-HELD_OUT:]
