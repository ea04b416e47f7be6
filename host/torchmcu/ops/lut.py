"""torchmcu::lut: int8 -> int8 through a 256-entry table built on the host.

Any elementwise activation (sigmoid, tanh, hardswish, hardsigmoid, gelu,
silu, ...) between int8 tensors becomes one table lookup.
"""

from typing import Callable

import torch

from torchmcu.ops._library import define_op


def build_table(
    fn: Callable[[torch.Tensor], torch.Tensor], in_scale: float, in_zero_point: int, out_scale: float,
    out_zero_point: int,
) -> torch.Tensor:
    """table[q + 128] = quantize(fn(dequantize(q))) for every int8 q."""
    q = torch.arange(-128, 128, dtype=torch.float64)
    y = fn((q - in_zero_point) * in_scale)
    return torch.clamp(torch.round(y / out_scale) + out_zero_point, -128, 127).to(torch.int8)


def _reference(input, table):
    return table[input.to(torch.int64) + 128]


def _meta(input, table):
    return torch.empty_like(input, dtype=torch.int8)


lut = define_op("lut", "Tensor input, Tensor table", _reference, _meta)
