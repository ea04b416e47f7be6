"""Integer arithmetic of CMSIS-NN, vectorised over torch int64 tensors.

Every function here reproduces one CMSIS-NN support function bit for bit,
including int32 wrap-around where the C code multiplies in int32. Values are
carried as int64 tensors and wrapped back to int32 after each int32 operation.
These functions are the numeric specification the C kernels must match.
"""

from __future__ import annotations

import math

import torch

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1


def wrap_int32(x: torch.Tensor) -> torch.Tensor:
    """Two's-complement wrap of an int64 tensor into the int32 range."""
    return ((x + 2**31) & 0xFFFFFFFF) - 2**31


def _as_i64(x: torch.Tensor | int) -> torch.Tensor:
    return x.to(torch.int64) if isinstance(x, torch.Tensor) else torch.tensor(x, dtype=torch.int64)


def doubling_high_mult_no_sat(a: torch.Tensor, b: torch.Tensor | int) -> torch.Tensor:
    """`arm_nn_doubling_high_mult_no_sat`: (a*b + 2^30) >> 31, 64-bit product."""
    return wrap_int32((_as_i64(a) * _as_i64(b) + (1 << 30)) >> 31)


def doubling_high_mult(a: torch.Tensor | int, b: torch.Tensor | int) -> torch.Tensor:
    """`arm_nn_doubling_high_mult` (MUL_SAT): sign-aware rounding, saturates MIN*MIN."""
    a64, b64 = _as_i64(a), _as_i64(b)
    nudge = torch.where((a64 < 0) ^ (b64 < 0), 1 - (1 << 30), 1 << 30)
    total = a64 * b64 + nudge
    # C division truncates toward zero.
    result = wrap_int32(torch.div(total, 1 << 31, rounding_mode="trunc"))
    saturate = (a64 == INT32_MIN) & (b64 == INT32_MIN)
    return torch.where(saturate, torch.tensor(INT32_MAX, dtype=torch.int64), result)


def divide_by_power_of_two(dividend: torch.Tensor, exponent: torch.Tensor | int) -> torch.Tensor:
    """`arm_nn_divide_by_power_of_two`: rounding shift, ties away from zero."""
    d = _as_i64(dividend)
    e = _as_i64(exponent)
    # (1 << 31) - 1 is 0x7FFFFFFF in CMSIS-NN's GCC builds (see vectors caveat 2).
    mask = (torch.ones_like(e) << e) - 1
    remainder = mask & d
    result = d >> e
    threshold = (mask >> 1) + (result < 0).to(torch.int64)
    return result + (remainder > threshold).to(torch.int64)


def requantize(
    value: torch.Tensor, multiplier: torch.Tensor | int, shift: torch.Tensor | int, single_rounding: bool = False
) -> torch.Tensor:
    """`arm_nn_requantize`: value * multiplier * 2^shift with CMSIS-NN rounding.

    `multiplier` and `shift` broadcast against `value` (per-channel on the
    last axis of an NHWC tensor when given as 1-D tensors).
    """
    v = _as_i64(value)
    m = _as_i64(multiplier)
    s = _as_i64(shift)
    if single_rounding:
        total_shift = 31 - s
        result = (v * m) >> (total_shift - 1)
        return wrap_int32((result + 1) >> 1)
    left = torch.clamp(s, min=0)
    right = torch.clamp(-s, min=0)
    scaled = wrap_int32(v * (torch.ones_like(left) << left))
    return divide_by_power_of_two(doubling_high_mult_no_sat(scaled, m), right)


def clamp_int8(x: torch.Tensor, act_min: int = -128, act_max: int = 127) -> torch.Tensor:
    return torch.clamp(x, act_min, act_max).to(torch.int8)


def quantize_multiplier(real_multiplier: float) -> tuple[int, int]:
    """Q31 multiplier and shift with real = m * 2^(shift - 31), m in [2^30, 2^31).

    TFLite's QuantizeMultiplier; a positive shift is a left shift, as
    `arm_nn_requantize` takes it. Returns (0, 0) for a zero multiplier.
    """
    if not math.isfinite(real_multiplier) or real_multiplier < 0:
        raise ValueError(f"requantization scale must be finite and >= 0, got {real_multiplier}")
    if real_multiplier == 0.0:
        return 0, 0
    mantissa, exponent = math.frexp(real_multiplier)
    q = int(round(mantissa * (1 << 31)))
    if q == (1 << 31):
        q //= 2
        exponent += 1
    if exponent < -31:
        # Too small to represent: the result is always 0.
        return 0, 0
    if exponent > 30:
        raise ValueError(f"requantization scale {real_multiplier} is too large for a Q31 multiplier (shift > 30)")
    return q, exponent


# A layer shares one shift when no channel's multiplier loses more than this many of its 31 bits.
MAX_SHARED_SHIFT_LOSS = 8


def quantize_multipliers(reals: list[float]) -> tuple[list[int], list[int]]:
    """Per-channel Q31 multipliers and shifts, all channels with one shift when that costs little.

    CMSIS-NN reads a shift per channel, but equal shift arrays are stored once
    in the program, so layers share them. The shared shift is the largest any
    channel needs; a channel whose own shift is k smaller keeps 31 - k
    significant bits in its multiplier (m = round(real * 2^(31 - shift)),
    still exactly real = m * 2^(shift - 31) up to rounding). Past
    MAX_SHARED_SHIFT_LOSS bits the channels keep their own shifts.
    """
    pairs = [quantize_multiplier(r) for r in reals]
    exponents = [e for m, e in pairs if m != 0]
    if not exponents or max(exponents) - min(exponents) > MAX_SHARED_SHIFT_LOSS:
        return [m for m, _ in pairs], [e for _, e in pairs]
    shift = max(exponents)
    return [int(round(math.ldexp(r, 31 - shift))) for r in reals], [shift] * len(reals)


# A Q15 multiplier q stands for the Q31 multiplier q << Q15_TO_Q31 (the kernel adapters expand it).
Q15_TO_Q31 = 16


def quantize_multipliers_q15(reals: list[float]) -> tuple[list[int], list[int]]:
    """Per-channel multipliers with 15 fraction bits (int16), and the shifts of `quantize_multipliers`.

    Half the bytes of Q31 multipliers: q = round(real * 2^(15 - shift)), the
    Q31 multiplier q << 16. The real scale is rounded once, to 16 bits, not
    via its Q31 value; a channel whose shift is k below its own keeps 15 - k
    significant bits. A q that rounds up to 2^15 takes 2^15 - 1 (no int16 holds
    it), an error of one unit, as rounding allows half a unit.
    """
    _, shifts = quantize_multipliers(reals)
    limit = (1 << 15) - 1
    return [min(int(round(math.ldexp(r, 15 - s))), limit) for r, s in zip(reals, shifts)], shifts


# --- softmax fixed-point helpers (CMSIS-NN's gemmlowp-derived code) ---------


def _select_if(cond: torch.Tensor, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.where(cond, a, b)


def exp_on_negative_values(val: torch.Tensor) -> torch.Tensor:
    """`arm_nn_exp_on_negative_values`: exp(x) for x <= 0 in Q5.26 -> Q0.31."""
    v = _as_i64(val)
    shift = 24
    val_mod_minus_quarter = wrap_int32((v & ((1 << shift) - 1)) - (1 << shift))
    remainder = wrap_int32(val_mod_minus_quarter - v)
    x = wrap_int32(wrap_int32(val_mod_minus_quarter << 5) + (1 << 28))
    x2 = doubling_high_mult(x, x)
    inner = wrap_int32(
        divide_by_power_of_two(doubling_high_mult(x2, x2), 2) + doubling_high_mult(x2, x)
    )
    inner = wrap_int32(divide_by_power_of_two(wrap_int32(doubling_high_mult(inner, 715827883) + x2), 1))
    result = wrap_int32(1895147668 + doubling_high_mult(1895147668, wrap_int32(x + inner)))
    for constant in (1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242):
        result = _select_if((remainder & (1 << shift)) != 0, doubling_high_mult(result, constant), result)
        shift += 1
    return _select_if(v == 0, torch.full_like(result, INT32_MAX), result)


def mult_by_power_of_two(val: torch.Tensor, exp: int) -> torch.Tensor:
    """`arm_nn_mult_by_power_of_two`: saturating left shift."""
    v = _as_i64(val)
    thresh = (1 << (31 - exp)) - 1
    result = wrap_int32(v << exp)
    result = torch.where(v > thresh, torch.full_like(result, INT32_MAX), result)
    return torch.where(v < -thresh, torch.full_like(result, INT32_MIN), result)


def one_over_one_plus_x_for_x_in_0_1(val: torch.Tensor) -> torch.Tensor:
    """`arm_nn_one_over_one_plus_x_for_x_in_0_1` (Newton-Raphson, Q0.31)."""
    total = _as_i64(val) + INT32_MAX
    half_denominator = wrap_int32(
        torch.div(total + torch.where(total >= 0, 1, -1), 2, rounding_mode="trunc")
    )
    x = wrap_int32(1515870810 + doubling_high_mult(half_denominator, -1010580540))
    one_quarter = 1 << 29
    for _ in range(3):
        correction = doubling_high_mult(x, wrap_int32(one_quarter - doubling_high_mult(half_denominator, x)))
        x = wrap_int32(x + mult_by_power_of_two(correction, 2))
    return mult_by_power_of_two(x, 1)


def count_leading_zeros32(x: torch.Tensor) -> torch.Tensor:
    """CLZ of non-negative int32 values held in int64 (CLZ(0) = 32)."""
    v = _as_i64(x) & 0xFFFFFFFF
    bits = torch.zeros_like(v)
    for b in range(32):
        bits = torch.where(v >= (1 << b), torch.full_like(v, b + 1), bits)
    return 32 - bits
