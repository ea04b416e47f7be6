"""torchmcu::transpose: permute an int8 tensor of rank <= 4 (arm_transpose_s8)."""

import torch

from torchmcu.ops._library import define_op


def _reference(input, perm):
    return input.permute(perm).contiguous()


def _meta(input, perm):
    return input.new_empty([input.shape[p] for p in perm])


def _cmsis_nn_fallback(args, isa):
    """kernels/nn/cmsis_nn/transpose.c: the 4-D identity, or a dimension past 65535."""
    perm = list(args["perm"])
    rank = len(perm)
    full = list(range(4 - rank)) + [4 - rank + p for p in perm]
    return full == [0, 1, 2, 3] or any(d > 65535 for d in args["input"].dims)


transpose = define_op("transpose", "Tensor input, int[] perm", _reference, _meta, cmsis_nn_fallback=_cmsis_nn_fallback)
