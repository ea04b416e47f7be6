"""torchmcu::slice: strided copy of an int8 tensor of rank <= 4.

out[i] = input[start + i * step] on every dim, out sized by `size`: slicing
with steps, select (then a view drops the dim), and each part of
split / chunk / unbind. CMSIS-NN has no such kernel; both backends share one.
"""

import builtins

import torch

from torchmcu.ops._library import define_op


def _reference(input, start, step, size):
    index = tuple(builtins.slice(b, b + (n - 1) * s + 1, s) for b, s, n in zip(start, step, size))
    return input[index].contiguous().clone()


def _meta(input, start, step, size):
    return input.new_empty(list(size), dtype=torch.int8)


slice = define_op("slice", "Tensor input, int[] start, int[] step, int[] size", _reference, _meta)
