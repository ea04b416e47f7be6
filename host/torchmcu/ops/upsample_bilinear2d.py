"""torchmcu::upsample_bilinear2d: NHWC int8 bilinear resize in fixed point (shared qparams).

The specification (kernels/nn/common/upsample_bilinear2d.c computes the same integers):
on each axis of `size` resized to `out`, output index i reads from the source position
  align_corners:  i * (size - 1) / (out - 1)            (0 when out is 1)
  otherwise:      max(0, (i + 0.5) * size / out - 0.5)  (PyTorch's half-pixel centres)
rounded half up to Q10 (FRACTION_BITS). Its integer part i0 and i1 = min(i0 + 1, size - 1) are the two
source rows (columns), its fraction f the weight of i1, 1024 - f that of i0. The four products of the
weights sum to 2^20, so the raw int8 values mix without their zero point: with u = x + 128 in 0..255,
  out = ((sum of u * wy * wx) + 2^19) >> 20) - 128
(non-negative throughout: no signed shift). PyTorch computes the same positions in float, so the only
difference is the Q10 rounding of positions whose fraction is not a multiple of 1/1024 (at most 1/2048
of the step between two inputs). CMSIS-NN has no resize: both backends share the kernel.
"""

import torch

from torchmcu.ops._library import define_op

ARGUMENTS = "Tensor input, int[] output_size, int align_corners"
FRACTION_BITS = 10
ONE = 1 << FRACTION_BITS


def source_positions(size: int, out: int, align_corners: int) -> torch.Tensor:
    """Q10 source position of every output index on one axis (int64)."""
    i = torch.arange(out, dtype=torch.int64)
    if align_corners:
        if out == 1:
            return torch.zeros(1, dtype=torch.int64)
        return (2 * i * (size - 1) * ONE + (out - 1)) // (2 * (out - 1))
    numerator = (2 * i + 1) * size * ONE - out * ONE
    return torch.where(numerator > 0, (numerator + out) // (2 * out), 0)


def _axis(size: int, out: int, align_corners: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    position = source_positions(size, out, align_corners)
    first = position >> FRACTION_BITS
    return first, torch.clamp(first + 1, max=size - 1), position & (ONE - 1)


def _reference(input, output_size, align_corners):
    _, h, w, _ = input.shape
    y0, y1, fy = _axis(h, output_size[0], align_corners)
    x0, x1, fx = _axis(w, output_size[1], align_corners)
    u = input.to(torch.int64) + 128
    wy0, wy1 = (ONE - fy)[None, :, None, None], fy[None, :, None, None]
    wx0, wx1 = (ONE - fx)[None, None, :, None], fx[None, None, :, None]
    top, bottom = u[:, y0], u[:, y1]
    total = (top[:, :, x0] * wx0 + top[:, :, x1] * wx1) * wy0 + (bottom[:, :, x0] * wx0 + bottom[:, :, x1] * wx1) * wy1
    return (((total + (1 << (2 * FRACTION_BITS - 1))) >> (2 * FRACTION_BITS)) - 128).to(torch.int8)


def _meta(input, output_size, align_corners):
    return input.new_empty((input.shape[0], *output_size, input.shape[3]), dtype=torch.int8)


upsample_bilinear2d = define_op("upsample_bilinear2d", ARGUMENTS, _reference, _meta)
