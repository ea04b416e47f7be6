"""Each op's int8 reference against float math on the dequantized inputs.

The float result is quantized at the output scale; the int8 reference may
differ from it by at most the op's tolerance in LSBs (CMSIS-NN rounds twice
during requantization, and its softmax uses fixed-point exp):

| op | tolerance (LSB) |
|---|---|
| conv2d, depthwise_conv2d, transpose_conv2d, linear, batch_matmul | 1 |
| add, mul, avg_pool2d | 1 |
| softmax | 2 |
| max_pool2d, pad, transpose, minimum, maximum, lut | 0 |

A second group compiles single blocks (conv+BN+ReLU6, depthwise, hardswish,
squeeze-excite, residual, pooling+linear) and asserts their SQNR.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import torchmcu.ops  # noqa: F401
from torchmcu import qmath
from torchmcu.compiler import compile as compile_model
from torchmcu.ops import softmax as softmax_op
from torchmcu.ops._common import requantization_tensors
from torchmcu.ops.lut import build_table
from tests.host.conftest import sqnr_db

ops = torch.ops.torchmcu
SETTINGS = settings(max_examples=25, deadline=None)


def quantize(x: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    return torch.clamp(torch.round(x / scale) + zero_point, -128, 127).to(torch.int64)


def dequantize(q: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    return (q.to(torch.float64) - zero_point) * scale


def int8(generator, shape) -> torch.Tensor:
    return torch.randint(-128, 128, shape, generator=generator, dtype=torch.int8)


def per_channel(real: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Multipliers and shifts as the compiler makes them (one shared shift when cheap)."""
    multipliers, shifts = qmath.quantize_multipliers([float(r) for r in real])
    return torch.tensor(multipliers, dtype=torch.int32), torch.tensor(shifts, dtype=torch.int32)


@SETTINGS
@given(seed=st.integers(0, 2**16), channels=st.integers(1, 64), spread_bits=st.integers(0, 12))
def test_shared_shift_multipliers_keep_each_channel_scale(seed, channels, spread_bits):
    g = torch.Generator().manual_seed(seed)
    reals = (torch.rand(channels, generator=g, dtype=torch.float64) * 2.0**-spread_bits + 2.0**-spread_bits) * 1e-3
    reals[0] = 1e-3  # the spread reaches 2^spread_bits
    multipliers, shifts = qmath.quantize_multipliers(reals.tolist())
    own_shifts = [qmath.quantize_multiplier(r)[1] for r in reals.tolist()]
    if max(own_shifts) - min(own_shifts) <= qmath.MAX_SHARED_SHIFT_LOSS:
        assert set(shifts) == {max(own_shifts)}
    else:
        assert shifts == own_shifts
    for real, m, shift in zip(reals.tolist(), multipliers, shifts):
        assert 0 < m < 2**31
        # At most MAX_SHARED_SHIFT_LOSS of the 31 bits lost: relative error below 2^-(31 - 1 - loss).
        assert abs(m * 2.0 ** (shift - 31) / real - 1) <= 2.0 ** -(30 - qmath.MAX_SHARED_SHIFT_LOSS)


@SETTINGS
@given(seed=st.integers(0, 2**16), channels=st.integers(1, 64), spread_bits=st.integers(0, 12))
def test_q15_multipliers_round_each_channel_scale_once(seed, channels, spread_bits):
    g = torch.Generator().manual_seed(seed)
    reals = (torch.rand(channels, generator=g, dtype=torch.float64) * 2.0**-spread_bits + 2.0**-spread_bits) * 1e-3
    reals[0] = 1e-3
    multipliers, shifts = qmath.quantize_multipliers_q15(reals.tolist())
    assert shifts == qmath.quantize_multipliers(reals.tolist())[1]
    for real, q, shift in zip(reals.tolist(), multipliers, shifts):
        assert 0 < q < 2**15
        # Rounded once to a unit of 2^(shift - 15); 2^15 itself becomes 2^15 - 1, one unit off.
        unit = 2.0 ** (shift - 15)
        assert abs(q * unit - real) <= (unit if q == 2**15 - 1 else unit / 2)


def assert_within(actual: torch.Tensor, expected: torch.Tensor, lsb: int) -> None:
    diff = (actual.to(torch.int64) - expected.to(torch.int64)).abs().max().item()
    assert diff <= lsb, f"max difference {diff} LSB > {lsb}"


@SETTINGS
@given(seed=st.integers(0, 2**16), c_in=st.integers(1, 9), c_out=st.integers(1, 9), k=st.sampled_from([1, 3]),
       stride=st.integers(1, 2), padding=st.integers(0, 1), depthwise=st.booleans())
def test_convolutions_within_one_lsb(seed, c_in, c_out, k, stride, padding, depthwise):
    g = torch.Generator().manual_seed(seed)
    x_scale, x_zp, out_scale, out_zp = 0.05, int(torch.randint(-20, 20, (1,), generator=g)), 0.2, 3
    x = int8(g, (1, 6, 7, c_in))
    if depthwise:
        c_out = c_in * (1 + seed % 2)
        w = int8(g, (1, k, k, c_out))
    else:
        w = int8(g, (c_out, k, k, c_in))
    w_scales = torch.rand(c_out, generator=g, dtype=torch.float64) * 0.01 + 0.001
    bias = torch.randint(-2000, 2000, (c_out,), generator=g, dtype=torch.int32)
    m, s = per_channel(x_scale * w_scales / out_scale)
    args = ([stride, stride], [padding, padding], [1, 1])
    if depthwise:
        out = ops.depthwise_conv2d(x, w, bias, *args, c_out // c_in, -x_zp, out_zp, m, s, -128, 127)
        w_float = w[0].permute(2, 0, 1).unsqueeze(1).double() * w_scales.view(-1, 1, 1, 1)
        groups = c_in
    else:
        out = ops.conv2d(x, w, bias, *args, 1, -x_zp, out_zp, m, s, -128, 127)
        w_float = w.permute(0, 3, 1, 2).double() * w_scales.view(-1, 1, 1, 1)
        groups = 1
    x_float = dequantize(x, x_scale, x_zp).permute(0, 3, 1, 2)
    y = F.conv2d(x_float, w_float, bias.double() * x_scale * w_scales, stride, padding, groups=groups)
    assert_within(out, quantize(y.permute(0, 2, 3, 1), out_scale, out_zp), 1)


@SETTINGS
@given(seed=st.integers(0, 2**16), n_in=st.integers(1, 40), n_out=st.integers(1, 20), compact=st.booleans())
def test_linear_within_one_lsb(seed, n_in, n_out, compact):
    """Also with the compiler's compact requantization (Q15 multipliers, one shift)."""
    g = torch.Generator().manual_seed(seed)
    x, w = int8(g, (3, n_in)), int8(g, (n_out, n_in))
    w_scales = torch.rand(n_out, generator=g, dtype=torch.float64) * 0.01 + 0.001
    bias = torch.randint(-5000, 5000, (n_out,), generator=g, dtype=torch.int32)
    m, s = requantization_tensors((0.03 * w_scales / 0.25).tolist(), compact)
    out = ops.linear(x, w, bias, None, 5, -7, m, s, -128, 127)
    y = dequantize(x, 0.03, -5) @ (w.double() * w_scales.view(-1, 1)).T + bias.double() * 0.03 * w_scales
    assert_within(out, quantize(y, 0.25, -7), 1)


@SETTINGS
@given(seed=st.integers(0, 2**16), rows=st.integers(1, 6), cols=st.integers(1, 24), inner=st.integers(1, 16))
def test_batch_matmul_within_one_lsb(seed, rows, cols, inner):
    g = torch.Generator().manual_seed(seed)
    lhs, rhs = int8(g, (1, 2, rows, inner)), int8(g, (1, 2, cols, inner))
    m, s = qmath.quantize_multiplier(0.02 * 0.03 / 0.5)
    out = ops.batch_matmul(lhs, rhs, 4, -9, 2, m, s, -128, 127)
    y = dequantize(lhs, 0.02, -4) @ dequantize(rhs, 0.03, 9).transpose(-1, -2)
    assert_within(out, quantize(y, 0.5, 2), 1)


@SETTINGS
@given(seed=st.integers(0, 2**16), s1=st.floats(0.005, 0.2), s2=st.floats(0.005, 0.2), s_out=st.floats(0.01, 0.4))
def test_add_and_mul_within_one_lsb(seed, s1, s2, s_out):
    g = torch.Generator().manual_seed(seed)
    a, b = int8(g, (2, 3, 4, 5)), int8(g, (1, 1, 4, 5))  # broadcast, as squeeze-excite does
    twice_max = 2 * max(s1, s2)
    m1, sh1 = qmath.quantize_multiplier(s1 / twice_max)
    m2, sh2 = qmath.quantize_multiplier(s2 / twice_max)
    mo, sho = qmath.quantize_multiplier(twice_max / ((1 << 20) * s_out))
    out = ops.add(a, b, 3, m1, sh1, -2, m2, sh2, 20, 1, mo, sho, -128, 127)
    assert_within(out, quantize(dequantize(a, s1, -3) + dequantize(b, s2, 2), s_out, 1), 1)
    mm, ms = qmath.quantize_multiplier(s1 * s2 / (s_out * 4))
    out = ops.mul(a, b, 3, -2, 1, mm, ms, -128, 127)
    assert_within(out, quantize(dequantize(a, s1, -3) * dequantize(b, s2, 2), s_out * 4, 1), 1)


@SETTINGS
@given(seed=st.integers(0, 2**16), k=st.integers(1, 4), stride=st.integers(1, 3))
def test_pools(seed, k, stride):
    g = torch.Generator().manual_seed(seed)
    x = int8(g, (1, 9, 8, 3))
    avg = ops.avg_pool2d(x, [k, k], [stride, stride], [0, 0], -128, 127)
    expected = torch.round(F.avg_pool2d(x.double().permute(0, 3, 1, 2), k, stride)).permute(0, 2, 3, 1)
    assert_within(avg, expected, 1)
    mx = ops.max_pool2d(x, [k, k], [stride, stride], [0, 0], -128, 127)
    assert_within(mx, F.max_pool2d(x.double().permute(0, 3, 1, 2), k, stride).permute(0, 2, 3, 1), 0)


@SETTINGS
@given(seed=st.integers(0, 2**16), scale=st.floats(0.01, 0.3), row=st.integers(2, 40))
def test_softmax_within_two_lsb(seed, scale, row):
    g = torch.Generator().manual_seed(seed)
    x = int8(g, (3, row))
    m, s, diff_min = softmax_op.parameters(scale)
    out = ops.softmax(x, m, s, diff_min)
    y = torch.softmax(dequantize(x, scale, 0), dim=-1)
    assert_within(out, quantize(y, softmax_op.OUTPUT_SCALE, softmax_op.OUTPUT_ZERO_POINT), 2)


def test_data_movement_and_tables_are_exact():
    g = torch.Generator().manual_seed(0)
    x = int8(g, (2, 3, 4, 5))
    assert torch.equal(ops.transpose(x, [0, 2, 3, 1]), x.permute(0, 2, 3, 1))
    assert torch.equal(ops.pad(x, [0, 1, 0, 2], [0, 0, 3, 1], -5)[:, 1:4, :4, 2:7], x)
    y = int8(g, (1, 3, 1, 5))
    assert torch.equal(ops.minimum(x, y), torch.minimum(x, y))
    table = build_table(torch.sigmoid, 0.05, 3, 1 / 256, -128)
    expected = quantize(torch.sigmoid(dequantize(x, 0.05, 3)), 1 / 256, -128)
    assert torch.equal(ops.lut(x, table).to(torch.int64), expected)


def test_quantize_and_dequantize_round_trip():
    x = torch.linspace(-3, 3, 301)
    q = ops.quantize_per_tensor(x, 0.025, 2)
    back = ops.dequantize_per_tensor(q, 0.025, 2)
    inside = x.abs() < 3.2 - 0.05
    assert (back - x)[inside].abs().max() <= 0.0125 + 1e-6


def _bn(channels: int) -> nn.BatchNorm2d:
    bn = nn.BatchNorm2d(channels)
    g = torch.Generator().manual_seed(channels)
    bn.running_mean.uniform_(-0.5, 0.5, generator=g)
    bn.running_var.uniform_(0.5, 2.0, generator=g)
    bn.weight.data.uniform_(0.5, 1.5, generator=g)
    bn.bias.data.uniform_(-0.2, 0.2, generator=g)
    return bn


class _SqueezeExcite(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.reduce, self.expand = nn.Conv2d(c, 4, 1), nn.Conv2d(4, c, 1)

    def forward(self, x):
        scale = F.hardsigmoid(self.expand(torch.relu(self.reduce(x.mean((2, 3), keepdim=True)))))
        return x * scale


class _Residual(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return torch.relu(x + self.conv(x))


BLOCKS = {
    "conv_bn_relu6": lambda: nn.Sequential(nn.Conv2d(8, 16, 3, padding=1), _bn(16), nn.ReLU6()),
    "depthwise_bn_relu6": lambda: nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8), _bn(8), nn.ReLU6()),
    "depthwise_stride2": lambda: nn.Sequential(nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8), _bn(8), nn.ReLU()),
    "hardswish": lambda: nn.Sequential(nn.Conv2d(8, 8, 1), nn.Hardswish()),
    "squeeze_excite": lambda: nn.Sequential(nn.Conv2d(8, 8, 1), _SqueezeExcite(8)),
    "residual": lambda: nn.Sequential(nn.Conv2d(8, 8, 1), _Residual(8)),
    "pool_linear": lambda: nn.Sequential(nn.Conv2d(8, 8, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 5)),
    "max_pool": lambda: nn.Sequential(nn.Conv2d(8, 8, 1), nn.MaxPool2d(3, 2, 1)),
}


@pytest.mark.parametrize("block", list(BLOCKS))
def test_single_blocks_stay_close_to_float(block):
    torch.manual_seed(0)
    model = BLOCKS[block]().eval()
    g = torch.Generator().manual_seed(1)
    data = [(torch.randn(1, 8, 12, 12, generator=g),) for _ in range(16)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(model, data[0], target="cortex-m55", calibration=data[:12])
    assert program.plan["non_lowered_kernel_calls"] == 0
    with torch.no_grad():
        expected = torch.cat([model(*x).flatten() for x in data[12:]])
        actual = torch.cat([program.run_reference(*x)[0].flatten() for x in data[12:]])
    # Measured 35-40 dB for every block (docs/accuracy.md).
    assert sqnr_db(expected, actual) >= 30.0
