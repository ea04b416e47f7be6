"""Seeded test cases for every torchmcu numeric-core function, with expected outputs
from the Python reference (torch.ops.torchmcu.*, the specification).

Scratch is sized for the ISA the kernels are built for (host/torchmcu/scratch_sizes.py):
the portable backend ignores it, the CMSIS-NN backend needs exactly that much.
"""

from __future__ import annotations

import functools

import numpy as np
import torch

import torchmcu.ops  # noqa: F401  (registers torch.ops.torchmcu)
from torchmcu.ops import linear as linear_op
from tests.target.harness import ROLE_INPUT, ROLE_OUTPUT, ROLE_SCRATCH, Case
from tests.target.lstm_cases import lstm_case
from torchmcu import qmath, scratch_sizes

ops = torch.ops.torchmcu
t = torch.from_numpy


def _quant(rng, channels: int) -> tuple[np.ndarray, np.ndarray]:
    multiplier = rng.integers(2**30, 2**31 - 1, channels, dtype=np.int64).astype(np.int32)
    shift = rng.integers(-12, -4, channels, dtype=np.int32)
    return multiplier, shift


def _offsets_and_activation(rng) -> tuple[int, int, int, int]:
    act_min, act_max = sorted(int(v) for v in rng.integers(-128, 128, 2))
    return int(rng.integers(-127, 129)), int(rng.integers(-128, 128)), act_min, act_max


def _int8(rng, shape) -> np.ndarray:
    return rng.integers(-128, 128, shape, dtype=np.int8)


def _dims(shape) -> list[int]:
    return [1] * (4 - len(shape)) + [int(s) for s in shape]


def convolution(rng, kind: str, isa: str, *, input_nhwc, c_out: int, kernel_hw, stride_hw, pad_hw,
                dilation: int = 1, groups: int = 1, bias: bool = True, label: str = "") -> Case | None:
    """One conv2d / depthwise (c_out = depth multiplier) / transpose convolution with random data."""
    kh, kw = kernel_hw
    c_in = input_nhwc[3]
    x = _int8(rng, input_nhwc)
    in_off, out_off, act_min, act_max = _offsets_and_activation(rng)
    if kind == "depthwise":
        channels = c_in * c_out
        weight = rng.integers(-127, 128, (1, kh, kw, channels), dtype=np.int8)
    elif kind == "transpose":
        channels = c_out
        weight = rng.integers(-127, 128, (c_out, kh, kw, c_in), dtype=np.int8)
    else:
        channels = c_out
        weight = rng.integers(-127, 128, (channels, kh, kw, c_in // groups), dtype=np.int8)
    bias_values = rng.integers(-30000, 30000, channels, dtype=np.int32) if bias else None
    multiplier, shift = _quant(rng, channels)
    tail = (in_off, out_off, t(multiplier), t(shift), act_min, act_max)
    tb = None if bias_values is None else t(bias_values)
    stride, pad, dilations = list(stride_hw), list(pad_hw), [dilation] * 2
    if kind == "transpose":
        expected = ops.transpose_conv2d(t(x), t(weight), tb, stride, pad, [0, 0], *tail)
    elif kind == "depthwise":
        expected = ops.depthwise_conv2d(t(x), t(weight), tb, stride, pad, dilations, c_out, *tail)
    else:
        expected = ops.conv2d(t(x), t(weight), tb, stride, pad, dilations, groups, *tail)
    out = expected.numpy()
    if 0 in out.shape:
        return None
    conv = [in_off, out_off, *stride, *pad, *dilations, act_min, act_max]
    shapes = dict(input_nhwc=x.shape, output_nhwc=out.shape, stride_hw=stride, padding_hw=pad)
    buffers = [(ROLE_INPUT, x), (ROLE_INPUT, weight), (ROLE_INPUT, bias_values), (ROLE_INPUT, multiplier),
               (ROLE_INPUT, shift), (ROLE_OUTPUT, out.nbytes)]
    dims = _dims(x.shape) + _dims(weight.shape) + _dims(out.shape)
    label = label or f"{kind} {x.shape}->{out.shape}"
    if kind == "transpose":
        scratch, reverse = scratch_sizes.transpose_conv2d_scratch_bytes(isa, filter_ohwi=weight.shape, **shapes)
        return Case("transpose_conv2d", conv + dims, buffers + [(ROLE_SCRATCH, scratch), (ROLE_SCRATCH, reverse)],
                    [out], label)
    if kind == "depthwise":
        scratch = scratch_sizes.depthwise_conv2d_scratch_bytes(isa, filter_1hwc=weight.shape, **shapes,
                                                               dilation_hw=dilations, depth_multiplier=c_out)
        return Case("depthwise_conv2d", conv + [c_out] + dims, buffers + [(ROLE_SCRATCH, scratch)], [out], label)
    scratch = scratch_sizes.conv2d_scratch_bytes(isa, filter_ohwi=weight.shape, **shapes, dilation_hw=dilations,
                                                 groups=groups)
    return Case("conv2d", conv + dims, buffers + [(ROLE_SCRATCH, scratch)], [out], label)


def convolution_case(rng, kind: str, isa: str) -> Case | None:
    """conv2d (plain or grouped), depthwise or transpose: random shape, stride, padding, dilation."""
    c_in, c_out = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    kh, kw, stride, pad = (int(v) for v in rng.integers(1, 4, 4))
    pad -= 1
    dilation = 1 if kind == "transpose" else int(rng.integers(1, 3))
    groups = 2 if kind == "grouped" else 1
    if kind == "transpose":
        pad = min(pad, kh - 1, kw - 1)
        if rng.random() < 0.5:
            c_in *= 3  # CMSIS-NN takes its reverse-conv path above 16 input channels
    input_nhwc = (1, int(rng.integers(kh * dilation, 9)), int(rng.integers(kw * dilation, 9)), c_in * groups)
    return convolution(rng, "conv" if kind == "grouped" else kind, isa, input_nhwc=input_nhwc,
                       c_out=c_out * groups if kind == "grouped" else c_out, kernel_hw=(kh, kw),
                       stride_hw=(stride, stride), pad_hw=(pad, pad), dilation=dilation, groups=groups,
                       bias=rng.random() < 0.8, label=f"{kind} {input_nhwc}")


def linear(rng, isa: str, batches: int, in_features: int, out_features: int, per_channel: bool,
           with_bias: bool = True, with_kernel_sum: bool = True, compact: bool = False, label: str = "",
           x: np.ndarray | None = None) -> Case:
    """Fully connected on `x` (random by default); kernel_sum (bias + input_offset * row sums, MVE's
    ctx.buf) passed or NULL.

    compact: the reference reads Q15 multipliers and one shift, the kernel the int32 arrays the
    op adapter expands them into (kernels/ops/op_util.h expand_quant_params)."""
    x = _int8(rng, (batches, in_features)) if x is None else x
    weight = rng.integers(-127, 128, (out_features, in_features), dtype=np.int8)
    bias = rng.integers(-30000, 30000, out_features, dtype=np.int32) if with_bias else None
    in_off, out_off, act_min, act_max = _offsets_and_activation(rng)
    multiplier, shift = _quant(rng, out_features if per_channel else 1)
    stored_multiplier, stored_shift = multiplier, shift
    if compact:
        stored_multiplier, stored_shift = (multiplier >> 16).astype(np.int16), shift[:1]
        multiplier, shift = stored_multiplier.astype(np.int32) << 16, np.full_like(shift, shift[0])
    tb = None if bias is None else t(bias)
    sums = linear_op.kernel_sum(t(weight), tb, in_off).numpy() if with_kernel_sum else None
    expected = ops.linear(t(x), t(weight), tb, None if sums is None else t(sums), in_off, out_off,
                          t(stored_multiplier), t(stored_shift), act_min, act_max).numpy()
    return Case("linear", [in_off, out_off, act_min, act_max, batches, in_features, out_features],
                [(ROLE_INPUT, x), (ROLE_INPUT, weight), (ROLE_INPUT, bias), (ROLE_INPUT, sums),
                 (ROLE_INPUT, multiplier), (ROLE_INPUT, shift), (ROLE_OUTPUT, expected.nbytes)], [expected],
                label or f"linear {x.shape}x{weight.shape} bias={with_bias} kernel_sum={with_kernel_sum}")


def linear_case(rng, isa: str) -> Case:
    return linear(rng, isa, int(rng.integers(1, 4)), int(rng.integers(1, 40)), int(rng.integers(1, 20)),
                  rng.random() < 0.5, with_bias=rng.random() < 0.8, with_kernel_sum=rng.random() < 0.5)


def batch_matmul(rng, isa: str, lhs_shape, rhs_shape, label: str = "") -> Case:
    lhs, rhs = _int8(rng, lhs_shape), _int8(rng, rhs_shape)
    lhs_off, out_off, act_min, act_max = _offsets_and_activation(rng)
    rhs_off = int(rng.integers(-127, 129))
    multiplier, shift = (int(v[0]) for v in _quant(rng, 1))
    expected = ops.batch_matmul(t(lhs), t(rhs), lhs_off, rhs_off, out_off, multiplier, shift, act_min,
                                act_max).numpy()
    scratch = scratch_sizes.batch_matmul_scratch_bytes(isa, lhs_nhwc=lhs.shape, rhs_nhwc=rhs.shape,
                                                       output_nhwc=expected.shape)
    return Case("batch_matmul", [lhs_off, rhs_off, out_off, multiplier, shift, act_min, act_max,
                                 *lhs.shape, *rhs.shape, *expected.shape],
                [(ROLE_INPUT, lhs), (ROLE_INPUT, rhs), (ROLE_OUTPUT, expected.nbytes), (ROLE_SCRATCH, scratch)],
                [expected], label or f"bmm {lhs.shape}x{rhs.shape}")


def batch_matmul_case(rng, isa: str) -> Case:
    n, h, rows, cols, out_cols = (int(v) for v in rng.integers(1, 6, 5))
    return batch_matmul(rng, isa, (n, h, rows, cols), (1 if rng.random() < 0.3 else n, h, out_cols, cols))


def _broadcast_pair(rng) -> tuple[np.ndarray, np.ndarray]:
    shape = [int(v) for v in rng.integers(1, 5, 4)]
    other = [1 if rng.random() < 0.3 else s for s in shape] if rng.random() < 0.5 else shape
    a, b = _int8(rng, shape), _int8(rng, other)
    return (a, b) if rng.random() < 0.5 else (b, a)


def elementwise_case(rng, op: str, shapes=None, inputs=None) -> Case:
    """add, sub (add with input 2's multiplier negated), mul, minimum or maximum with NumPy
    broadcasting; `inputs` (a, b), or random ones of `shapes` (a, b) or random shapes."""
    if inputs is not None:
        a, b = inputs
    else:
        a, b = _broadcast_pair(rng) if shapes is None else (_int8(rng, shapes[0]), _int8(rng, shapes[1]))
    out_shape = np.broadcast_shapes(a.shape, b.shape)
    dims = [*a.shape, *b.shape, *out_shape]
    buffers = [(ROLE_INPUT, a), (ROLE_INPUT, b), (ROLE_OUTPUT, int(np.prod(out_shape)))]
    if op in ("minimum", "maximum"):
        expected = getattr(ops, op)(t(a), t(b)).numpy()
        return Case(op, dims, buffers, [expected], f"{op} {a.shape},{b.shape}")
    in1, in2 = int(rng.integers(-127, 129)), int(rng.integers(-127, 129))
    _, out_off, act_min, act_max = _offsets_and_activation(rng)
    if op in ("add", "sub"):
        scale1, scale2, scale_out = (float(v) for v in rng.uniform(0.01, 0.2, 3))
        twice_max = 2 * max(scale1, scale2)
        m1, s1 = qmath.quantize_multiplier(scale1 / twice_max)
        m2, s2 = qmath.quantize_multiplier(scale2 / twice_max)
        m2 = -m2 if op == "sub" else m2
        mo, so = qmath.quantize_multiplier(twice_max / (2**20 * scale_out))
        params = [in1, m1, s1, in2, m2, s2, 20, out_off, mo, so, act_min, act_max]
        expected = ops.add(t(a), t(b), *params).numpy()
    else:
        mo, so = qmath.quantize_multiplier(float(rng.uniform(1e-4, 1e-2)))
        params = [in1, in2, out_off, mo, so, act_min, act_max]
        expected = ops.mul(t(a), t(b), *params).numpy()
    return Case("add" if op == "sub" else op, params + dims, buffers, [expected], f"{op} {a.shape},{b.shape}")


def pool(rng, op: str, isa: str, input_nhwc, kernel_hw, stride, pad, label: str = "") -> Case:
    """Average or max pooling; `stride` and `pad` are one int for both axes or an (h, w) pair; `pad` may
    also be [top, left, bottom, right] (the kernel takes top/left, bottom/right only size the output)."""
    kh, kw = kernel_hw
    c = input_nhwc[3]
    stride_hw = [stride] * 2 if isinstance(stride, int) else [int(v) for v in stride]
    pad_hw = [pad] * 2 if isinstance(pad, int) else [int(v) for v in pad]
    x = _int8(rng, input_nhwc)
    act_min, act_max = sorted(int(v) for v in rng.integers(-128, 128, 2))
    fn = ops.avg_pool2d if op == "avg_pool2d" else ops.max_pool2d
    expected = fn(t(x), [kh, kw], stride_hw, pad_hw, act_min, act_max).numpy()
    params = [kh, kw, *stride_hw, *pad_hw[:2], act_min, act_max, *x.shape, *expected.shape]
    buffers = [(ROLE_INPUT, x), (ROLE_OUTPUT, expected.nbytes)]
    if op == "avg_pool2d":
        buffers.append((ROLE_SCRATCH, scratch_sizes.avg_pool2d_scratch_bytes(isa, output_w=expected.shape[2],
                                                                             channels=c)))
    return Case(op, params, buffers, [expected], label or f"{op} {x.shape}->{expected.shape}")


def pool_case(rng, op: str, isa: str) -> Case:
    kh, kw, stride = (int(v) for v in rng.integers(1, 4, 3))
    pad = int(rng.integers(0, min(kh, kw)))
    input_nhwc = (1, int(rng.integers(kh, 9)), int(rng.integers(kw, 9)), int(rng.integers(1, 9)))
    # ceil_mode: extra bottom/right padding, every window still holding an input element.
    pad = (pad, pad, pad + int(rng.integers(0, kh - pad)), pad + int(rng.integers(0, kw - pad)))
    return pool(rng, op, isa, input_nhwc, (kh, kw), stride, pad)


def softmax(rng, rows: int, row_size: int, label: str = "") -> Case:
    x = _int8(rng, (rows, row_size))
    multiplier, shift = qmath.quantize_multiplier(min(float(rng.uniform(0.02, 0.2)) * 2**26, 2**31 - 1))
    diff_min = -int(np.floor(31 * 2 ** (26 - shift)))
    expected = ops.softmax(t(x), multiplier, shift, diff_min).numpy()
    return Case("softmax", [rows, row_size, multiplier, shift, diff_min],
                [(ROLE_INPUT, x), (ROLE_OUTPUT, expected.nbytes)], [expected], label or f"softmax {x.shape}")


def softmax_case(rng) -> Case:
    return softmax(rng, int(rng.integers(1, 5)), int(rng.integers(1, 40)))


def pad_case(rng) -> Case:
    x = _int8(rng, [int(v) for v in rng.integers(1, 4, 4)])
    pre, post = [int(v) for v in rng.integers(0, 3, 4)], [int(v) for v in rng.integers(0, 3, 4)]
    value = int(rng.integers(-128, 128))
    expected = ops.pad(t(x), pre, post, value).numpy()
    return Case("pad", [*x.shape, *pre, *post, value], [(ROLE_INPUT, x), (ROLE_OUTPUT, expected.nbytes)],
                [expected], f"pad {x.shape}")


def transpose_case(rng) -> Case:
    rank = int(rng.integers(2, 5))
    x = _int8(rng, [int(v) for v in rng.integers(1, 6, rank)])
    return transpose(x, [int(v) for v in rng.permutation(rank)])


def transpose(x: np.ndarray, perm) -> Case:
    """Permute the dims of the int8 tensor `x` (rank 2 to 4)."""
    rank = x.ndim
    perm = [int(v) for v in perm]
    expected = ops.transpose(t(x), perm).numpy()
    return Case("transpose", [*_dims(x.shape), rank, *perm, *[0] * (4 - rank)],
                [(ROLE_INPUT, x), (ROLE_OUTPUT, expected.nbytes)], [expected], f"transpose {x.shape} {perm}")


def _reduction_input(rng) -> tuple[np.ndarray, list[int], int]:
    """A rank 1..4 int8 tensor, a non-empty set of its axes, and that set as the kernel's bitmask."""
    rank = int(rng.integers(1, 5))
    x = _int8(rng, [int(v) for v in rng.integers(1, 7, rank)])
    dims = sorted(int(d) for d in rng.choice(rank, int(rng.integers(1, rank + 1)), replace=False))
    return x, dims, sum(1 << (4 - rank + d) for d in dims)


def reduction_cases(rng) -> list[Case]:
    """reduce_sum (a mean: multiplier carries 1/count) and reduce_extremum (max or min) over random axes."""
    x, dims, axes = _reduction_input(rng)
    count = int(np.prod([x.shape[d] for d in dims]))
    multiplier, shift = qmath.quantize_multiplier(float(rng.uniform(0.2, 3.0)) / count)
    in_off, out_off = int(rng.integers(-127, 129)), int(rng.integers(-128, 128))
    summed = ops.reduce_sum(t(x), dims, in_off, out_off, multiplier, shift).numpy()
    largest = int(rng.integers(0, 2))
    extreme = ops.reduce_extremum(t(x), dims, largest).numpy()
    io = [(ROLE_INPUT, x), (ROLE_OUTPUT, summed.nbytes)]
    return [Case("reduce_sum", [*_dims(x.shape), axes, in_off, out_off, multiplier, shift], io, [summed],
                 f"reduce_sum {x.shape} dims {dims}"),
            Case("reduce_extremum", [*_dims(x.shape), axes, largest], io, [extreme],
                 f"reduce_extremum {x.shape} dims {dims} largest={largest}")]


def layer_norm_case(rng) -> Case:
    """LayerNorm or RMSNorm over rows with random per-channel gamma (either sign), beta and epsilon."""
    rows, row_size = int(rng.integers(1, 5)), int(rng.integers(1, 48))
    x = _int8(rng, (rows, row_size))
    centered = int(rng.integers(0, 2))
    pairs = [qmath.quantize_multiplier(float(g)) for g in rng.uniform(2**-24, 2**-20, row_size)]
    multiplier = np.array([m * (1 if rng.integers(0, 2) else -1) for m, _ in pairs], np.int32)
    shift = np.array([s for _, s in pairs], np.int32)
    bias = rng.integers(-60, 60, row_size, dtype=np.int32)
    in_off, out_off = int(rng.integers(-127, 129)), int(rng.integers(-128, 128))
    epsilon = int(rng.integers(1, 2**40))
    expected = ops.layer_norm(t(x), t(multiplier), t(shift), t(bias), in_off, out_off, epsilon, centered).numpy()
    low = (epsilon & 0xFFFFFFFF) - (1 << 32 if epsilon & 0x80000000 else 0)  # the int32 the harness reads
    return Case("layer_norm", [rows, row_size, in_off, out_off, low, epsilon >> 32, centered],
                [(ROLE_INPUT, x), (ROLE_INPUT, multiplier), (ROLE_INPUT, shift), (ROLE_INPUT, bias),
                 (ROLE_OUTPUT, expected.nbytes)], [expected], f"layer_norm {x.shape} centered={centered}")


def slice_case(rng) -> Case:
    """A strided copy: random start and step on each of the four dims."""
    x = _int8(rng, [int(v) for v in rng.integers(1, 9, 4)])
    start = [int(rng.integers(0, d)) for d in x.shape]
    step = [int(rng.integers(1, 4)) for _ in x.shape]
    size = [int(rng.integers(1, (d - b - 1) // s + 2)) for d, b, s in zip(x.shape, start, step)]
    expected = ops.slice(t(x), start, step, size).numpy()
    return Case("slice", [*x.shape, *start, *step, *expected.shape], [(ROLE_INPUT, x), (ROLE_OUTPUT, expected.nbytes)],
                [expected], f"slice {x.shape} start {start} step {step}")


def cat_case(rng) -> Case:
    """Two parts concatenated along a random axis."""
    shape = [int(v) for v in rng.integers(1, 6, 4)]
    axis = int(rng.integers(0, 4))
    other = list(shape)
    other[axis] = int(rng.integers(1, 6))
    a, b = _int8(rng, shape), _int8(rng, other)
    expected = ops.cat([t(a), t(b)], axis).numpy()
    return Case("cat", [*a.shape, *b.shape, axis, *expected.shape],
                [(ROLE_INPUT, a), (ROLE_INPUT, b), (ROLE_OUTPUT, expected.nbytes)], [expected],
                f"cat {a.shape} {b.shape} axis {axis}")


def _resize(op: str, x: np.ndarray, output_size: list[int], flag_name: str, flag: int) -> Case:
    """An NHWC map resampled to output_size by `op(input, output_size, flag)`."""
    expected = getattr(ops, op)(t(x), output_size, flag).numpy()
    return Case(op, [*x.shape, *expected.shape, flag], [(ROLE_INPUT, x), (ROLE_OUTPUT, expected.nbytes)], [expected],
                f"{op} {x.shape}->{expected.shape} {flag_name}={flag}")


def _small_nhwc(rng, max_hw: int) -> np.ndarray:
    return _int8(rng, (int(rng.integers(1, 3)), *(int(v) for v in rng.integers(1, max_hw + 1, 2)),
                       int(rng.integers(1, 6))))


def adaptive_pool2d_case(rng) -> Case:
    """Adaptive average or max pooling to a random output size (uneven, overlapping, or 1-wide windows)."""
    x = _small_nhwc(rng, 9)
    output_size = [int(rng.integers(1, x.shape[1] + 3)), int(rng.integers(1, x.shape[2] + 3))]
    return _resize("adaptive_pool2d", x, output_size, "average", int(rng.integers(0, 2)))


def upsample_bilinear2d_case(rng) -> Case:
    """Bilinear resize by a whole factor or to a random size, half-pixel or align_corners."""
    x = _small_nhwc(rng, 6)
    if rng.integers(0, 2):
        output_size = [int(s * f) for s, f in zip(x.shape[1:3], rng.integers(1, 4, 2))]
    else:
        output_size = [int(v) for v in rng.integers(1, 13, 2)]
    return _resize("upsample_bilinear2d", x, output_size, "align_corners", int(rng.integers(0, 2)))


def prelu_case(rng) -> Case:
    """PReLU with a random slope (either sign, or 0) per channel folded into the negative multipliers."""
    rows, channels = int(rng.integers(1, 6)), int(rng.integers(1, 17))
    x = _int8(rng, (rows, channels))
    pairs = [qmath.quantize_multiplier(float(v)) for v in rng.uniform(0.0, 2.0, channels)]
    signs = rng.choice([-1, 0, 1], channels)
    multiplier = np.array([m * int(sign) for (m, _), sign in zip(pairs, signs)], np.int32)
    shift = np.array([s for _, s in pairs], np.int32)
    positive_multiplier, positive_shift = qmath.quantize_multiplier(float(rng.uniform(0.1, 2.0)))
    in_off, out_off = int(rng.integers(-127, 129)), int(rng.integers(-128, 128))
    expected = ops.prelu(t(x), t(multiplier), t(shift), in_off, out_off, positive_multiplier, positive_shift).numpy()
    return Case("prelu", [rows, channels, in_off, out_off, positive_multiplier, positive_shift],
                [(ROLE_INPUT, x), (ROLE_INPUT, multiplier), (ROLE_INPUT, shift), (ROLE_OUTPUT, expected.nbytes)],
                [expected], f"prelu {x.shape}")


def log_softmax_case(rng) -> Case:
    """Log-softmax over rows, tables for random input and output scales."""
    from torchmcu.ops import log_softmax as log_softmax_op

    x = _int8(rng, (int(rng.integers(1, 5)), int(rng.integers(1, 40))))
    exp_table, log2_table, steps, multiplier, shift = log_softmax_op.parameters(float(rng.uniform(0.01, 0.3)),
                                                                                float(rng.uniform(0.02, 0.2)))
    out_off = int(rng.integers(-128, 128))
    expected = ops.log_softmax(t(x), exp_table, log2_table, steps, out_off, multiplier, shift).numpy()
    return Case("log_softmax", [*x.shape, steps, out_off, multiplier, shift],
                [(ROLE_INPUT, x), (ROLE_INPUT, exp_table.numpy()), (ROLE_INPUT, log2_table.numpy()),
                 (ROLE_OUTPUT, expected.nbytes)], [expected], f"log_softmax {x.shape}")


def quantize_cases(rng, x: np.ndarray | None = None, scale: float | None = None,
                   zero_point: int | None = None) -> list[Case]:
    """quantize `x` (float32, random by default), dequantize the result, look it up in a random LUT."""
    scale = float(np.float32(rng.uniform(0.005, 0.5) if scale is None else scale))  # the kernels take a float
    if zero_point is None:
        zero_point = int(rng.integers(-128, 128))
    if x is None:
        x = (rng.standard_normal(int(rng.integers(1, 64))) * 10).astype(np.float32)
    size = x.size
    scale_bits = int(np.float32(scale).view(np.int32))
    q = ops.quantize_per_tensor(t(x), scale, zero_point).numpy()
    back = ops.dequantize_per_tensor(t(q), scale, zero_point).numpy()
    table = _int8(rng, 256)
    looked_up = ops.lut(t(q), t(table)).numpy()
    return [
        Case("quantize", [size, scale_bits, zero_point], [(ROLE_INPUT, x), (ROLE_OUTPUT, q.nbytes)], [q],
             f"quantize {size} scale={scale} zp={zero_point}"),
        Case("dequantize", [size, scale_bits, zero_point], [(ROLE_INPUT, q), (ROLE_OUTPUT, back.nbytes)], [back],
             f"dequantize {size} scale={scale} zp={zero_point}"),
        Case("lut", [size], [(ROLE_INPUT, q), (ROLE_INPUT, table), (ROLE_OUTPUT, looked_up.nbytes)], [looked_up],
             f"lut {size}"),
    ]


def quantize_nhwc_case(rng, shape: tuple[int, int, int, int], x: np.ndarray | None = None) -> Case:
    """quantize an NCHW float tensor of `shape` straight into NHWC (torchmcu::quantize_per_tensor_nhwc)."""
    scale = float(np.float32(rng.uniform(0.005, 0.5)))
    zero_point = int(rng.integers(-128, 128))
    if x is None:
        x = (rng.standard_normal(shape) * 10).astype(np.float32)
    n, c, h, w = shape
    q = ops.quantize_per_tensor_nhwc(t(x), scale, zero_point).numpy()
    return Case("quantize_nhwc", [n, c, h * w, int(np.float32(scale).view(np.int32)), zero_point],
                [(ROLE_INPUT, x), (ROLE_OUTPUT, q.nbytes)], [q], f"quantize_nhwc {shape} scale={scale} zp={zero_point}")


def quantize_nhwc_case_random(rng) -> Case:
    return quantize_nhwc_case(rng, (int(rng.integers(1, 3)), int(rng.integers(1, 6)), int(rng.integers(1, 8)),
                                    int(rng.integers(1, 8))))


# Model-boundary floats the Helium quantize loop must treat as the scalar one does: ties to even, a
# saturating zero-point add, NaN to the zero point, -0.0; 11 values leave a partial last vector.
BOUNDARY_FLOATS = np.array([0.125, 0.375, -0.125, -0.375, np.inf, -np.inf, np.nan, -0.0, 3e38, -3e38, 7.0],
                           np.float32)


def edge_cases(rng, isa: str) -> list[Case]:
    """Shapes that pick particular CMSIS-NN paths or corners, present whatever the seed."""
    conv = functools.partial(convolution, rng, isa=isa)
    return [
        conv("depthwise", input_nhwc=(1, 3, 7, 4), c_out=1, kernel_hw=(1, 3), stride_hw=(2, 2), pad_hw=(2, 2),
             label="depthwise 1x3, padding above the kernel height (whole output rows in padding)"),
        conv("depthwise", input_nhwc=(1, 7, 3, 4), c_out=1, kernel_hw=(3, 1), stride_hw=(2, 2), pad_hw=(2, 2),
             label="depthwise 3x1, padding beyond the kernel width"),
        conv("depthwise", input_nhwc=(1, 6, 6, 8), c_out=1, kernel_hw=(3, 3), stride_hw=(1, 1), pad_hw=(1, 1),
             label="depthwise 3x3 pad 1, 8 channels (CMSIS-NN's 3x3 kernel)"),
        conv("depthwise", input_nhwc=(1, 5, 5, 3), c_out=2, kernel_hw=(3, 3), stride_hw=(1, 1), pad_hw=(1, 1),
             dilation=2, label="depthwise multiplier 2, dilation 2"),
        conv("conv", input_nhwc=(1, 4, 4, 8), c_out=4, kernel_hw=(1, 1), stride_hw=(1, 1), pad_hw=(1, 1),
             label="conv 1x1 with padding 1"),
        conv("conv", input_nhwc=(1, 6, 6, 4), c_out=6, kernel_hw=(3, 3), stride_hw=(1, 1), pad_hw=(1, 1), groups=2,
             bias=False, label="grouped conv, 2 groups, no bias"),
        conv("transpose", input_nhwc=(1, 3, 3, 20), c_out=3, kernel_hw=(3, 3), stride_hw=(2, 2), pad_hw=(1, 1),
             label="transpose conv, 20 input channels (CMSIS-NN's reverse-conv path)"),
        linear(rng, isa, 2, 24, 5, per_channel=False, with_bias=False, with_kernel_sum=False,
               label="linear per-tensor, no bias, no kernel_sum"),
        linear(rng, isa, 1, 33, 7, per_channel=True, label="linear per-channel with kernel_sum"),
        linear(rng, isa, 2, 40, 24, per_channel=True, compact=True,
               label="linear per-channel, Q15 multipliers and one shift, expanded"),
        *quantize_cases(rng, BOUNDARY_FLOATS, scale=0.25, zero_point=100),
        # One channel (the contiguous loop), three channels with an odd plane (a partial last vector), and
        # the boundary floats spread over channels and tails.
        quantize_nhwc_case(rng, (1, 1, 5, 3)),
        quantize_nhwc_case(rng, (1, 3, 5, 5)),
        quantize_nhwc_case(rng, (2, 3, 3, 3)),
        quantize_nhwc_case(rng, (1, 3, 11, 1), np.tile(BOUNDARY_FLOATS, 3).reshape(1, 3, 11, 1)),
    ]


def all_cases(isa: str, seed: int = 0, per_op: int = 12) -> list[Case]:
    """The edge cases, then `per_op` seeded random cases of every op family."""
    rng = np.random.default_rng(seed)
    cases: list[Case] = [case for case in edge_cases(rng, isa) if case is not None]
    for _ in range(per_op):
        for kind in ("conv", "grouped", "depthwise", "transpose"):
            case = convolution_case(rng, kind, isa)
            if case is not None:
                cases.append(case)
        cases += [linear_case(rng, isa), batch_matmul_case(rng, isa), softmax_case(rng), pad_case(rng),
                  transpose_case(rng), pool_case(rng, "avg_pool2d", isa), pool_case(rng, "max_pool2d", isa)]
        cases += [elementwise_case(rng, op) for op in ("add", "mul", "minimum", "maximum")]
        cases += quantize_cases(rng) + [quantize_nhwc_case_random(rng)]
        cases += reduction_cases(rng) + [layer_norm_case(rng), log_softmax_case(rng)]
        cases += [slice_case(rng), cat_case(rng), elementwise_case(rng, "sub")]
        cases += [adaptive_pool2d_case(rng), upsample_bilinear2d_case(rng), prelu_case(rng)]
        cases += [lstm_case(rng)]
    return cases
