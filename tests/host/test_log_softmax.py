"""log_softmax over the last and a middle dim lowers to torchmcu::log_softmax (no float op left), and the
program on the host kernels equals the Python reference bit for bit and stays within 30 dB SQNR of float."""

from __future__ import annotations

import warnings

import numpy as np
import torch
from torch import nn

from torchmcu.compiler import compile as compile_model
from torchmcu.run import run_program


class Classifiers(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(32, 29)
        self.conv1d = nn.Conv1d(4, 10, 3)

    def forward(self, features, signal):
        return torch.log_softmax(self.linear(features), dim=-1), torch.log_softmax(self.conv1d(signal), dim=1)


def _inputs(seed: int):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(2, 32, generator=g), torch.randn(1, 4, 30, generator=g)


def test_log_softmax_lowers_and_runs_bit_exact():
    torch.manual_seed(0)
    module = Classifiers().eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(module, _inputs(0), calibration=[_inputs(s) for s in range(1, 9)], strict=True)
    targets = [str(n.target) for n in program.reference.graph.nodes if n.op == "call_function"]
    assert targets.count("torchmcu.log_softmax.default") == 2
    sample = _inputs(11)
    ours, _ = run_program(program.pte, [x.numpy() for x in sample])
    for actual, exact, expected in zip(ours, program.run_reference(*sample), module(*sample)):
        np.testing.assert_array_equal(actual, exact.detach().numpy())
        reference = expected.detach().numpy()
        sqnr_db = 10 * np.log10((reference**2).sum() / ((reference - actual) ** 2).sum())
        assert sqnr_db >= 30.0  # int8 in and out: about 45 dB here
