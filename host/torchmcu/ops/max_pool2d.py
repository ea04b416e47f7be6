"""torchmcu::max_pool2d: NHWC int8 max over in-bounds elements (arm_max_pool_s8)."""

import torch
import torch.nn.functional as F

from torchmcu.ops._common import conv_output_hw, nchw_to_nhwc, nhwc_to_nchw, pad_nchw
from torchmcu.ops._library import define_op

ARGUMENTS = "Tensor input, int[] kernel_size, int[] stride, int[] padding, int activation_min, int activation_max"


def _reference(input, kernel_size, stride, padding, activation_min, activation_max):
    x = nhwc_to_nchw(input.to(torch.float32))  # int8 values are exact in float32
    # Padded positions never win: pad with -inf.
    pooled = F.max_pool2d(pad_nchw(x, padding, float("-inf")), kernel_size, stride)
    return nchw_to_nhwc(torch.clamp(pooled, activation_min, activation_max).to(torch.int8))


def _meta(input, kernel_size, stride, padding, activation_min, activation_max):
    n, h, w, c = input.shape
    out_h, out_w = conv_output_hw(h, w, kernel_size[0], kernel_size[1], stride, padding)
    return input.new_empty((n, out_h, out_w, c), dtype=torch.int8)


max_pool2d = define_op("max_pool2d", ARGUMENTS, _reference, _meta)
