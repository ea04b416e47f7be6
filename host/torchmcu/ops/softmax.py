"""torchmcu::softmax: int8 softmax over the last dim (arm_softmax_s8).

Output scale is 1/256 and zero point -128, as CMSIS-NN fixes them.
"""

import math

import torch

from torchmcu import qmath
from torchmcu.ops._library import define_op

ARGUMENTS = "Tensor input, int multiplier, int shift, int diff_min"
OUTPUT_SCALE = 1.0 / 256.0
OUTPUT_ZERO_POINT = -128
_ACCUM_BITS = 12
_SCALED_DIFF_INTEGER_BITS = 5


def parameters(input_scale: float, beta: float = 1.0) -> tuple[int, int, int]:
    """(multiplier, shift, diff_min) the TFLite way, for CMSIS-NN's fixed-point exp."""
    real = min(beta * input_scale * (1 << (31 - _SCALED_DIFF_INTEGER_BITS)), float(2**31 - 1))
    multiplier, shift = qmath.quantize_multiplier(real)
    diff_min = -math.floor(31 * 2.0 ** (26 - shift))
    return multiplier, shift, int(diff_min)


def _reference(input, multiplier, shift, diff_min):
    x = input.to(torch.int64)
    rows = x.reshape(-1, x.shape[-1])
    diff = rows - rows.max(dim=1, keepdim=True).values
    valid = diff >= diff_min
    exp = qmath.exp_on_negative_values(
        qmath.doubling_high_mult(qmath.wrap_int32(diff * (1 << shift)), multiplier)
    )
    terms = torch.where(valid, qmath.divide_by_power_of_two(exp, _ACCUM_BITS), torch.zeros_like(exp))
    total = qmath.wrap_int32(terms.sum(dim=1, keepdim=True))
    headroom = qmath.count_leading_zeros32(total)
    shifted = qmath.wrap_int32(torch.where(total > 0, qmath.wrap_int32(total << headroom), 0) - (1 << 31))
    shifted_scale = qmath.one_over_one_plus_x_for_x_in_0_1(shifted)
    bits_over_unit = _ACCUM_BITS - headroom + 23
    res = qmath.divide_by_power_of_two(qmath.doubling_high_mult(shifted_scale, exp), bits_over_unit) - 128
    out = torch.where(valid, torch.clamp(res, -128, 127), torch.full_like(res, -128))
    return out.to(torch.int8).reshape(input.shape)


def _meta(input, multiplier, shift, diff_min):
    return torch.empty_like(input, dtype=torch.int8)


softmax = define_op("softmax", ARGUMENTS, _reference, _meta)
