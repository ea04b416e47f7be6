"""Shared by the benchmarks: the reference models living in the test suite."""

from __future__ import annotations

import importlib
import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CNN_MODELS = ["small_cnn", "ds_cnn", "resnet8", "mobilenet_v1", "mobilenet_v2", "mobilenet_v3_small",
              "deep_autoencoder"]
AUDIO_MODELS = ["wav2letter", "silero_vad", "conv_decoder", "tiny_transformer"]


def load(name: str):
    return importlib.import_module(f"tests.models.{name}")


def compile_reference_model(name: str, target: str):
    from torchmcu.compiler import compile as compile_model

    module = load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile_model(module.model(), module.example_inputs(), target=target,
                             calibration=module.calibration_data()), module


def quiet() -> None:
    from torchmcu.cli import _quiet_third_party

    _quiet_third_party()
