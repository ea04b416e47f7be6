"""torchmcu::pad: constant padding of an int8 tensor of rank <= 4 (arm_pad_s8)."""

import torch
import torch.nn.functional as F

from torchmcu.ops._library import define_op

ARGUMENTS = "Tensor input, int[] pre_pad, int[] post_pad, int pad_value"


def _reference(input, pre_pad, post_pad, pad_value):
    # F.pad takes (last_pre, last_post, second_last_pre, ...).
    spec = []
    for before, after in zip(reversed(pre_pad), reversed(post_pad)):
        spec += [before, after]
    return F.pad(input.to(torch.int32), spec, value=pad_value).to(torch.int8)


def _meta(input, pre_pad, post_pad, pad_value):
    shape = [size + before + after for size, before, after in zip(input.shape, pre_pad, post_pad)]
    return input.new_empty(shape, dtype=torch.int8)


pad = define_op("pad", ARGUMENTS, _reference, _meta)
