"""torchmcu::prelu: int8 PReLU with one slope per channel (channels on the last axis).

With v = x + input_offset (x - zero point), the output is requantize(v, positive_multiplier,
positive_shift) for v >= 0 and requantize(v, negative_multiplier[c], negative_shift[c]) otherwise,
plus output_offset, clamped to int8. The slope is folded into the negative branch's multiplier
(s_in * slope[c] / s_out; negative for a negative slope), so no slope is quantized on its own.
A shared slope stays a table (torchmcu::lut). CMSIS-NN has no PReLU: both backends share
kernels/nn/common/prelu.c.
"""

import torch

from torchmcu import qmath
from torchmcu.ops._library import define_op

ARGUMENTS = (
    "Tensor input, Tensor negative_multiplier, Tensor negative_shift, int input_offset, int output_offset, "
    "int positive_multiplier, int positive_shift"
)


def _reference(input, negative_multiplier, negative_shift, input_offset, output_offset, positive_multiplier,
               positive_shift):
    v = input.to(torch.int64) + input_offset
    positive = qmath.requantize(v, positive_multiplier, positive_shift)
    negative = qmath.requantize(v, negative_multiplier.to(torch.int64), negative_shift.to(torch.int64))
    return qmath.clamp_int8(torch.where(v >= 0, positive, negative) + output_offset)


def _meta(input, *args):
    return torch.empty_like(input, dtype=torch.int8)


prelu = define_op("prelu", ARGUMENTS, _reference, _meta)
