"""torchmcu.scratch_sizes equals CMSIS-NN's sizers: golden vectors and the wheel's compiled bindings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.host.golden import load_family
from torchmcu import scratch_sizes as sizes

COLUMNS = {"scalar": "buf_size", "dsp": "buf_size_dsp", "mve": "buf_size_mve"}


@pytest.mark.parametrize("isa", sizes.ISAS)
def test_conv2d_golden(isa):
    for c in load_family("convolve"):
        got = sizes.conv2d_scratch_bytes(
            isa, input_nhwc=[c["n"], c["h"], c["w"], c["c_in"]], filter_ohwi=[c["c_out"], c["kh"], c["kw"], c["filter_c"]],
            output_nhwc=[c["n"], c["out_h"], c["out_w"], c["c_out"]], stride_hw=[c["stride_h"], c["stride_w"]],
            padding_hw=[c["pad_h"], c["pad_w"]], dilation_hw=[c["dilation_h"], c["dilation_w"]],
            groups=c["c_in"] // c["filter_c"],
        )
        assert got == c[COLUMNS[isa]], (c.index, c.note)


@pytest.mark.parametrize("isa", sizes.ISAS)
def test_depthwise_golden(isa):
    for c in load_family("depthwise"):
        c_out = c["c_in"] * c["ch_mult"]
        got = sizes.depthwise_conv2d_scratch_bytes(
            isa, input_nhwc=[c["n"], c["h"], c["w"], c["c_in"]], filter_1hwc=[1, c["kh"], c["kw"], c_out],
            output_nhwc=[c["n"], c["out_h"], c["out_w"], c_out], stride_hw=[c["stride_h"], c["stride_w"]],
            padding_hw=[c["pad_h"], c["pad_w"]], dilation_hw=[c["dilation_h"], c["dilation_w"]],
            depth_multiplier=c["ch_mult"],
        )
        assert got == c[COLUMNS[isa]], (c.index, c.note)


@pytest.mark.parametrize("isa", ["scalar", "mve"])
def test_transpose_conv_golden(isa):
    for c in load_family("transpose_conv"):
        ctx, reverse = sizes.transpose_conv2d_scratch_bytes(
            isa, input_nhwc=[c["n"], c["h"], c["w"], c["c_in"]], filter_ohwi=[c["c_out"], c["kh"], c["kw"], c["c_in"]],
            output_nhwc=[c["n"], c["out_h"], c["out_w"], c["c_out"]], stride_hw=[c["stride_h"], c["stride_w"]],
            padding_hw=[c["pad_h"], c["pad_w"]],
        )
        assert ctx == c[COLUMNS[isa]] and reverse == c["reverse_conv_buf_size"], (c.index, c.note)


@pytest.mark.parametrize("isa", sizes.ISAS)
def test_linear_batch_matmul_avgpool_golden(isa):
    for c in load_family("fully_connected"):
        assert sizes.linear_scratch_bytes(isa, in_features=c["in_features"], out_features=c["out_features"]) == \
            c[COLUMNS[isa]]
    for c in load_family("batch_matmul"):
        out = [c["out_n"], c["out_h"], c["out_rows"], c["out_cols"]]
        assert sizes.batch_matmul_scratch_bytes(isa, lhs_nhwc=[], rhs_nhwc=[], output_nhwc=out) == c[COLUMNS[isa]]
    for c in load_family("avgpool"):
        assert sizes.avg_pool2d_scratch_bytes(isa, output_w=c["out_w"], channels=c["c"]) == c[COLUMNS[isa]]


oracle = pytest.importorskip("executorch.backends.cortex_m.library.cmsis_nn")
BACKEND = {"scalar": oracle.Backend.SCALAR, "dsp": oracle.Backend.DSP, "mve": oracle.Backend.MVE}
A8W8 = oracle.DataType.A8W8


@st.composite
def conv_shapes(draw):
    c_in = draw(st.integers(1, 40))
    groups = draw(st.sampled_from([g for g in (1, 2, 4) if c_in % g == 0]))
    kh, kw = draw(st.sampled_from([1, 2, 3, 5])), draw(st.sampled_from([1, 2, 3, 5]))
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.sampled_from([1, 1, 2])), draw(st.sampled_from([1, 1, 2]))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    out_h = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    out_w = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    if out_h < 1 or out_w < 1:
        h, w, ph, pw, dh, dw, sh, sw = kh, kw, 0, 0, 1, 1, 1, 1
        out_h = out_w = 1
    return dict(c_in=c_in, groups=groups, k=(kh, kw), hw=(h, w), s=(sh, sw), d=(dh, dw), p=(ph, pw),
                out=(out_h, out_w), mult=draw(st.integers(1, 3)), c_out=draw(st.integers(1, 33)))


@settings(max_examples=300, deadline=None)
@given(shape=conv_shapes(), isa=st.sampled_from(sizes.ISAS))
def test_conv_and_depthwise_match_oracle(shape, isa):
    s = shape
    c_out = s["c_out"] * s["groups"]
    common = dict(input_nhwc=[1, *s["hw"], s["c_in"]], padding_hw=list(s["p"]), stride_hw=list(s["s"]),
                  dilation_hw=list(s["d"]))
    filter_ohwi = [c_out, *s["k"], s["c_in"] // s["groups"]]
    expected = oracle.convolve_wrapper_buffer_size(BACKEND[isa], A8W8, filter_nhwc=filter_ohwi,
                                                   output_nhwc=[1, *s["out"], c_out], **common)
    assert sizes.conv2d_scratch_bytes(isa, filter_ohwi=filter_ohwi, output_nhwc=[1, *s["out"], c_out],
                                      groups=s["groups"], **common) == expected
    dw_out = s["c_in"] * s["mult"]
    expected = oracle.depthwise_conv_wrapper_buffer_size(
        BACKEND[isa], A8W8, filter_nhwc=[1, *s["k"], dw_out], output_nhwc=[1, *s["out"], dw_out], ch_mult=s["mult"],
        **common)
    assert sizes.depthwise_conv2d_scratch_bytes(isa, filter_1hwc=[1, *s["k"], dw_out],
                                                output_nhwc=[1, *s["out"], dw_out], depth_multiplier=s["mult"],
                                                **common) == expected


@settings(max_examples=200, deadline=None)
@given(c_in=st.integers(1, 40), c_out=st.integers(1, 40), k=st.integers(1, 5), s=st.integers(1, 3),
       hw=st.integers(1, 9), isa=st.sampled_from(sizes.ISAS), features=st.integers(1, 300), width=st.integers(1, 40))
def test_transpose_conv_linear_pool_match_oracle(c_in, c_out, k, s, hw, isa, features, width):
    out = (hw - 1) * s + k
    params = dict(input_nhwc=[1, hw, hw, c_in], filter_nhwc=[c_out, k, k, c_in], padding_hw=[0, 0],
                  stride_hw=[s, s], dilation_hw=[1, 1])
    ctx = oracle.transpose_conv_buffer_size(BACKEND[isa], A8W8, output_nhwc=[1, out, out, c_out], **params)
    reverse = oracle.transpose_conv_reverse_conv_buffer_size(BACKEND[isa], A8W8, **params)
    assert sizes.transpose_conv2d_scratch_bytes(
        isa, input_nhwc=[1, hw, hw, c_in], filter_ohwi=[c_out, k, k, c_in], output_nhwc=[1, out, out, c_out],
        stride_hw=[s, s], padding_hw=[0, 0]) == (ctx, reverse)
    assert sizes.linear_scratch_bytes(isa, in_features=width, out_features=features) == \
        oracle.fully_connected_buffer_size(BACKEND[isa], A8W8, filter_nhwc=[width, 1, 1, features])
    assert sizes.avg_pool2d_scratch_bytes(isa, output_w=width, channels=features) == \
        oracle.avgpool_buffer_size(BACKEND[isa], A8W8, dim_dst_width=width, ch_src=features)


def test_unknown_isa_is_rejected():
    with pytest.raises(ValueError, match="valid: scalar, dsp, mve"):
        sizes.avg_pool2d_scratch_bytes("helium", output_w=1, channels=1)
