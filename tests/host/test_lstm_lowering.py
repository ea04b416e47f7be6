"""LSTM layers that fit arm_lstm_unidirectional_s8 lower to one torchmcu::lstm each (FuseLstmPass +
lowering/lstm.py), with qparams and cell scale from calibration, on any target when a CMSIS-NN
checkout gives the sigmoid table (torchmcu.lstm_fusion); the others keep the unrolled path.
Both stay close to float, and the host kernels equal the reference."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch import nn

from torchmcu.compare import sqnr_db
from torchmcu.compiler import compile as compile_model
from torchmcu.run import run_program
from tests.kernels.nn_lib import cmsis_nn_path

needs_checkout = pytest.mark.skipif(cmsis_nn_path() is None, reason="CMSIS_NN_PATH does not name a CMSIS-NN checkout")


class Sequence(nn.Module):
    """An LSTM over [B, T, 6] (or [T, B, 6]); returns the output sequence and, when asked, h_n or c_n."""

    def __init__(self, batch_first: bool, layers: int, bias: bool, returns: str) -> None:
        super().__init__()
        torch.manual_seed(layers + 2 * bias)
        self.lstm = nn.LSTM(6, 12, num_layers=layers, batch_first=batch_first, bias=bias)
        self.returns = returns

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return {"output": (out,), "h_n": (out, h), "c_n": (out, c)}[self.returns]


def _compile(module: nn.Module, shape: tuple[int, ...], target: str = "cortex-m4"):
    torch.manual_seed(1)
    calibration = [(torch.randn(shape),) for _ in range(8)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile_model(module.eval(), calibration[0], target=target, calibration=calibration,
                             strict=True)


def _kernel_ops(program) -> list[str]:
    return [op["op"] for op in program.plan["ops"]]


@needs_checkout
@pytest.mark.parametrize("batch_first, layers, bias, returns, target", [
    (True, 1, True, "output", "cortex-m4"), (False, 2, True, "h_n", "cortex-m55"),
    (True, 1, False, "output", "cortex-m33"),
])
def test_fitting_lstms_lower_to_one_kernel_per_layer(batch_first, layers, bias, returns, target):
    module = Sequence(batch_first, layers, bias, returns)
    shape = (2, 7, 6) if batch_first else (7, 2, 6)
    program = _compile(module, shape, target)
    assert "arm_lstm_unidirectional_s8" in program.plan["lstm_fusion"]
    ops = _kernel_ops(program)
    assert ops.count("torchmcu::lstm.out") == layers
    assert not any(op in ops for op in ("torchmcu::lut.out", "torchmcu::mul.out")), ops
    torch.manual_seed(5)  # a held-out sample of the calibration distribution
    sample = (torch.randn(shape),)
    expected = module(*sample)
    reference = program.run_reference(*sample)
    for want, got in zip(expected, reference):
        assert sqnr_db(want.detach(), got) >= 25
    ours, _ = run_program(program.pte, [x.numpy() for x in sample])
    for got, want in zip(ours, reference):
        np.testing.assert_array_equal(got, want.numpy())


@needs_checkout
def test_an_lstm_whose_final_cell_state_is_read_stays_unrolled():
    assert _is_unrolled(_compile(Sequence(True, 1, True, "c_n"), (2, 5, 6)))


def _is_unrolled(program) -> bool:
    ops = _kernel_ops(program)
    return "torchmcu::lstm.out" not in ops and "torchmcu::lut.out" in ops


def test_without_a_checkout_lstms_stay_unrolled_and_the_plan_says_why(monkeypatch):
    monkeypatch.delenv("CMSIS_NN_PATH", raising=False)
    program = _compile(Sequence(True, 1, True, "output"), (2, 5, 6))
    assert _is_unrolled(program)
    assert "no CMSIS-NN checkout" in program.plan["lstm_fusion"]


@pytest.mark.parametrize("module", ["torchmcu.quantizer", "torchmcu.lowering.lstm", "torchmcu.passes"])
def test_the_modules_that_name_the_lstm_layer_import_first(module):
    # The quantizer names the calibration LSTM op; importing it from the passes (which import the
    # quantizer) made `import torchmcu.quantizer` in a fresh process fail with a circular import.
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
