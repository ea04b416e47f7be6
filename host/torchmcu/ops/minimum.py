"""torchmcu::minimum: int8 elementwise minimum, shared qparams (arm_minimum_s8)."""

import torch

from torchmcu.ops._library import define_op


def _reference(input1, input2):
    return torch.minimum(input1, input2)


def _meta(input1, input2):
    return input1.new_empty(torch.broadcast_shapes(input1.shape, input2.shape))


def _cmsis_nn_fallback(args, isa):
    """kernels/nn/cmsis_nn/minimum_maximum.c: broadcasting other than against a single element."""
    a, b = args["input1"], args["input2"]
    return not (a.dims == b.dims or a.numel == 1 or b.numel == 1)


minimum = define_op("minimum", "Tensor input1, Tensor input2", _reference, _meta, cmsis_nn_fallback=_cmsis_nn_fallback)
