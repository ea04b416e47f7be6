"""torchmcu::maximum: int8 elementwise maximum, shared qparams (arm_maximum_s8)."""

import torch

from torchmcu.ops._library import define_op
# kernels/nn/cmsis_nn/minimum_maximum.c: one wrapper condition for both.
from torchmcu.ops.minimum import _cmsis_nn_fallback


def _reference(input1, input2):
    return torch.maximum(input1, input2)


def _meta(input1, input2):
    return input1.new_empty(torch.broadcast_shapes(input1.shape, input2.shape))


maximum = define_op("maximum", "Tensor input1, Tensor input2", _reference, _meta,
                    cmsis_nn_fallback=_cmsis_nn_fallback)
