"""torchmcu::linear: int8 fully connected (arm_fully_connected_s8 / _per_channel_s8).

Per-channel requantization may be stored compact: Q15 (int16) multipliers
and one shift for every output feature. The kernel adapter expands them into
`scratch` as the int32 arrays CMSIS-NN reads (`requantization_scratch_bytes`).
"""

import torch

from torchmcu.ops._common import exact_float64, requantize_to_int8, to_int64_exact
from torchmcu.ops._library import define_op

ARGUMENTS = (
    "Tensor input, Tensor weight, Tensor? bias, Tensor? kernel_sum, int input_offset, int output_offset, "
    "Tensor multiplier, Tensor shift, int activation_min, int activation_max, Tensor? scratch=None"
)


def kernel_sum(weight: torch.Tensor, bias: torch.Tensor | None, input_offset: int) -> torch.Tensor | None:
    """`arm_vector_sum_s8`: bias[o] + input_offset * sum_i weight[o, i] (MVE's ctx.buf); None if not int32."""
    sums = weight.to(torch.int64).sum(dim=1) * input_offset
    if bias is not None:
        sums = sums + bias.to(torch.int64)
    if torch.any(sums.abs() > 2**31 - 1):
        return None
    return sums.to(torch.int32)


def _reference(input, weight, bias, kernel_sum, input_offset, output_offset, multiplier, shift,
               activation_min, activation_max, scratch=None):
    if kernel_sum is not None:
        # The kernel sums hold bias + input_offset * row sums: the constant part of every output.
        return requantize_to_int8(to_int64_exact(exact_float64(input) @ exact_float64(weight).T)
                                  + kernel_sum.to(torch.int64), multiplier, shift, output_offset,
                                  activation_min, activation_max)
    acc = to_int64_exact(exact_float64(input, input_offset) @ exact_float64(weight).T)
    if bias is not None:
        acc = acc + bias.to(torch.int64)
    return requantize_to_int8(acc, multiplier, shift, output_offset, activation_min, activation_max)


def _meta(input, weight, bias, kernel_sum, input_offset, output_offset, multiplier, shift,
          activation_min, activation_max, scratch=None):
    return input.new_empty((*input.shape[:-1], weight.shape[0]), dtype=torch.int8)


def _cmsis_nn_fallback(args, isa):
    """kernels/nn/cmsis_nn/linear.c: MVE without precomputed kernel sums."""
    return isa == "mve" and args["kernel_sum"] is None


linear = define_op("linear", ARGUMENTS, _reference, _meta, cmsis_nn_fallback=_cmsis_nn_fallback)
