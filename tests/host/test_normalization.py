"""LayerNorm and RMSNorm over the last axis lower to torchmcu::layer_norm (no float op left); the
program on the host kernels equals the Python reference bit for bit and stays close to float."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch import nn

from torchmcu.compiler import compile as compile_model
from torchmcu.run import run_program


class Norms(nn.Module):
    """LayerNorm with gamma of both signs and a beta, RMSNorm, and LayerNorm without affine parameters."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(32, 32)
        self.layer_norm = nn.LayerNorm(32)
        self.rms_norm = nn.RMSNorm(32)
        self.plain = nn.LayerNorm(32, elementwise_affine=False)
        with torch.no_grad():
            self.layer_norm.weight.uniform_(-2.0, 2.0)
            self.layer_norm.bias.uniform_(-1.0, 1.0)
            self.rms_norm.weight.uniform_(0.5, 2.0)

    def forward(self, x):
        h = self.linear(x)
        return self.layer_norm(h), self.rms_norm(h), self.plain(x)


def _input(seed: int) -> torch.Tensor:
    return torch.randn(1, 16, 32, generator=torch.Generator().manual_seed(seed))


@pytest.fixture(scope="module")
def compiled():
    torch.manual_seed(0)
    module = Norms().eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(module, (_input(0),), calibration=[(_input(s),) for s in range(1, 9)], strict=True)
    return module, program


def test_norms_lower_to_the_layer_norm_kernel(compiled):
    _, program = compiled
    targets = [str(n.target) for n in program.reference.graph.nodes if n.op == "call_function"]
    assert program.not_lowered == []
    assert targets.count("torchmcu.layer_norm.default") == 3


def test_host_kernels_match_the_reference_and_float(compiled):
    module, program = compiled
    sample = _input(42)
    ours, _ = run_program(program.pte, [sample.numpy()])
    for actual, expected, exact in zip(ours, module(sample), program.run_reference(sample)):
        np.testing.assert_array_equal(actual, exact.detach().numpy())
        error = actual - expected.detach().numpy()
        assert np.sqrt((error**2).mean()) < 0.05  # outputs have unit variance; an int8 step is ~0.03
