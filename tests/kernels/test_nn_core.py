"""The C numeric core equals the Python reference (the specification) bit for bit:
on every golden-vector case, and on hypothesis-generated shapes and parameters.

Every test runs on the portable backend and, when CMSIS_NN_PATH names a
CMSIS-NN checkout, on the CMSIS-NN backend (x86: CMSIS-NN's scalar path, so
scratch is sized for a scalar core)."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.host.golden import load_family
from tests.kernels.nn_lib import (
    AddParams, BmmParams, Buf, ConvParams, MulParams, PoolParams, cmsis_nn_path, dims, library, ptr, quant,
)
from tests.target import cases, harness

NO_SCRATCH = Buf(None, 0)
ISA_SCALAR = 0

pytestmark = pytest.mark.parametrize("backend", [
    "portable",
    pytest.param("cmsis_nn", marks=pytest.mark.skipif(cmsis_nn_path() is None,
                                                       reason="CMSIS_NN_PATH does not name a CMSIS-NN checkout")),
])


def exact_scratch(size: int) -> tuple[Buf, np.ndarray]:
    """A buffer of exactly `size` bytes followed by guard bytes that must stay untouched."""
    storage = np.full(max(size, 0) + 64, 0x5A, np.uint8)
    return Buf(storage.ctypes.data if size > 0 else None, max(size, 0)), storage


def assert_guard_intact(storage: np.ndarray, size: int) -> None:
    assert (storage[max(size, 0):] == 0x5A).all(), "kernel wrote past its scratch"


def c_conv(backend, kind, x, w, bias, mult, shift, stride, pad, dilation, in_off, out_off, act, out_shape,
           depth_mult=1):
    """Runs one convolution with scratch of exactly the size the scalar CMSIS-NN build asks for."""
    out = np.zeros(out_shape, np.int8)
    params = ConvParams(in_off, out_off, stride[0], stride[1], pad[0], pad[1], dilation[0], dilation[1], *act)
    q = quant(mult, shift)
    lib = library(backend)
    shapes = (ctypes.byref(params), ctypes.byref(dims(x.shape)), ctypes.byref(dims(w.shape)),
              ctypes.byref(dims(out.shape)))
    if kind == "conv":
        size = lib.tmcu_conv2d_s8_scratch_size(ISA_SCALAR, *shapes)
        scratch, storage = exact_scratch(size)
        status = lib.tmcu_conv2d_s8(ctypes.byref(params), ctypes.byref(q), ctypes.byref(dims(x.shape)), ptr(x),
                                    ctypes.byref(dims(w.shape)), ptr(w), ptr(bias), ctypes.byref(dims(out.shape)),
                                    ptr(out), scratch)
    elif kind == "depthwise":
        size = lib.tmcu_depthwise_conv2d_s8_scratch_size(ISA_SCALAR, *shapes)
        scratch, storage = exact_scratch(size)
        status = lib.tmcu_depthwise_conv2d_s8(ctypes.byref(params), depth_mult, ctypes.byref(q),
                                              ctypes.byref(dims(x.shape)), ptr(x), ctypes.byref(dims(w.shape)), ptr(w),
                                              ptr(bias), ctypes.byref(dims(out.shape)), ptr(out), scratch)
    else:
        reverse_size = ctypes.c_int32(0)
        size = lib.tmcu_transpose_conv2d_s8_scratch_size(ISA_SCALAR, *shapes, ctypes.byref(reverse_size))
        scratch, storage = exact_scratch(size)
        reverse, reverse_storage = exact_scratch(reverse_size.value)
        status = lib.tmcu_transpose_conv2d_s8(ctypes.byref(params), ctypes.byref(q), ctypes.byref(dims(x.shape)),
                                              ptr(x), ctypes.byref(dims(w.shape)), ptr(w), ptr(bias),
                                              ctypes.byref(dims(out.shape)), ptr(out), scratch, reverse)
        assert_guard_intact(reverse_storage, reverse_size.value)
    assert status == 0
    assert_guard_intact(storage, size)
    return out


def arr(case, key, dtype):
    return np.ascontiguousarray(case[key], dtype=dtype)


@pytest.mark.parametrize("family,kind", [("convolve", "conv"), ("depthwise", "depthwise"),
                                         ("transpose_conv", "transpose")])
def test_convolutions_golden(backend, family, kind):
    for c in load_family(family):
        bias = arr(c, "bias", np.int32) if c["has_bias"] else None
        dil = (c["dilation_h"], c["dilation_w"]) if c.has("dilation_h") else (1, 1)
        out = c_conv(backend, kind, arr(c, "input", np.int8), arr(c, "filter", np.int8), bias, arr(c, "multiplier", np.int32),
                     arr(c, "shift", np.int32), (c["stride_h"], c["stride_w"]), (c["pad_h"], c["pad_w"]), dil,
                     c["input_offset"], c["output_offset"], (c["act_min"], c["act_max"]), c["output"].shape,
                     c["ch_mult"] if c.has("ch_mult") else 1)
        np.testing.assert_array_equal(out, c["output"], err_msg=f"{family} case {c.index} ({c.note})")


def test_linear_and_batch_matmul_golden(backend):
    lib = library(backend)
    for c in load_family("fully_connected"):
        x, w = arr(c, "input", np.int8), arr(c, "filter", np.int8)
        out = np.zeros(c["output"].shape, np.int8)
        mult, shift = arr(c, "multiplier", np.int32), arr(c, "shift", np.int32)
        bias = arr(c, "bias", np.int32) if c["has_bias"] else None
        status = lib.tmcu_linear_s8(c["input_offset"], c["output_offset"], c["act_min"], c["act_max"],
                                    ctypes.byref(quant(mult, shift)), x.shape[0], x.shape[1], ptr(x), w.shape[0],
                                    ptr(w), ptr(bias), None, ptr(out))
        assert status == 0
        np.testing.assert_array_equal(out, c["output"], err_msg=f"fc case {c.index}")
    for c in load_family("batch_matmul"):
        lhs, rhs = arr(c, "lhs", np.int8), arr(c, "rhs", np.int8)
        out = np.zeros(c["output"].shape, np.int8)
        params = BmmParams(c["lhs_offset"], c["rhs_offset"], c["output_offset"], c["multiplier"], c["shift"],
                           c["act_min"], c["act_max"])
        assert lib.tmcu_batch_matmul_s8(ctypes.byref(params), ctypes.byref(dims(lhs.shape)), ptr(lhs),
                                        ctypes.byref(dims(rhs.shape)), ptr(rhs), ctypes.byref(dims(out.shape)),
                                        ptr(out), NO_SCRATCH) == 0
        np.testing.assert_array_equal(out, c["output"], err_msg=f"bmm case {c.index}")


def test_elementwise_pool_softmax_pad_transpose_golden(backend):
    lib = library(backend)
    for c in load_family("elementwise_add"):
        p = c.params
        a, b = arr(c, "input_1", np.int8), arr(c, "input_2", np.int8)
        out = np.zeros_like(a)
        params = AddParams(p["input_1_offset"], p["input_1_mult"], p["input_1_shift"], p["input_2_offset"],
                           p["input_2_mult"], p["input_2_shift"], p["left_shift"], p["output_offset"],
                           p["output_mult"], p["output_shift"], p["act_min"], p["act_max"])
        d = dims(a.shape)
        assert lib.tmcu_add_s8(ctypes.byref(params), ctypes.byref(d), ptr(a), ctypes.byref(d), ptr(b),
                               ctypes.byref(d), ptr(out)) == 0
        np.testing.assert_array_equal(out, c["output"])
    for c in load_family("elementwise_mul"):
        p = c.params
        a, b = arr(c, "input_1", np.int8), arr(c, "input_2", np.int8)
        out = np.zeros_like(a)
        params = MulParams(p["input_1_offset"], p["input_2_offset"], p["output_offset"], p["output_mult"],
                           p["output_shift"], p["act_min"], p["act_max"])
        d = dims(a.shape)
        assert lib.tmcu_mul_s8(ctypes.byref(params), ctypes.byref(d), ptr(a), ctypes.byref(d), ptr(b),
                               ctypes.byref(d), ptr(out)) == 0
        np.testing.assert_array_equal(out, c["output"])
    for family, fn in (("avgpool", "tmcu_avg_pool2d_s8"), ("maxpool", "tmcu_max_pool2d_s8")):
        for c in load_family(family):
            x = arr(c, "input", np.int8)
            out = np.zeros(c["output"].shape, np.int8)
            params = PoolParams(c["kh"], c["kw"], c["stride_h"], c["stride_w"], c["pad_h"], c["pad_w"], c["act_min"],
                                c["act_max"])
            args = [ctypes.byref(params), ctypes.byref(dims(x.shape)), ptr(x), ctypes.byref(dims(out.shape)), ptr(out)]
            assert getattr(lib, fn)(*args, *([NO_SCRATCH] if family == "avgpool" else [])) == 0
            np.testing.assert_array_equal(out, c["output"], err_msg=f"{family} case {c.index}")
    for c in load_family("softmax"):
        x = arr(c, "input", np.int8)
        out = np.zeros_like(x)
        assert lib.tmcu_softmax_s8(ptr(x), x.shape[0], x.shape[1], c["mult"], c["shift"], c["diff_min"], ptr(out)) == 0
        np.testing.assert_array_equal(out, c["output"], err_msg=f"softmax case {c.index}")
    for c in load_family("pad"):
        p = c.params
        x = arr(c, "input", np.int8)
        out = np.zeros(c["output"].shape, np.int8)
        pre = dims([p["pre_n"], p["pre_h"], p["pre_w"], p["pre_c"]])
        post = dims([p["post_n"], p["post_h"], p["post_w"], p["post_c"]])
        assert lib.tmcu_pad_s8(ctypes.byref(dims(x.shape)), ptr(x), ctypes.byref(pre), ctypes.byref(post),
                               ctypes.c_int8(p["pad_value"]), ptr(out)) == 0
        np.testing.assert_array_equal(out, c["output"])
    for c in load_family("transpose"):
        p = c.params
        x = arr(c, "input", np.int8)
        rank = p["num_dims"]
        perm = np.array([p[f"perm_{i}"] for i in range(rank)], np.int32)
        out = np.zeros(c["output"].shape, np.int8)
        assert lib.tmcu_transpose_s8(ctypes.byref(dims(x.shape)), rank, ptr(perm), ptr(x), ptr(out)) == 0
        np.testing.assert_array_equal(out, c["output"])
    for c in load_family("minimum_maximum"):
        a, b = arr(c, "input_1", np.int8), arr(c, "input_2", np.int8)
        for fn, key in (("tmcu_minimum_s8", "output_minimum"), ("tmcu_maximum_s8", "output_maximum")):
            out = np.zeros(c[key].shape, np.int8)
            assert getattr(lib, fn)(ctypes.byref(dims(a.shape)), ptr(a), ctypes.byref(dims(b.shape)), ptr(b),
                                    ctypes.byref(dims(out.shape)), ptr(out)) == 0
            np.testing.assert_array_equal(out, c[key])


def assert_on_host(backend, case_list) -> None:
    """Cases from tests/target/cases.py (shared with the QEMU harness) through the host build."""
    for case, result in zip(case_list, harness.run_on_host(case_list, backend)):
        harness.assert_matches(case, result, backend)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**20), c_in=st.integers(1, 8), c_out=st.integers(1, 8), kh=st.integers(1, 4),
       kw=st.integers(1, 4), stride=st.integers(1, 3), pad=st.integers(0, 2), dilation=st.integers(1, 2),
       kind=st.sampled_from(["conv", "depthwise", "transpose", "grouped"]))
def test_convolutions_match_reference(backend, seed, c_in, c_out, kh, kw, stride, pad, dilation, kind):
    rng = np.random.default_rng(seed)
    groups = 2 if kind == "grouped" else 1
    if kind == "transpose":
        # Up to 24 input channels: CMSIS-NN switches to its reverse-conv path above 16.
        c_in, dilation, pad = c_in * 3, 1, min(pad, kh - 1, kw - 1)
    h, w = int(rng.integers(kh * dilation, 10)), int(rng.integers(kw * dilation, 10))
    # A fifth of the cases have no bias (CMSIS-NN's grouped conv mishandles a NULL one).
    case = cases.convolution(rng, "conv" if kind == "grouped" else kind, "scalar", input_nhwc=(1, h, w, c_in * groups),
                             c_out=c_out * groups, kernel_hw=(kh, kw), stride_hw=(stride, stride), pad_hw=(pad, pad),
                             dilation=dilation, groups=groups, bias=seed % 5 != 0)
    if case is not None:  # None: the output would be empty
        assert_on_host(backend, [case])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**20), shape_a=st.lists(st.integers(1, 4), min_size=4, max_size=4),
       broadcast=st.lists(st.booleans(), min_size=4, max_size=4), swap=st.booleans())
def test_broadcast_elementwise_match_reference(backend, seed, shape_a, broadcast, swap):
    rng = np.random.default_rng(seed)
    shape_b = [1 if bc else s for s, bc in zip(shape_a, broadcast)]
    shapes = (shape_b, shape_a) if swap else (shape_a, shape_b)
    assert_on_host(backend, [cases.elementwise_case(rng, op, shapes) for op in ("add", "mul", "minimum", "maximum")])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**20), scale=st.floats(1e-3, 10.0), zero_point=st.integers(-128, 127))
def test_quantize_dequantize_lut_match_reference(backend, seed, scale, zero_point):
    rng = np.random.default_rng(seed)
    scale = float(np.float32(scale))
    x = (rng.standard_normal(257) * 200 * scale).astype(np.float32)
    x[:3] = [0.5 * scale, -0.5 * scale, 1.5 * scale]  # ties round to even, as nearbyintf does
    assert_on_host(backend, cases.quantize_cases(rng, x, scale, zero_point))


def test_bad_arguments_are_refused_not_crashed(backend):
    lib = library(backend)
    x = np.zeros((1, 4, 4, 3), np.int8)
    w = np.zeros((2, 3, 3, 3), np.int8)
    out = np.zeros((1, 2, 2, 2), np.int8)
    mult, shift = np.full(2, 2**30, np.int32), np.zeros(2, np.int32)
    for params in (ConvParams(0, 0, 0, 1, 0, 0, 1, 1, -128, 127),  # stride 0
                   ConvParams(0, 0, 1, 1, 0, 0, 1, 1, 10, -10),  # act_min > act_max
                   ConvParams(0, 0, 1, 1, -1, 0, 1, 1, -128, 127)):  # negative padding
        assert lib.tmcu_conv2d_s8(ctypes.byref(params), ctypes.byref(quant(mult, shift)), ctypes.byref(dims(x.shape)),
                                  ptr(x), ctypes.byref(dims(w.shape)), ptr(w), None, ctypes.byref(dims(out.shape)),
                                  ptr(out), NO_SCRATCH) == -1
    bad_shift = np.full(2, 40, np.int32)
    ok = ConvParams(0, 0, 1, 1, 0, 0, 1, 1, -128, 127)
    assert lib.tmcu_conv2d_s8(ctypes.byref(ok), ctypes.byref(quant(mult, bad_shift)), ctypes.byref(dims(x.shape)),
                              ptr(x), ctypes.byref(dims(w.shape)), ptr(w), None, ctypes.byref(dims(out.shape)), ptr(out),
                              NO_SCRATCH) == -1
    assert lib.tmcu_softmax_s8(None, 1, 4, 2**30, 20, -100, ptr(out)) == -1
    assert lib.tmcu_transpose_s8(ctypes.byref(dims(x.shape)), 3, ptr(np.array([0, 0, 1], np.int32)), ptr(x),
                                 ptr(np.zeros(48, np.int8))) == -1  # not a permutation
    pooled = np.zeros((1, 3, 2, 3), np.int8)
    assert lib.tmcu_adaptive_pool2d_s8(ctypes.byref(dims(x.shape)), ptr(x), 2, ctypes.byref(dims(pooled.shape)),
                                       ptr(pooled)) == -1  # average neither 0 nor 1
    assert lib.tmcu_upsample_bilinear2d_s8(ctypes.byref(dims(x.shape)), ptr(x), 0, ctypes.byref(dims(out.shape)),
                                           ptr(out)) == -1  # channels differ
    assert lib.tmcu_prelu_s8(ptr(x), 16, 3, ptr(np.zeros(3, np.int32)), ptr(np.full(3, 40, np.int32)), 0, 0, 2**30,
                             0, ptr(x)) == -1  # shift out of range
    row_shift = np.array([0, 0, 40], np.int32)  # the last of a row's shifts out of range
    assert lib.tmcu_layer_norm_s8(ptr(x), 16, 3, ptr(np.full(3, 2**30, np.int32)), ptr(row_shift),
                                  ptr(np.zeros(3, np.int32)), 0, 0, ctypes.c_int64(1), 1, ptr(x)) == -1


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_every_op_matches_reference_on_random_cases(backend, seed):
    """Every numeric-core function, through the same case generators and dispatcher the
    QEMU harness uses (tests/target), scratch sized for a scalar core."""
    case_list = cases.all_cases("scalar", seed=seed, per_op=1)
    # Convolution shapes can come out empty (then skipped); every other op is always there.
    assert set(harness.OPS) - {"conv2d", "depthwise_conv2d", "transpose_conv2d"} <= {c.op for c in case_list}
    assert_on_host(backend, case_list)
