"""torchmcu::depthwise_conv2d: NHWC int8 depthwise convolution (arm_depthwise_conv_wrapper_s8)."""

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
    "Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] dilation, "
    "int depth_multiplier, int input_offset, int output_offset, Tensor multiplier, Tensor shift, "
    "int activation_min, int activation_max, Tensor? scratch=None"
)


def _reference(input, weight, bias, stride, padding, dilation, depth_multiplier, input_offset, output_offset,
               multiplier, shift, activation_min, activation_max, scratch=None):
    c_in = input.shape[3]
    # Padded positions add nothing: pad with zeros after adding the offset.
    x = pad_nchw(nhwc_to_nchw(exact_float64(input, input_offset)), padding)
    # [1, kh, kw, C_out] -> [C_out, 1, kh, kw]: output channel o reads input channel o // multiplier.
    w = exact_float64(weight)[0].permute(2, 0, 1).unsqueeze(1)
    acc = to_int64_exact(F.conv2d(x, w, None, stride, 0, dilation, groups=c_in))
    acc = nchw_to_nhwc(acc)
    if bias is not None:
        acc = acc + bias.to(torch.int64)
    return requantize_to_int8(acc, multiplier, shift, output_offset, activation_min, activation_max)


def _meta(input, weight, bias, stride, padding, dilation, depth_multiplier, input_offset, output_offset,
          multiplier, shift, activation_min, activation_max, scratch=None):
    n, h, w, _ = input.shape
    _, kh, kw, c_out = weight.shape
    out_h, out_w = conv_output_hw(h, w, kh, kw, stride, padding, dilation)
    return input.new_empty((n, out_h, out_w, c_out), dtype=torch.int8)


def _cmsis_nn_fallback(args, isa):
    """kernels/nn/cmsis_nn/depthwise_conv2d.c: top or left padding as large as the kernel."""
    top, left = args["padding"][0], args["padding"][1]
    _, kernel_h, kernel_w, _ = args["weight"].dims
    return top >= kernel_h or left >= kernel_w


depthwise_conv2d = define_op("depthwise_conv2d", ARGUMENTS, _reference, _meta, cmsis_nn_fallback=_cmsis_nn_fallback)
