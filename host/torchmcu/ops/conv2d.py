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


def _takes_helium_1xn_path(args) -> bool:
    """arm_convolve_wrapper_s8's choice of arm_convolve_1_x_n_s8 (one input row, not its 1x1 path)."""
    _, in_h, _, in_c = args["input"].dims
    _, kernel_h, kernel_w, filter_c = args["weight"].dims
    pad_h, pad_w = args["padding"][0], args["padding"][1]
    dilation_h, dilation_w = args["dilation"][0], args["dilation"][1]
    one_by_one = (pad_h == 0 and pad_w == 0 and kernel_h == 1 and kernel_w == 1 and dilation_h == 1
                  and dilation_w == 1 and in_c == filter_c)
    return (not one_by_one and in_h == 1 and dilation_w == 1 and kernel_h == 1
            and (args["stride"][1] * in_c) % 4 == 0 and in_c == filter_c)


def _helium_1xn_exact(args) -> bool:
    """kernels/nn/cmsis_nn/conv2d.c helium_1xn_exact: the padding arm_convolve_1_x_n_s8 computes right."""
    _, _, in_w, _ = args["input"].dims
    _, _, kernel_w, _ = args["weight"].dims
    _, out_h, out_w, _ = args["out"].dims
    stride, pad, pad_h = args["stride"][1], args["padding"][1], args["padding"][0]
    total = (out_w - 1) * stride + kernel_w - in_w
    if pad_h != 0 or out_h != 1 or total < 0 or 2 * pad + total % 2 != total:
        return False
    right = total - pad
    left_rows = -(-pad // stride) if pad > 0 else 0
    right_rows = -(-right // stride) if right > 0 else 0
    if left_rows + right_rows > out_w or (pad > 0 and kernel_w > in_w):
        return False
    return right == 0 or ((right - 1) % stride == 0 and (total % 2 == 0 or stride == 1 or pad == 0))


def _cmsis_nn_fallback(args, isa):
    """kernels/nn/cmsis_nn/conv2d.c cmsis_nn_exact, negated.

    A grouped convolution falls back without bias, or when its plan is below
    arm_convolve_s8's need, which depends on the firmware's CMSIS-NN release:
    every grouped call may reach the portable kernel. On Helium, one-row
    convolutions whose padding arm_convolve_1_x_n_s8 cannot compute do too.
    """
    if args["weight"].dims[3] != args["input"].dims[3]:
        return True
    return isa == "mve" and _takes_helium_1xn_path(args) and not _helium_1xn_exact(args)


conv2d = define_op("conv2d", ARGUMENTS, _reference, _meta, cmsis_nn_fallback=_cmsis_nn_fallback)
