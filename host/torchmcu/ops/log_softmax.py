"""torchmcu::log_softmax: int8 log-softmax over the last dim, integers only (CMSIS-NN has none).

Per row, with d_i = max(x) - x_i in [0, 255] input steps:
  S      = sum(exp_table[d_i])            exp_table[d] = round(exp(-d * input_scale) * 2^20), so S >= 2^20
  log2 S = b - 20 + log2(1 + f)  in Q16   b = floor(log2 S); f from S's next 24 bits, log2(1 + f) linearly
                                           interpolated in log2_table[k] = round(log2(1 + k/256) * 2^16)
  out_i  = clamp(requantize(-(d_i * input_steps + log2 S), multiplier, shift) + output_offset)
input_steps = round(input_scale / ln 2 * 2^16) puts d_i in the Q16 log2 units; multiplier/shift carry
ln 2 / 2^16 / output_scale. Both tables come from the host (parameters()), so every backend agrees bit for bit.
"""

import math

import torch

from torchmcu import qmath
from torchmcu.ops._library import define_op

ARGUMENTS = ("Tensor input, Tensor exp_table, Tensor log2_table, int input_steps, int output_offset, "
             "int multiplier, int shift")
EXP_ONE = 1 << 20
MAX_ROW = 2047  # S < 2^31
MAX_INPUT_STEPS = 1 << 22  # 255 * steps + log2 S stays inside int32


def parameters(input_scale: float, output_scale: float) -> tuple[torch.Tensor, torch.Tensor, int, int, int]:
    """(exp_table, log2_table, input_steps, multiplier, shift) for these scales."""
    exp_table = torch.tensor([round(math.exp(-d * input_scale) * EXP_ONE) for d in range(256)], dtype=torch.int32)
    log2_table = torch.tensor([round(math.log2(1 + k / 256) * 65536) for k in range(257)], dtype=torch.int32)
    multiplier, shift = qmath.quantize_multiplier(math.log(2) / 65536 / output_scale)
    return exp_table, log2_table, round(input_scale / math.log(2) * 65536), multiplier, shift


def log2_q16(total: torch.Tensor, log2_table: torch.Tensor) -> torch.Tensor:
    """log2(total / 2^20) in Q16 for int64 totals in [2^20, 2^31)."""
    exponent = torch.floor(torch.log2(total.to(torch.float64))).to(torch.int64)
    # Exact: float log2 of an integer < 2^31 can land one off at powers of two; fix it up.
    exponent = exponent - (torch.ones_like(exponent) << exponent > total).to(torch.int64)
    exponent = exponent + (torch.ones_like(exponent) << (exponent + 1) <= total).to(torch.int64)
    mantissa = total << (30 - exponent)  # in [2^30, 2^31)
    index = (mantissa - (1 << 30)) >> 22
    fraction = (mantissa >> 6) & 0xFFFF
    table = log2_table.to(torch.int64)
    low, high = table[index], table[index + 1]
    return ((exponent - 20) << 16) + low + (((high - low) * fraction) >> 16)


def _reference(input, exp_table, log2_table, input_steps, output_offset, multiplier, shift):
    x = input.to(torch.int64)
    d = x.max(dim=-1, keepdim=True).values - x
    total = exp_table.to(torch.int64)[d].sum(dim=-1, keepdim=True)
    acc = -(d * input_steps + log2_q16(total, log2_table))
    return qmath.clamp_int8(qmath.requantize(acc, multiplier, shift) + output_offset)


def _meta(input, exp_table, log2_table, input_steps, output_offset, multiplier, shift):
    return torch.empty_like(input, dtype=torch.int8)


log_softmax = define_op("log_softmax", ARGUMENTS, _reference, _meta)
