"""torchmcu::minimum: int8 elementwise minimum, shared qparams (arm_minimum_s8)."""

import torch

from torchmcu.ops._library import define_op


def _reference(input1, input2):
    return torch.minimum(input1, input2)


def _meta(input1, input2):
    return input1.new_empty(torch.broadcast_shapes(input1.shape, input2.shape))


minimum = define_op("minimum", "Tensor input1, Tensor input2", _reference, _meta)
