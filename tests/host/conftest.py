"""Shared fixtures: compile each reference model once per session."""

from __future__ import annotations

import functools
import importlib
import warnings
from collections import Counter

import pytest

from tests.models import calibration_split
from torchmcu.compare import sqnr_db  # noqa: F401  (tests import it from here)
from torchmcu.compiler import CompiledProgram, compile as compile_model


def evaluation_inputs(module) -> list:
    return calibration_split(module)[1]


def compile_quietly(model, inputs, calibration, **kwargs) -> CompiledProgram:
    """compile() of an eval-mode model without the export's warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile_model(model.eval(), inputs, calibration=calibration, **kwargs)


def call_counts(program: CompiledProgram) -> Counter:
    """How many calls of each op the lowered graph makes, by name ("torchmcu.cat.default")."""
    return Counter(str(n.target) for n in program.reference.graph.nodes if n.op == "call_function")


@functools.lru_cache(maxsize=None)
def compiled_model(name: str, target: str = "cortex-m55") -> tuple[CompiledProgram, object]:
    """(program, model module) for tests/models/<name>.py, calibrated on all but the held-out samples."""
    module = importlib.import_module(f"tests.models.{name}")
    program = compile_quietly(module.model(), module.example_inputs(), calibration_split(module)[0], target=target)
    return program, module


@pytest.fixture
def compile_cached():
    return compiled_model
