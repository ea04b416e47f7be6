"""torchmcu::adaptive_pool2d: NHWC int8 average or max over PyTorch's adaptive windows (any output size).

Output row i of an axis of `size` pooled to `out` reads [floor(i*size/out), ceil((i+1)*size/out)), as
torch.nn.AdaptiveAvgPool2d / AdaptiveMaxPool2d do: windows may differ in size and overlap. The average
rounds half away from zero like arm_avgpool_s8, so even windows give what torchmcu::avg_pool2d gives
(the lowering sends those to it). CMSIS-NN has no adaptive pool: both backends share
kernels/nn/common/adaptive_pool2d.c. Input and output share qparams.
"""

import torch

from torchmcu.ops._library import define_op
from torchmcu.ops.avg_pool2d import rounded_average

ARGUMENTS = "Tensor input, int[] output_size, int average"


def window(index: int, size: int, out: int) -> tuple[int, int]:
    """[first, end) of output `index`'s window on an axis of `size` pooled to `out`."""
    return index * size // out, -(-(index + 1) * size // out)


def _reference(input, output_size, average):
    n, h, w, c = input.shape
    out_h, out_w = output_size
    x = input.to(torch.int64)
    out = torch.empty((n, out_h, out_w, c), dtype=torch.int64)
    for oy in range(out_h):
        y0, y1 = window(oy, h, out_h)
        for ox in range(out_w):
            x0, x1 = window(ox, w, out_w)
            region = x[:, y0:y1, x0:x1, :]
            if average:
                total, count = region.sum(dim=(1, 2)), (y1 - y0) * (x1 - x0)
                out[:, oy, ox] = rounded_average(total, count)
            else:
                out[:, oy, ox] = region.amax(dim=(1, 2))
    return out.to(torch.int8)


def _meta(input, output_size, average):
    return input.new_empty((input.shape[0], *output_size, input.shape[3]), dtype=torch.int8)


adaptive_pool2d = define_op("adaptive_pool2d", ARGUMENTS, _reference, _meta)
