"""torchmcu::transpose_conv2d: NHWC int8 transposed convolution (arm_transpose_conv_wrapper_s8)."""

import torch
import torch.nn.functional as F

from torchmcu.ops._common import exact_float64, nchw_to_nhwc, nhwc_to_nchw, requantize_to_int8, to_int64_exact
from torchmcu.ops._library import define_op

ARGUMENTS = (
    "Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] output_padding, "
    "int input_offset, int output_offset, Tensor multiplier, Tensor shift, "
    "int activation_min, int activation_max, Tensor? scratch=None, Tensor? reverse_scratch=None"
)


def output_size(size: int, kernel: int, stride: int, padding: int, output_padding: int) -> int:
    """PyTorch's size; CMSIS-NN's TFLite SAME crops one more at the end (output_padding -1)."""
    return (size - 1) * stride - 2 * padding + kernel + output_padding


def _reference(input, weight, bias, stride, padding, output_padding, input_offset, output_offset,
               multiplier, shift, activation_min, activation_max, scratch=None, reverse_scratch=None):
    x = nhwc_to_nchw(exact_float64(input, input_offset))
    # [C_out, kh, kw, C_in] -> PyTorch's [C_in, C_out, kh, kw].
    w = exact_float64(weight).permute(3, 0, 1, 2)
    full = to_int64_exact(F.conv_transpose2d(x, w, None, stride))
    # Crop `padding` from the top/left of the full scatter map; rows/columns
    # past its end (positive output_padding) read 0, a negative one crops more.
    out_h = output_size(input.shape[1], weight.shape[1], stride[0], padding[0], output_padding[0])
    out_w = output_size(input.shape[2], weight.shape[2], stride[1], padding[1], output_padding[1])
    full = F.pad(full, (0, max(0, padding[1] + out_w - full.shape[3]), 0, max(0, padding[0] + out_h - full.shape[2])))
    acc = nchw_to_nhwc(full[:, :, padding[0]:padding[0] + out_h, padding[1]:padding[1] + out_w])
    if bias is not None:
        acc = acc + bias.to(torch.int64)
    return requantize_to_int8(acc, multiplier, shift, output_offset, activation_min, activation_max)


def _meta(input, weight, bias, stride, padding, output_padding, input_offset, output_offset,
          multiplier, shift, activation_min, activation_max, scratch=None, reverse_scratch=None):
    n, h, w, _ = input.shape
    c_out, kh, kw, _ = weight.shape
    out_h = output_size(h, kh, stride[0], padding[0], output_padding[0])
    out_w = output_size(w, kw, stride[1], padding[1], output_padding[1])
    return input.new_empty((n, out_h, out_w, c_out), dtype=torch.int8)


transpose_conv2d = define_op("transpose_conv2d", ARGUMENTS, _reference, _meta)
