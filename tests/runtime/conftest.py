"""Fixtures for tests that run programs through the C++ runner on the host."""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import pytest

from tests.host.conftest import compiled_model
from torchmcu.compiler import compile as compile_model
from torchmcu.model_file import load_model_file

MODEL_FILES = Path(__file__).resolve().parents[1] / "host" / "model_files"


@functools.lru_cache(maxsize=None)
def tiny_program(target: str = "cortex-m55"):
    model = load_model_file(MODEL_FILES / "tiny_cnn.py")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile_model(model.module, model.example_inputs, target=target, calibration=model.calibration)


# The host tests' session cache: one compile of each reference model per process, whichever test asks first.
reference_program = compiled_model


@pytest.fixture(scope="session")
def tiny_pte(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("programs") / "tiny_cnn.pte"
    path.write_bytes(tiny_program().pte)
    return path


def max_abs_diffs(program, sample) -> list[float]:
    """Per output, the largest |host kernels - Python reference| for one input sample (0.0: bit-exact)."""
    import numpy as np

    from torchmcu.run import run_program

    ours, _ = run_program(program.pte, [x.numpy() for x in sample])
    reference = [r.detach().numpy() for r in program.run_reference(*sample)]
    return [float(np.abs(a.astype(np.float64) - b.astype(np.float64)).max()) for a, b in zip(ours, reference)]
