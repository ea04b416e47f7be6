"""Degenerate models and data compile to a correct result or fail with a clear message.

Never a NaN/inf scale, never a crash deep inside a pass.
"""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from torchmcu.errors import CompileError
from tests.host.conftest import compile_quietly


def all_scales_finite(program) -> bool:
    """Every requantization multiplier in the lowered graph is a finite, representable value."""
    for node in program.reference.graph.nodes:
        if node.op == "get_attr" and "multiplier" in node.target:
            values = getattr(program.reference, node.target)
            if values.dtype not in (torch.int32, torch.int16):  # Q31, or Q15 (compact requantization)
                return False
        for arg in node.args:
            if isinstance(arg, float) and not math.isfinite(arg):
                return False
    return True


def small_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))


@pytest.mark.parametrize("fill", [0.0, 1.5])
def test_constant_calibration_data(fill):
    model = small_net()
    x = torch.full((1, 2, 6, 6), fill)
    program = compile_quietly(model, (x,), [(x,)] * 4)
    assert all_scales_finite(program)
    (out,) = program.run_reference(x)
    assert torch.isfinite(out).all()
    with torch.no_grad():
        expected = model(x)
    # A constant input is represented exactly, so the result stays close to float.
    assert (out - expected).abs().max() <= 0.05 * max(1.0, expected.abs().max().item())


def test_weights_with_zero_range():
    model = small_net()
    with torch.no_grad():
        model[0].weight.zero_()
        model[0].weight[1].fill_(0.25)  # one non-zero channel, the others exactly zero
        model[3].weight[0].zero_()
    x = torch.randn(1, 2, 6, 6, generator=torch.Generator().manual_seed(1))
    program = compile_quietly(model, (x,), [(x,)] * 4)
    assert all_scales_finite(program)
    (out,) = program.run_reference(x)
    with torch.no_grad():
        expected = model(x)
    assert torch.isfinite(out).all()
    assert (out - expected).abs().max() < 0.1


def test_data_dependent_control_flow_is_a_clear_error():
    class Branchy(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(4, 4), nn.Linear(4, 4)

        def forward(self, x):
            return torch.cond(x.sum() > 0, lambda t: self.a(t), lambda t: self.b(t), (x,))

    x = torch.randn(1, 4)
    with pytest.raises(CompileError, match="control flow"):
        compile_quietly(Branchy(), (x,), [(x,)])


def test_unsupported_op_is_reported_with_source_line():
    class Cumulative(nn.Module):
        def forward(self, x):
            y = x * 2.0
            # A permute of 5 dims that cannot merge has no kernel; the view after it must still compile.
            return torch.cumsum(y, dim=1), y.view(2, 2, 2, 2, 2).permute(4, 3, 2, 1, 0).reshape(1, 32)

    x = torch.randn(1, 32)
    with pytest.raises(CompileError) as info:
        compile_quietly(Cumulative(), (x,), [(x,)], strict=True)
    assert "cumsum" in str(info.value) and "test_bad_models.py:" in str(info.value)
    program = compile_quietly(Cumulative(), (x,), [(x,)])
    assert [r.op for r in program.not_lowered] == ["aten.cumsum.default", "aten.permute.default"]
    assert "cannot merge" in program.not_lowered[1].reason


def test_float64_and_non_tensor_inputs_are_refused():
    with pytest.raises(CompileError, match="float64"):
        compile_quietly(nn.Linear(2, 2), (torch.zeros(1, 2, dtype=torch.float64),), None)
    with pytest.raises(CompileError, match="expected a torch.Tensor"):
        compile_quietly(nn.Linear(2, 2), ([1.0, 2.0],), None)
    with pytest.raises(CompileError, match="non-empty tuple"):
        compile_quietly(nn.Linear(2, 2), (), None)
