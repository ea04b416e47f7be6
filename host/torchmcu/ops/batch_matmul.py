"""torchmcu::batch_matmul: int8 activation x activation matmul (arm_batch_matmul_s8).

`rhs` is already transposed: each of its rows is one output column.
"""

import torch

from torchmcu import qmath
from torchmcu.ops._common import exact_float64, to_int64_exact
from torchmcu.ops._library import define_op

ARGUMENTS = (
    "Tensor lhs, Tensor rhs, int lhs_offset, int rhs_offset, int output_offset, int multiplier, int shift, "
    "int activation_min, int activation_max, Tensor? scratch=None"
)


def _reference(lhs, rhs, lhs_offset, rhs_offset, output_offset, multiplier, shift, activation_min,
               activation_max, scratch=None):
    acc = to_int64_exact(exact_float64(lhs, lhs_offset) @ exact_float64(rhs, rhs_offset).transpose(-1, -2))
    out = qmath.requantize(acc, multiplier, shift) + output_offset
    return qmath.clamp_int8(out, activation_min, activation_max)


def _meta(lhs, rhs, lhs_offset, rhs_offset, output_offset, multiplier, shift, activation_min,
          activation_max, scratch=None):
    batch = torch.broadcast_shapes(lhs.shape[:-2], rhs.shape[:-2])
    return lhs.new_empty((*batch, lhs.shape[-2], rhs.shape[-2]), dtype=torch.int8)


batch_matmul = define_op("batch_matmul", ARGUMENTS, _reference, _meta)
