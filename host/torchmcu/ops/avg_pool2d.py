"""torchmcu::avg_pool2d: NHWC int8 average over in-bounds elements (arm_avgpool_s8)."""

import torch
import torch.nn.functional as F

from torchmcu.ops._common import conv_output_hw, exact_float64, nchw_to_nhwc, nhwc_to_nchw, pad_nchw, to_int64_exact
from torchmcu.ops._library import define_op

ARGUMENTS = (
    "Tensor input, int[] kernel_size, int[] stride, int[] padding, int activation_min, int activation_max, "
    "Tensor? scratch=None"
)


def rounded_average(total: torch.Tensor, count) -> torch.Tensor:
    """arm_avgpool_s8's average of int64 sums over `count` (a tensor or an int): rounded half away from zero."""
    half = count // 2
    return torch.div(torch.where(total > 0, total + half, total - half), count, rounding_mode="trunc")


def _reference(input, kernel_size, stride, padding, activation_min, activation_max, scratch=None):
    x = nhwc_to_nchw(exact_float64(input))
    # Padded positions are zeros in the sum and are not counted.
    total = to_int64_exact(F.avg_pool2d(pad_nchw(x, padding), kernel_size, stride, divisor_override=1))
    ones = pad_nchw(torch.ones_like(x[:, :1]), padding)
    count = to_int64_exact(F.avg_pool2d(ones, kernel_size, stride, divisor_override=1))
    average = rounded_average(total, count)
    return nchw_to_nhwc(torch.clamp(average, activation_min, activation_max).to(torch.int8))


def _meta(input, kernel_size, stride, padding, activation_min, activation_max, scratch=None):
    n, h, w, c = input.shape
    out_h, out_w = conv_output_hw(h, w, kernel_size[0], kernel_size[1], stride, padding)
    return input.new_empty((n, out_h, out_w, c), dtype=torch.int8)


avg_pool2d = define_op("avg_pool2d", ARGUMENTS, _reference, _meta)
