"""CMSIS-NN scratch-buffer sizes per ISA: the host's single source of truth.

Each function returns exactly what CMSIS-NN's `arm_*_get_buffer_size` returns
in a build for that ISA ("scalar": plain C, "dsp": ARM_MATH_DSP, "mve":
ARM_MATH_MVEI), compiled with GCC (the compiler Zephyr uses; see caveat 1 of
the golden vectors: Arm Compiler 6 differs for 1x1 convolutions on DSP and for
c_in == 1 depthwise on MVE). The formulas follow CMSIS-NN at
`CMSIS_NN_REFERENCE_COMMIT`; tests check them against the golden vectors and
against CMSIS-NN's own compiled sizers (the executorch wheel's bindings).

Shapes are CMSIS-NN dims: NHWC activations, OHWI conv filters, [1, kh, kw,
C_out] depthwise filters. `padding_hw` is the top/left padding.
"""

from __future__ import annotations

from typing import Literal, Sequence

Isa = Literal["scalar", "dsp", "mve"]
ISAS: tuple[Isa, ...] = ("scalar", "dsp", "mve")

SIZING_SOURCE = "builtin"
CMSIS_NN_REFERENCE_COMMIT = "99f736a6"

# CMSIS-NN constants (Include/arm_nnsupportfunctions.h) for a GCC build.
_CH_IN_BLOCK_MVE = 124
_REVERSE_TCOL_EFFICIENT_THRESHOLD = 16
_DW_ONE_INPUT_CH_AS_CONV_ABOVE = 1  # Arm Compiler 6 uses 8


def _check_isa(isa: str) -> None:
    if isa not in ISAS:
        raise ValueError(f"unknown ISA {isa!r}; valid: {', '.join(ISAS)}")


def _is_1x1(filter_ohwi, input_c, padding_hw, dilation_hw) -> bool:
    return (padding_hw[0] == 0 and padding_hw[1] == 0 and filter_ohwi[1] == 1 and filter_ohwi[2] == 1
            and dilation_hw[0] == 1 and dilation_hw[1] == 1 and input_c == filter_ohwi[3])


def _is_1_x_n(input_nhwc, filter_ohwi, stride_hw, dilation_hw) -> bool:
    return (input_nhwc[1] == 1 and dilation_hw[1] == 1 and filter_ohwi[1] == 1
            and (stride_hw[1] * input_nhwc[3]) % 4 == 0 and input_nhwc[3] == filter_ohwi[3])


def _convolve_s8_scalar_dsp(input_c: int, kh: int, kw: int) -> int:
    rhs_cols = kw * kh * input_c
    aligned = rhs_cols + (4 - rhs_cols % 4) % 4
    return 2 * aligned * 2


def _convolve_s8_mve(input_c: int, kh: int, kw: int) -> int:
    lanes = (input_c * kw * kh + 15) // 16
    return 4 * lanes * 16


def _convolve_1_x_n_mve(input_nhwc, filter_ohwi, output_nhwc, stride_hw, padding_hw) -> int:
    input_x, pad_x, kernel_x = input_nhwc[2], padding_hw[1], filter_ohwi[2]
    output_x, stride_x, channels = output_nhwc[2], stride_hw[1], input_nhwc[3]
    total_pad = (output_x - 1) * stride_x + kernel_x - input_x
    asym_pad = total_pad % 2  # C remainder: total_pad is >= 0 for valid shapes
    right_pad_num = max(1, (pad_x + asym_pad + stride_x - 1) // stride_x) if pad_x + asym_pad != 0 else 0
    left_pad_num = max(1, (pad_x + stride_x - 1) // stride_x) if pad_x != 0 else 0
    no_pad_num = max(output_x - (right_pad_num + left_pad_num), 0)
    if right_pad_num + no_pad_num + left_pad_num != output_x:
        return _convolve_s8_mve(channels, filter_ohwi[1], filter_ohwi[2])
    pad_size_left = pad_x * channels
    pad_size_right = right_pad_num * channels if asym_pad else pad_size_left
    num_elem_left = kernel_x * channels
    num_elem_right = num_elem_left - channels
    return max(num_elem_left + pad_size_left, num_elem_right + pad_size_right)


def conv2d_scratch_bytes(
    isa: Isa, *, input_nhwc: Sequence[int], filter_ohwi: Sequence[int], output_nhwc: Sequence[int],
    stride_hw: Sequence[int], padding_hw: Sequence[int], dilation_hw: Sequence[int], groups: int = 1,
) -> int:
    """`arm_convolve_wrapper_s8_get_buffer_size` (grouped convs are told apart by filter C < input C)."""
    _check_isa(isa)
    input_c = input_nhwc[3]
    if _is_1x1(filter_ohwi, input_c, padding_hw, dilation_hw):
        # 1x1 fast (stride 1) needs 0 with GCC on every ISA; the strided 1x1 kernel needs none.
        return 0
    if _is_1_x_n(input_nhwc, filter_ohwi, stride_hw, dilation_hw):
        if isa == "mve":
            return _convolve_1_x_n_mve(input_nhwc, filter_ohwi, output_nhwc, stride_hw, padding_hw)
        return _convolve_s8_scalar_dsp(input_c, filter_ohwi[1], filter_ohwi[2])
    if isa == "mve":
        return _convolve_s8_mve(input_c, filter_ohwi[1], filter_ohwi[2])
    return _convolve_s8_scalar_dsp(input_c, filter_ohwi[1], filter_ohwi[2])


def depthwise_conv2d_scratch_bytes(
    isa: Isa, *, input_nhwc: Sequence[int], filter_1hwc: Sequence[int], output_nhwc: Sequence[int],
    stride_hw: Sequence[int], padding_hw: Sequence[int], dilation_hw: Sequence[int], depth_multiplier: int,
) -> int:
    """`arm_depthwise_conv_wrapper_s8_get_buffer_size`."""
    _check_isa(isa)
    input_c, output_c = input_nhwc[3], output_nhwc[3]
    kh, kw = filter_1hwc[1], filter_1hwc[2]
    if isa == "mve" and input_c == 1 and output_c > _DW_ONE_INPUT_CH_AS_CONV_ABOVE:
        # MVE runs a one-input-channel depthwise as a regular conv, plus a reordered filter copy.
        conv_filter = [filter_1hwc[3], kh, kw, filter_1hwc[0]]
        conv = conv2d_scratch_bytes("mve", input_nhwc=input_nhwc, filter_ohwi=conv_filter, output_nhwc=output_nhwc,
                                    stride_hw=stride_hw, padding_hw=padding_hw, dilation_hw=dilation_hw)
        return conv + output_c * kh * kw * filter_1hwc[0]
    optimized = (input_c == output_c and input_nhwc[0] == 1 and dilation_hw[0] == 1 and dilation_hw[1] == 1)
    if not optimized:
        return 0
    if isa == "mve":
        return 4 * _CH_IN_BLOCK_MVE * kw * kh
    if kh == 3 and kw == 3 and padding_hw[0] <= 1 and padding_hw[1] <= 1:
        return 0  # the 3x3 kernel needs no buffer
    return input_c * kw * kh * 2 if isa == "dsp" else 0


def transpose_conv2d_scratch_bytes(
    isa: Isa, *, input_nhwc: Sequence[int], filter_ohwi: Sequence[int], output_nhwc: Sequence[int],
    stride_hw: Sequence[int], padding_hw: Sequence[int],
) -> tuple[int, int]:
    """(`arm_transpose_conv_s8_get_buffer_size`, `..._get_reverse_conv_buffer_size`)."""
    _check_isa(isa)
    stride_h, stride_w = stride_hw
    reverse = stride_w <= 2 and stride_h <= 2 and input_nhwc[3] > _REVERSE_TCOL_EFFICIENT_THRESHOLD
    if reverse:
        upsampled_c = input_nhwc[3]
        kh, kw = filter_ohwi[1], filter_ohwi[2]
        ctx = _convolve_s8_mve(upsampled_c, kh, kw) if isa == "mve" else _convolve_s8_scalar_dsp(upsampled_c, kh, kw)
        return ctx, input_nhwc[3] * kw * kh * filter_ohwi[0]
    # CMSIS-NN compares the filter width with stride.h here; reproduced as is.
    buf_x = ((input_nhwc[2] - 1) * stride_w + max(filter_ohwi[2], stride_h)) * output_nhwc[3]
    buf_y = max(filter_ohwi[1], stride_h)
    return buf_x * buf_y * 4, 0


def linear_scratch_bytes(isa: Isa, *, in_features: int, out_features: int) -> int:
    """`arm_fully_connected_s8_get_buffer_size` (filter dims {in, 1, 1, out}): kernel sums on MVE."""
    _check_isa(isa)
    return out_features * 4 if isa == "mve" else 0


def batch_matmul_scratch_bytes(
    isa: Isa, *, lhs_nhwc: Sequence[int], rhs_nhwc: Sequence[int], output_nhwc: Sequence[int],
) -> int:
    """`arm_fully_connected_s8_get_buffer_size(&output_dims)`, as CMSIS-NN's own tests size it."""
    _check_isa(isa)
    return output_nhwc[3] * 4 if isa == "mve" else 0


def avg_pool2d_scratch_bytes(isa: Isa, *, output_w: int, channels: int) -> int:
    """`arm_avgpool_s8_get_buffer_size(output_w, channels)`."""
    _check_isa(isa)
    return channels * 4 if isa == "dsp" else 0
