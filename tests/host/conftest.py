"""Shared fixtures: compile each reference model once per session."""

from __future__ import annotations

import functools
import importlib
import warnings

import pytest
import torch

from tests.models import calibration_split
from torchmcu.compiler import CompiledProgram, compile as compile_model


def sqnr_db(reference: torch.Tensor, approximation: torch.Tensor) -> float:
    """Signal-to-quantization-noise ratio of `approximation` against `reference`, in dB."""
    reference = reference.detach().to(torch.float64).flatten()
    noise = reference - approximation.detach().to(torch.float64).flatten()
    return float(10 * torch.log10(reference.pow(2).sum() / noise.pow(2).sum().clamp_min(1e-30)))


def evaluation_inputs(module) -> list:
    return calibration_split(module)[1]


@functools.lru_cache(maxsize=None)
def compiled_model(name: str, target: str = "cortex-m55") -> tuple[CompiledProgram, object]:
    """(program, model module) for tests/models/<name>.py, calibrated on all but the held-out samples."""
    module = importlib.import_module(f"tests.models.{name}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(
            module.model(), module.example_inputs(), target=target, calibration=calibration_split(module)[0]
        )
    return program, module


@pytest.fixture
def compile_cached():
    return compiled_model
