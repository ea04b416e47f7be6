"""NaN and Inf inputs: the Python reference and both kernel backends agree bit for bit; `run` warns.

docs/numerics.md defines them: NaN quantizes to the zero point, +-Inf saturate.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.runtime.conftest import tiny_program
from torchmcu.run import run_program

SHARED_CMSIS_NN = Path(__file__).resolve().parents[3] / "shared" / "cmsis-nn"


def non_finite_input() -> np.ndarray:
    x = np.random.default_rng(5).standard_normal((1, 1, 12, 12)).astype(np.float32)
    x[0, 0, 0, :4] = np.nan
    x[0, 0, 3, 2] = np.inf
    x[0, 0, 7, 7] = -np.inf
    return x


def test_the_reference_defines_nan_and_inf_like_the_kernels():
    program = tiny_program()
    quantize = torch.ops.torchmcu.quantize_per_tensor.default
    values = quantize(torch.tensor([float("nan"), float("inf"), -float("inf"), 0.0]), 0.05, -3)
    assert values.tolist() == [-3, 127, -128, -3]
    x = non_finite_input()
    (reference,) = program.run_reference(torch.from_numpy(x))
    (ours,), _ = run_program(program.pte, [x])
    assert np.isfinite(ours).all()
    np.testing.assert_array_equal(ours, reference.numpy())


@pytest.mark.skipif(not (SHARED_CMSIS_NN / "Include" / "arm_nnfunctions.h").is_file(),
                    reason="../shared/cmsis-nn (the CMSIS-NN checkout for the host CMSIS-NN build) is absent")
def test_the_cmsis_nn_backend_agrees(tmp_path):
    program = tiny_program("cortex-m3")  # x86 runs CMSIS-NN's scalar path
    (tmp_path / "m.pte").write_bytes(program.pte)
    x = non_finite_input()
    np.save(tmp_path / "x.npy", x)
    env = dict(os.environ, CMSIS_NN_PATH=str(SHARED_CMSIS_NN))
    result = subprocess.run([sys.executable, "-m", "torchmcu", "run", str(tmp_path / "m.pte"), "--input",
                             str(tmp_path / "x.npy"), "--backend", "cmsis_nn", "--output", str(tmp_path / "o.npz")],
                            capture_output=True, text=True, timeout=1800, env=env)
    assert result.returncode == 0, result.stderr
    assert "warning: input 0 contains NaN" in result.stderr
    (reference,) = program.run_reference(torch.from_numpy(x))
    np.testing.assert_array_equal(np.load(tmp_path / "o.npz")["arr_0"], reference.numpy())
