"""torchmcu::add: int8 elementwise add with broadcasting (arm_elementwise_add_s8)."""

import torch

from torchmcu import qmath
from torchmcu.ops._library import define_op

ARGUMENTS = (
    "Tensor input1, Tensor input2, int input1_offset, int input1_multiplier, int input1_shift, "
    "int input2_offset, int input2_multiplier, int input2_shift, int left_shift, "
    "int output_offset, int output_multiplier, int output_shift, int activation_min, int activation_max"
)


def _reference(input1, input2, input1_offset, input1_multiplier, input1_shift, input2_offset,
               input2_multiplier, input2_shift, left_shift, output_offset, output_multiplier, output_shift,
               activation_min, activation_max):
    a, b = torch.broadcast_tensors(input1.to(torch.int64), input2.to(torch.int64))
    x1 = qmath.requantize((a + input1_offset) << left_shift, input1_multiplier, input1_shift)
    x2 = qmath.requantize((b + input2_offset) << left_shift, input2_multiplier, input2_shift)
    out = qmath.requantize(qmath.wrap_int32(x1 + x2), output_multiplier, output_shift) + output_offset
    return qmath.clamp_int8(out, activation_min, activation_max)


def _meta(input1, input2, *args):
    return input1.new_empty(torch.broadcast_shapes(input1.shape, input2.shape), dtype=torch.int8)


def _cmsis_nn_fallback(args, isa):
    """kernels/nn/cmsis_nn/add.c: broadcasting, or a left shift CMSIS-NN's DSP path rounds differently."""
    return args["input1"].dims != args["input2"].dims or args["left_shift"] < 16


add = define_op("add", ARGUMENTS, _reference, _meta, cmsis_nn_fallback=_cmsis_nn_fallback)
