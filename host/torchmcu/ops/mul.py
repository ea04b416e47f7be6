"""torchmcu::mul: int8 elementwise multiply with broadcasting (arm_elementwise_mul_s8)."""

import torch

from torchmcu import qmath
from torchmcu.ops._library import define_op

ARGUMENTS = (
    "Tensor input1, Tensor input2, int input1_offset, int input2_offset, int output_offset, "
    "int output_multiplier, int output_shift, int activation_min, int activation_max"
)


def _reference(input1, input2, input1_offset, input2_offset, output_offset, output_multiplier, output_shift,
               activation_min, activation_max):
    a, b = torch.broadcast_tensors(input1.to(torch.int64), input2.to(torch.int64))
    product = (a + input1_offset) * (b + input2_offset)
    out = qmath.requantize(product, output_multiplier, output_shift) + output_offset
    return qmath.clamp_int8(out, activation_min, activation_max)


def _meta(input1, input2, *args):
    return input1.new_empty(torch.broadcast_shapes(input1.shape, input2.shape), dtype=torch.int8)


def _cmsis_nn_fallback(args, isa):
    """kernels/nn/cmsis_nn/mul.c: broadcasting."""
    return args["input1"].dims != args["input2"].dims


mul = define_op("mul", ARGUMENTS, _reference, _meta, cmsis_nn_fallback=_cmsis_nn_fallback)
