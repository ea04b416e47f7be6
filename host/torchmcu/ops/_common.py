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
    """`clamp(requant(acc, m, s) + output_offset)`; m/s broadcast on the last axis (Q15 m: q31_multipliers)."""
    out = qmath.requantize(acc, q31_multipliers(multiplier), shift.to(torch.int64)) + output_offset
    return qmath.clamp_int8(out, act_min, act_max)


def q31_multipliers(multiplier: torch.Tensor) -> torch.Tensor:
    """The Q31 multipliers a kernel calls CMSIS-NN with: int32 as stored, int16 (Q15) shifted up."""
    if multiplier.dtype == torch.int16:
        return multiplier.to(torch.int64) << qmath.Q15_TO_Q31
    return multiplier.to(torch.int64)


def requantization_tensors(reals: list[float], compact: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Multiplier and shift tensors for real scales: Q31 int32, one shift per channel or one for all.

    compact, for an op whose adapter expands requantization into scratch
    (`requantization_scratch_bytes`): more than one channel store Q15 int16
    multipliers (half the bytes), and a shift every channel shares once.
    """
    if compact and len(reals) > 1:
        multipliers, shifts = qmath.quantize_multipliers_q15(reals)
        shifts = shifts[:1] if len(set(shifts)) == 1 else shifts
        return torch.tensor(multipliers, dtype=torch.int16), torch.tensor(shifts, dtype=torch.int32)
    multipliers, shifts = qmath.quantize_multipliers(reals)
    return torch.tensor(multipliers, dtype=torch.int32), torch.tensor(shifts, dtype=torch.int32)


def requantization_scratch_bytes(multiplier: torch.Tensor, shift: torch.Tensor) -> int:
    """Scratch bytes a kernel adapter expands a compact requantization into (kernels/ops/op_util.h).

    CMSIS-NN's per-channel kernels read an int32 multiplier and shift per
    channel: Q15 (int16) multipliers and a single shift for many channels are
    written out as such arrays, each 4 bytes per channel, just before the call.
    """
    channels = multiplier.numel()
    expanded_multipliers = channels if multiplier.dtype == torch.int16 else 0
    expanded_shifts = channels if shift.numel() < channels else 0
    return 4 * (expanded_multipliers + expanded_shifts)


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
