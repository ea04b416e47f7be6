"""torchmcu::conv2d: NHWC int8 convolution (arm_convolve_wrapper_s8), grouped allowed."""

import torch
import torch.nn.functional as F

from torchmcu.ops._common import (
    conv_output_hw,
    exact_float64,
    nchw_to_nhwc,
    nhwc_to_nchw,
    pad_nchw,
    requantize_to_int8,
    to_int64_exact,
)
from torchmcu.ops._library import define_op

ARGUMENTS = (
    "Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] dilation, int groups, "
    "int input_offset, int output_offset, Tensor multiplier, Tensor shift, "
    "int activation_min, int activation_max, Tensor? scratch=None"
)


def _reference(input, weight, bias, stride, padding, dilation, groups, input_offset, output_offset,
               multiplier, shift, activation_min, activation_max, scratch=None):
    # Padded positions add nothing: pad with zeros after adding the offset.
    x = pad_nchw(nhwc_to_nchw(exact_float64(input, input_offset)), padding)
    w = nhwc_to_nchw(exact_float64(weight))  # OHWI -> OIHW
    acc = to_int64_exact(F.conv2d(x, w, None, stride, 0, dilation, groups))
    acc = nchw_to_nhwc(acc)
    if bias is not None:
        acc = acc + bias.to(torch.int64)
    return requantize_to_int8(acc, multiplier, shift, output_offset, activation_min, activation_max)


def _meta(input, weight, bias, stride, padding, dilation, groups, input_offset, output_offset,
          multiplier, shift, activation_min, activation_max, scratch=None):
    n, h, w, _ = input.shape
    c_out, kh, kw, _ = weight.shape
    out_h, out_w = conv_output_hw(h, w, kh, kw, stride, padding, dilation)
    return input.new_empty((n, out_h, out_w, c_out), dtype=torch.int8)


def _cmsis_nn_fallback(args, isa):
    """kernels/nn/cmsis_nn/conv2d.c: a grouped convolution without bias."""
    return args["bias"] is None and args["weight"].dims[3] != args["input"].dims[3]


conv2d = define_op("conv2d", ARGUMENTS, _reference, _meta, cmsis_nn_fallback=_cmsis_nn_fallback)
