"""Helpers shared by the op references: shapes and the int8 output step."""

from __future__ import annotations

import torch

from torchmcu import qmath


def spatial_padding(padding: list[int]) -> tuple[int, int, int, int]:
    """[top, left, bottom, right] from the op's 2-value (symmetric) or 4-value form.

    CMSIS-NN takes top/left; bottom/right only decide the output size.
    """
    if len(padding) == 2:
        return padding[0], padding[1], padding[0], padding[1]
    if len(padding) == 4:
        return tuple(padding)  # type: ignore[return-value]
    raise ValueError(f"padding must have 2 or 4 values [top, left(, bottom, right)], got {list(padding)}")


def conv_output_size(size: int, kernel: int, stride: int, before: int, after: int, dilation: int = 1) -> int:
    return (size + before + after - dilation * (kernel - 1) - 1) // stride + 1


def conv_output_hw(h: int, w: int, kh: int, kw: int, stride, padding, dilation=(1, 1)) -> tuple[int, int]:
    top, left, bottom, right = spatial_padding(padding)
    return (
        conv_output_size(h, kh, stride[0], top, bottom, dilation[0]),
        conv_output_size(w, kw, stride[1], left, right, dilation[1]),
    )


def pad_nchw(x: torch.Tensor, padding, value: float = 0.0) -> torch.Tensor:
    top, left, bottom, right = spatial_padding(padding)
    return torch.nn.functional.pad(x, (left, right, top, bottom), value=value)


def requantize_to_int8(
    acc: torch.Tensor, multiplier: torch.Tensor, shift: torch.Tensor, output_offset: int, act_min: int, act_max: int
) -> torch.Tensor:
    """`clamp(requant(acc, m, s) + output_offset)`; m/s broadcast on the last axis."""
    out = qmath.requantize(acc, multiplier.to(torch.int64), shift.to(torch.int64)) + output_offset
    return qmath.clamp_int8(out, act_min, act_max)


def nhwc_to_nchw(x: torch.Tensor) -> torch.Tensor:
    return x.permute(0, 3, 1, 2)


def nchw_to_nhwc(x: torch.Tensor) -> torch.Tensor:
    return x.permute(0, 2, 3, 1).contiguous()


def exact_float64(x: torch.Tensor, offset: int = 0) -> torch.Tensor:
    """int8 + offset as float64: integer sums of int8 products stay exact (< 2^53)."""
    return (x.to(torch.int64) + offset).to(torch.float64)


def to_int64_exact(x: torch.Tensor) -> torch.Tensor:
    return torch.round(x).to(torch.int64)


def broadcast_shape(a: torch.Size, b: torch.Size) -> list[int]:
    return list(torch.broadcast_shapes(a, b))
