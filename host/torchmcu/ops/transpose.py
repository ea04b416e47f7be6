"""torchmcu::transpose: permute an int8 tensor of rank <= 4 (arm_transpose_s8)."""

import torch

from torchmcu.ops._library import define_op


def _reference(input, perm):
    return input.permute(perm).contiguous()


def _meta(input, perm):
    return input.new_empty([input.shape[p] for p in perm])


transpose = define_op("transpose", "Tensor input, int[] perm", _reference, _meta)
