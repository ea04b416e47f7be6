"""Shared by the benchmarks: the reference models living in the test suite."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.models import ALL_CNN_MODELS as CNN_MODELS  # noqa: E402
from tests.models import AUDIO_MODELS, calibration_split, load  # noqa: E402,F401


def compile_reference_model(name: str, target: str):
    from torchmcu.compiler import compile as compile_model

    module = load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile_model(module.model(), module.example_inputs(), target=target,
                             calibration=calibration_split(module)[0]), module


def quiet() -> None:
    from torchmcu.cli import _quiet_third_party

    _quiet_third_party()
