"""Adaptive pools of any output size, max pooling with ceil_mode, bilinear upsampling and per-channel
PReLU lower to int8 kernels (no float op left); the program on the host kernels equals the Python
reference bit for bit and stays close to float. The kernels of both backends, on the host and under
QEMU, meet the reference through tests/target/cases.py."""

from __future__ import annotations


import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from torchmcu.compare import sqnr_db
from torchmcu.run import run_program
from tests.host.conftest import call_counts, compile_quietly


class Resampling(nn.Module):
    """Each new lowering once, on a conv2d map (7 x 6) and a conv1d map (length 11)."""

    def __init__(self):
        super().__init__()
        self.conv2d = nn.Conv2d(3, 6, 3)
        self.conv1d = nn.Conv1d(3, 5, 3)
        self.prelu = nn.PReLU(6)
        self.prelu1d = nn.PReLU(5)
        with torch.no_grad():
            self.prelu.weight.copy_(torch.linspace(-0.5, 0.8, 6))  # negative, zero-ish and positive slopes

    def forward(self, image, signal):
        y, t = self.conv2d(image), self.conv1d(signal)
        return (F.adaptive_avg_pool2d(y, (3, 4)), F.adaptive_max_pool2d(y, (4, 3)), F.adaptive_max_pool1d(t, 4),
                F.adaptive_avg_pool2d(y, (1, 2)),  # even windows: the plain average pool
                F.max_pool2d(y, 3, 2, ceil_mode=True), F.max_pool1d(t, 2, 2, ceil_mode=True),
                F.interpolate(y, scale_factor=2, mode="bilinear"),
                F.interpolate(y, size=(9, 11), mode="bilinear", align_corners=True),
                self.prelu(y), self.prelu1d(t),
                # PyTorch maps positions with 1 / scale_factor: 1.5 from 7 rows gives 10 rows, not a 10/7 resize.
                F.interpolate(y, scale_factor=1.5, mode="bilinear"))


def _inputs(seed: int):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(1, 3, 9, 8, generator=g), torch.randn(2, 3, 13, generator=g)


@pytest.fixture(scope="module")
def compiled():
    torch.manual_seed(0)
    module = Resampling().eval()
    program = compile_quietly(module, _inputs(0), [_inputs(s) for s in range(1, 8)])
    return module, program


def test_every_op_lowers_to_its_kernel_but_an_inexact_bilinear_scale(compiled):
    _, program = compiled
    assert [op.op for op in program.not_lowered] == ["aten.upsample_bilinear2d.vec"]
    assert "is not exactly 10 / 7" in program.not_lowered[0].reason
    ops = call_counts(program)
    assert ops["torchmcu.adaptive_pool2d.default"] == 3
    assert ops["torchmcu.avg_pool2d.default"] == 1
    assert ops["torchmcu.max_pool2d.default"] == 2
    assert ops["torchmcu.upsample_bilinear2d.default"] == 2
    assert ops["torchmcu.prelu.default"] == 2


def test_host_kernels_match_the_reference_and_float(compiled):
    module, program = compiled
    sample = _inputs(9)
    ours, _ = run_program(program.pte, [x.numpy() for x in sample])
    # The last output (the inexact scale) is float.
    for actual, exact, real in list(zip(ours, program.run_reference(*sample), module(*sample)))[:-1]:
        np.testing.assert_array_equal(actual, exact.numpy())
        assert sqnr_db(real.detach(), exact) >= 30.0  # about 34-41 dB here

