"""torchmcu::layer_norm: int8 LayerNorm (centered=1) or RMSNorm (centered=0) over the last axis.

Per row of n int8 values x (integers only, so every backend agrees bit for bit):
  c_i = n*x_i - sum(x)   (LayerNorm; the zero point cancels)   or   x_i + input_offset   (RMSNorm)
  T   = sum(c_i^2) + epsilon                (int64; epsilon is eps in the same units, >= 1)
  y_i = c_i / sqrt(T) * 2^30                (z below; |y_i| <= 2^30; the float value is sqrt(n) * y_i / 2^30)
  out = clamp(requantize(z_i, multiplier[i], shift[i]) + bias[i] + output_offset)
multiplier/shift carry sqrt(n) * gamma / output_scale / 2^30 per channel, bias round(beta / output_scale).
sqrt(T) is an exact integer square root of T shifted by an even amount so the root has 31 bits.
CMSIS-NN has no normalisation: both backends run one kernel (kernels/nn/common).
"""

import math

import torch

from torchmcu import qmath
from torchmcu.ops._library import define_op

ARGUMENTS = ("Tensor input, Tensor multiplier, Tensor shift, Tensor bias, int input_offset, int output_offset, "
             "int epsilon, int centered")
MAX_ROW = 4096  # |c_i| <= 255 * 4096 < 2^20, sum(c_i^2) < 2^52
MAX_EPSILON = 1 << 61


def epsilon_term(eps: float, n: int, input_scale: float, centered: bool) -> int:
    """eps in the units of T: LayerNorm's c is n*(x - mean) in input steps, RMSNorm's x - zero point."""
    units = n**3 if centered else n
    return max(1, round(eps * units / input_scale**2))


def _root_and_shift(total: int) -> tuple[int, int]:
    """(r, half): sqrt(total) = r / 2^half with r = isqrt(total << 2*half) in [2^30, 2^31)."""
    shift = 62 - total.bit_length()
    shift -= shift % 2
    return math.isqrt(total << shift), shift // 2


def normalized(c: torch.Tensor, epsilon: int) -> torch.Tensor:
    """z_i = c_i / sqrt(sum(c^2) + epsilon) * 2^30 per row, rounded as the kernel rounds."""
    rows = []
    for row in c.reshape(-1, c.shape[-1]):
        root, half = _root_and_shift(int((row * row).sum()) + epsilon)
        inverse = (1 << 61) // root
        down = 31 - half
        rows.append((row * inverse + (1 << (down - 1))) >> down)
    return torch.stack(rows).reshape(c.shape)


def _reference(input, multiplier, shift, bias, input_offset, output_offset, epsilon, centered):
    x = input.to(torch.int64)
    n = x.shape[-1]
    c = n * x - x.sum(dim=-1, keepdim=True) if centered else x + input_offset
    z = normalized(c, epsilon)
    out = qmath.requantize(z, multiplier.to(torch.int64), shift.to(torch.int64)) + bias.to(torch.int64)
    return qmath.clamp_int8(out + output_offset)


def _meta(input, multiplier, shift, bias, input_offset, output_offset, epsilon, centered):
    return torch.empty_like(input, dtype=torch.int8)


layer_norm = define_op("layer_norm", ARGUMENTS, _reference, _meta)
