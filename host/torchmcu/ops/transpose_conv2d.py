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


# CMSIS-NN's REVERSE_TCOL_EFFICIENT_THRESHOLD (kernels/nn/cmsis_nn/transpose_conv2d.c).
_REVERSE_CONV_ABOVE_C_IN = 16


def _cmsis_nn_fallback(args, isa):
    """kernels/nn/cmsis_nn/transpose_conv2d.c: shapes outside the exact envelope of the path CMSIS-NN takes."""
    _, in_h, in_w, in_c = args["input"].dims
    _, filter_h, filter_w, _ = args["weight"].dims
    _, out_h, out_w, out_c = args["out"].dims
    stride_h, stride_w = args["stride"][0], args["stride"][1]
    pad_h, pad_w = args["padding"][0], args["padding"][1]
    if stride_h <= 2 and stride_w <= 2 and in_c > _REVERSE_CONV_ABOVE_C_IN:
        return not (pad_h <= filter_h - 1 and pad_w <= filter_w - 1)
    flushed_rows = in_h * stride_h - pad_h
    leftover_rows = max(filter_h - stride_h, 0)
    buffer_columns = (in_w - 1) * stride_w + max(filter_w, stride_w)
    buffer_bytes = buffer_columns * out_c * max(filter_h, stride_h) * 4
    scratch_bytes = args["scratch"].nbytes if args["scratch"] is not None else 0
    # CMSIS-NN releases before the row-flush fix (kernels/nn/cmsis_nn/transpose_conv2d.c) miscompute
    # pad_h % stride_h != 0: the firmware's release decides, so such calls may reach the portable kernel.
    exact = (pad_h % stride_h == 0 and flushed_rows <= out_h <= flushed_rows + leftover_rows and out_w + pad_w <= buffer_columns
             and buffer_bytes <= scratch_bytes)
    return not exact


transpose_conv2d = define_op("transpose_conv2d", ARGUMENTS, _reference, _meta, cmsis_nn_fallback=_cmsis_nn_fallback)
