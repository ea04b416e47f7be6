"""The Python references reproduce real CMSIS-NN outputs bit for bit.

Cases come from ../shared/cmsis_nn_vectors (see its README for every key).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import torchmcu.ops  # noqa: F401
from torchmcu import qmath
from tests.host.golden import case_ids, load_family

ops = torch.ops.torchmcu


def t(array) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array))


def padding_from_output(c, in_h, in_w, kh, kw, dil_h=1, dil_w=1) -> list[int]:
    """[top, left, bottom, right]: bottom/right follow from the stored output size."""
    bottom = (c["out_h"] - 1) * c["stride_h"] + dil_h * (kh - 1) + 1 - in_h - c["pad_h"]
    right = (c["out_w"] - 1) * c["stride_w"] + dil_w * (kw - 1) + 1 - in_w - c["pad_w"]
    return [c["pad_h"], c["pad_w"], max(bottom, 0), max(right, 0)]


def bias_or_none(c):
    return t(c["bias"]) if c["has_bias"] else None


def assert_exact(actual: torch.Tensor, expected) -> None:
    np.testing.assert_array_equal(actual.numpy(), np.asarray(expected))


@pytest.mark.parametrize("index", range(72), ids=case_ids("convolve"))
def test_conv2d(index):
    c = load_family("convolve")[index]
    out = ops.conv2d(
        t(c["input"]), t(c["filter"]), bias_or_none(c), [c["stride_h"], c["stride_w"]],
        padding_from_output(c, c["h"], c["w"], c["kh"], c["kw"], c["dilation_h"], c["dilation_w"]),
        [c["dilation_h"], c["dilation_w"]], c["c_in"] // c["filter_c"], c["input_offset"], c["output_offset"],
        t(c["multiplier"]), t(c["shift"]), c["act_min"], c["act_max"],
    )
    assert_exact(out, c["output"])


@pytest.mark.parametrize("index", range(66), ids=case_ids("depthwise"))
def test_depthwise_conv2d(index):
    c = load_family("depthwise")[index]
    out = ops.depthwise_conv2d(
        t(c["input"]), t(c["filter"]), bias_or_none(c), [c["stride_h"], c["stride_w"]],
        padding_from_output(c, c["h"], c["w"], c["kh"], c["kw"], c["dilation_h"], c["dilation_w"]),
        [c["dilation_h"], c["dilation_w"]], c["ch_mult"], c["input_offset"], c["output_offset"],
        t(c["multiplier"]), t(c["shift"]), c["act_min"], c["act_max"],
    )
    assert_exact(out, c["output"])


@pytest.mark.parametrize("index", range(52), ids=case_ids("transpose_conv"))
def test_transpose_conv2d(index):
    c = load_family("transpose_conv")[index]
    # CMSIS-NN crops pad from the top/left of the full map; PyTorch's
    # output_padding extends bottom/right, where positions beyond the map are 0.
    full_h = (c["h"] - 1) * c["stride_h"] + c["kh"]
    full_w = (c["w"] - 1) * c["stride_w"] + c["kw"]
    out = ops.transpose_conv2d(
        t(c["input"]), t(c["filter"]), bias_or_none(c), [c["stride_h"], c["stride_w"]],
        [c["pad_h"], c["pad_w"]],
        [c["out_h"] - (full_h - 2 * c["pad_h"]), c["out_w"] - (full_w - 2 * c["pad_w"])],
        c["input_offset"], c["output_offset"], t(c["multiplier"]), t(c["shift"]), c["act_min"], c["act_max"],
    )
    assert_exact(out, c["output"])


@pytest.mark.parametrize("index", range(64), ids=case_ids("fully_connected"))
def test_linear(index):
    c = load_family("fully_connected")[index]
    weight = t(c["filter"])
    out = ops.linear(
        t(c["input"]), weight, bias_or_none(c), None, c["input_offset"], c["output_offset"],
        t(c["multiplier"]), t(c["shift"]), c["act_min"], c["act_max"],
    )
    assert_exact(out, c["output"])
    from torchmcu.ops.linear import kernel_sum

    assert_exact(kernel_sum(weight, t(c["bias"]), c["input_offset"]), c["kernel_sum"])


@pytest.mark.parametrize("index", range(44), ids=case_ids("batch_matmul"))
def test_batch_matmul(index):
    c = load_family("batch_matmul")[index]
    out = ops.batch_matmul(
        t(c["lhs"]), t(c["rhs"]), c["lhs_offset"], c["rhs_offset"], c["output_offset"], c["multiplier"],
        c["shift"], c["act_min"], c["act_max"],
    )
    assert_exact(out, c["output"])


@pytest.mark.parametrize("family,op", [("avgpool", "avg_pool2d"), ("maxpool", "max_pool2d")])
def test_pooling(family, op):
    for c in load_family(family):
        padding = padding_from_output(c, c["h"], c["w"], c["kh"], c["kw"])
        out = getattr(ops, op)(
            t(c["input"]), [c["kh"], c["kw"]], [c["stride_h"], c["stride_w"]], padding, c["act_min"], c["act_max"]
        )
        assert_exact(out, c["output"])


def test_softmax():
    for c in load_family("softmax"):
        out = ops.softmax(t(c["input"]), c["mult"], c["shift"], c["diff_min"])
        assert_exact(out, c["output"])


def test_add():
    for c in load_family("elementwise_add"):
        p = c.params
        out = ops.add(
            t(c["input_1"]), t(c["input_2"]), p["input_1_offset"], p["input_1_mult"], p["input_1_shift"],
            p["input_2_offset"], p["input_2_mult"], p["input_2_shift"], p["left_shift"], p["output_offset"],
            p["output_mult"], p["output_shift"], p["act_min"], p["act_max"],
        )
        assert_exact(out, c["output"])


def test_mul():
    for c in load_family("elementwise_mul"):
        p = c.params
        out = ops.mul(
            t(c["input_1"]), t(c["input_2"]), p["input_1_offset"], p["input_2_offset"], p["output_offset"],
            p["output_mult"], p["output_shift"], p["act_min"], p["act_max"],
        )
        assert_exact(out, c["output"])


def test_pad():
    for c in load_family("pad"):
        p = c.params
        pre = [p["pre_n"], p["pre_h"], p["pre_w"], p["pre_c"]]
        post = [p["post_n"], p["post_h"], p["post_w"], p["post_c"]]
        assert_exact(ops.pad(t(c["input"]), pre, post, p["pad_value"]), c["output"])


def test_transpose():
    for c in load_family("transpose"):
        p = c.params
        rank = p["num_dims"]
        perm = [p[f"perm_{i}"] for i in range(rank)]
        assert_exact(ops.transpose(t(c["input"]), perm), c["output"])


def test_minimum_maximum():
    for c in load_family("minimum_maximum"):
        a, b = t(c["input_1"]), t(c["input_2"])
        assert_exact(ops.minimum(a, b), c["output_minimum"])
        assert_exact(ops.maximum(a, b), c["output_maximum"])


@pytest.mark.parametrize("single_rounding", [False, True])
def test_requantize(single_rounding):
    from tests.host.golden import VECTORS_DIR

    path = VECTORS_DIR / "requantize.npz"
    if not path.exists():
        pytest.skip(f"golden vectors not found at {path}")
    d = np.load(path)
    out = qmath.requantize(t(d["value"]), t(d["multiplier"]), t(d["shift"]), single_rounding=single_rounding)
    expected = d["result_single_rounding"] if single_rounding else d["result"]
    assert_exact(out.to(torch.int32), expected)
