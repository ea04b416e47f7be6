"""Scratch planned into the .pte equals CMSIS-NN's own sizers, per ISA.

Each model holds many independent branches (one input each), so one compile
covers a sweep of shapes. The oracle is CMSIS-NN's compiled sizers shipped in
the executorch wheel (a test-only import; product code never uses it).
"""

from __future__ import annotations

import random
import warnings

import numpy as np
import pytest
import torch
from torch import nn

from tests.host.conftest import compiled_model
from torchmcu.compiler import compile as compile_model
from torchmcu.plan import lower_bound_bytes
from torchmcu.run import run_program

oracle = pytest.importorskip("executorch.backends.cortex_m.library.cmsis_nn")
TARGETS = {"scalar": "cortex-m3", "dsp": "cortex-m4", "mve": "cortex-m55"}
BACKENDS = {"scalar": oracle.Backend.SCALAR, "dsp": oracle.Backend.DSP, "mve": oracle.Backend.MVE}
A8W8 = oracle.DataType.A8W8


class Branches(nn.Module):
    """Applies layer i to input i; one output per branch."""

    def __init__(self, layers: list[nn.Module]) -> None:
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def forward(self, *inputs):
        return tuple(layer(x) for layer, x in zip(self.layers, inputs))


def compile_branches(layers, shapes, target):
    model = Branches(layers).eval()
    generator = torch.Generator().manual_seed(0)
    calibration = [tuple(torch.randn(s, generator=generator) for s in shapes) for _ in range(2)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile_model(model, calibration[0], target=target, calibration=calibration)


def scratch_by_op(plan, op_name):
    return [op for op in plan["ops"] if op["op"].startswith(f"torchmcu::{op_name}.")]


def conv_cases(seed: int, count: int):
    rng = random.Random(seed)
    cases = []
    while len(cases) < count:
        c_in, c_out = rng.choice([1, 3, 4, 7, 8, 16, 17]), rng.choice([1, 4, 5, 8, 16, 24])
        k = rng.choice([(1, 1), (3, 3), (1, 3), (5, 5), (3, 1)])
        stride, dilation, padding = rng.choice([1, 2]), rng.choice([1, 1, 2]), rng.choice([0, 1])
        h, w = rng.choice([1, 5, 8]), rng.choice([6, 9, 12])
        out_h = (h + 2 * padding - dilation * (k[0] - 1) - 1) // stride + 1
        out_w = (w + 2 * padding - dilation * (k[1] - 1) - 1) // stride + 1
        if out_h > 0 and out_w > 0:
            cases.append(dict(c_in=c_in, c_out=c_out, k=k, stride=stride, dilation=dilation, padding=padding, h=h, w=w))
    return cases


@pytest.mark.parametrize("isa", list(TARGETS))
def test_conv2d_scratch_matches_cmsis_nn(isa):
    cases = conv_cases(1, 14) + [  # the wrapper's fast paths, explicitly
        dict(c_in=16, c_out=8, k=(1, 1), stride=1, dilation=1, padding=0, h=4, w=4),  # 1x1 fast
        dict(c_in=16, c_out=8, k=(1, 1), stride=2, dilation=1, padding=0, h=6, w=6),  # 1x1 strided
        dict(c_in=8, c_out=8, k=(1, 5), stride=1, dilation=1, padding=0, h=1, w=16),  # 1xN
    ]
    layers = [nn.Conv2d(c["c_in"], c["c_out"], c["k"], c["stride"], c["padding"], c["dilation"]) for c in cases]
    program = compile_branches(layers, [(1, c["c_in"], c["h"], c["w"]) for c in cases], TARGETS[isa])
    ops = scratch_by_op(program.plan, "conv2d")
    assert len(ops) == len(cases)
    for c, op in zip(cases, ops):
        out = op["outputs"][0]["shape"]
        expected = oracle.convolve_wrapper_buffer_size(
            BACKENDS[isa], A8W8, input_nhwc=[1, c["h"], c["w"], c["c_in"]],
            filter_nhwc=[c["c_out"], *c["k"], c["c_in"]], output_nhwc=out, padding_hw=[c["padding"]] * 2,
            stride_hw=[c["stride"]] * 2, dilation_hw=[c["dilation"]] * 2,
        )
        assert op["scratch_bytes"] == expected, (isa, c)


@pytest.mark.parametrize("isa", list(TARGETS))
def test_depthwise_scratch_matches_cmsis_nn(isa):
    rng = random.Random(2)
    cases = []
    for _ in range(14):
        c_in, mult = rng.choice([1, 3, 8, 16, 17]), rng.choice([1, 1, 2, 3])
        k, stride, padding = rng.choice([(3, 3), (5, 5), (3, 1)]), rng.choice([1, 2]), rng.choice([0, 1])
        cases.append(dict(c_in=c_in, mult=mult, k=k, stride=stride, padding=padding, h=8, w=9))
    cases = [c for c in cases if c["c_in"] > 1]  # groups == 1 is a plain conv
    layers = [nn.Conv2d(c["c_in"], c["c_in"] * c["mult"], c["k"], c["stride"], c["padding"], groups=c["c_in"])
              for c in cases]
    program = compile_branches(layers, [(1, c["c_in"], c["h"], c["w"]) for c in cases], TARGETS[isa])
    ops = scratch_by_op(program.plan, "depthwise_conv2d")
    assert len(ops) == len(cases)
    for c, op in zip(cases, ops):
        expected = oracle.depthwise_conv_wrapper_buffer_size(
            BACKENDS[isa], A8W8, input_nhwc=[1, c["h"], c["w"], c["c_in"]],
            filter_nhwc=[1, *c["k"], c["c_in"] * c["mult"]], output_nhwc=op["outputs"][0]["shape"],
            padding_hw=[c["padding"]] * 2, stride_hw=[c["stride"]] * 2, dilation_hw=[1, 1], ch_mult=c["mult"],
        )
        assert op["scratch_bytes"] == expected, (isa, c)


@pytest.mark.parametrize("isa", list(TARGETS))
def test_transpose_conv_and_pool_scratch_matches_cmsis_nn(isa):
    cases = [dict(c_in=c_in, c_out=c_out, k=k, stride=s) for c_in, c_out, k, s in
             [(4, 8, 3, 2), (20, 8, 3, 2), (17, 5, 2, 2), (8, 16, 4, 2), (32, 4, 3, 1), (3, 3, 5, 3)]]
    layers = [nn.ConvTranspose2d(c["c_in"], c["c_out"], c["k"], c["stride"]) for c in cases]
    pools = [(5, 7, 9), (3, 16, 4), (2, 12, 12)]  # (kernel, channels, size)
    layers += [nn.Sequential(nn.Conv2d(ch, ch, 1), nn.AvgPool2d(k)) for k, ch, _ in pools]
    shapes = [(1, c["c_in"], 5, 6) for c in cases] + [(1, ch, n, n) for _, ch, n in pools]
    program = compile_branches(layers, shapes, TARGETS[isa])
    ops = scratch_by_op(program.plan, "transpose_conv2d")
    assert len(ops) == len(cases)
    for c, op in zip(cases, ops):
        params = dict(input_nhwc=[1, 5, 6, c["c_in"]], filter_nhwc=[c["c_out"], c["k"], c["k"], c["c_in"]],
                      padding_hw=[0, 0], stride_hw=[c["stride"]] * 2, dilation_hw=[1, 1])
        ctx = oracle.transpose_conv_buffer_size(BACKENDS[isa], A8W8, output_nhwc=op["outputs"][0]["shape"], **params)
        reverse = oracle.transpose_conv_reverse_conv_buffer_size(BACKENDS[isa], A8W8, **params)
        planned = {s["argument"]: s["bytes"] for s in op["scratch"]}
        assert planned.get("scratch", 0) == max(ctx, 0) and planned.get("reverse_scratch", 0) == reverse, (isa, c)
    for (k, ch, n), op in zip(pools, scratch_by_op(program.plan, "avg_pool2d")):
        out_w = op["outputs"][0]["shape"][2]
        assert op["scratch_bytes"] == oracle.avgpool_buffer_size(BACKENDS[isa], A8W8, dim_dst_width=out_w, ch_src=ch)


@pytest.mark.parametrize("isa", list(TARGETS))
def test_a_per_tensor_linear_uses_no_scratch_and_mve_kernel_sums_are_constants(isa):
    program = compile_branches([nn.Linear(40, 24)], [(1, 40)], TARGETS[isa])
    (op,) = scratch_by_op(program.plan, "linear")
    assert op["scratch_bytes"] == 0
    mve_bytes = oracle.fully_connected_buffer_size(BACKENDS["mve"], A8W8, filter_nhwc=[40, 1, 1, 24])
    by_name = {c["argument"]: c for c in op["constants"]}
    # MVE: kernel sums (CMSIS-NN's ctx.buf, precomputed on the host) with the bias folded in; else the bias.
    folded, absent = ("kernel_sum", "bias") if isa == "mve" else ("bias", "kernel_sum")
    assert by_name[folded]["dtype"] == "int32" and by_name[folded]["shape"] == [24] and absent not in by_name
    # nn.Linear's rows share one range: per-tensor weights, one multiplier and shift.
    assert by_name["multiplier"]["shape"] == by_name["shift"]["shape"] == [1]
    if isa == "mve":
        assert mve_bytes == 24 * 4


@pytest.mark.parametrize("isa", ["scalar", "dsp", "mve"])
def test_a_per_channel_linear_expands_compact_requantization_into_scratch(isa):
    """Rows of different ranges keep per-row scales. Off Helium they are stored as Q15 multipliers
    and one shift, which the adapter writes out as int32 arrays in a scratch of 8 bytes per output
    feature, planned and counted by the lower bound; Helium keeps the int32 arrays (no scratch).
    The host kernels match the reference either way."""
    linear = nn.Linear(40, 24)
    with torch.no_grad():
        linear.weight.mul_(torch.linspace(0.2, 2.0, 24).unsqueeze(1))
    program = compile_branches([linear], [(1, 40)], TARGETS[isa])
    (op,) = scratch_by_op(program.plan, "linear")
    by_name = {c["argument"]: c for c in op["constants"]}
    compact = isa != "mve"
    assert (by_name["multiplier"]["dtype"], by_name["multiplier"]["shape"]) == ("int16" if compact else "int32", [24])
    assert by_name["shift"]["dtype"] == "int32" and by_name["shift"]["shape"] == ([1] if compact else [24])
    assert op["scratch_bytes"] == (24 * 4 * 2 if compact else 0)
    # Live together: the int8 input (40 B, padded to 48), the output (24 B) and the scratch.
    assert program.plan["arena_bytes"] >= lower_bound_bytes(program.plan) >= 48 + 24 + op["scratch_bytes"]
    x = torch.randn(1, 40, generator=torch.Generator().manual_seed(1))
    (ours,), _ = run_program(program.pte, [x.numpy()])
    np.testing.assert_array_equal(ours, program.run_reference(x)[0].numpy())


def test_scratch_is_its_own_alloc_and_reuses_activation_memory():
    """Scratch lives in the arena at an offset that overlaps an activation freed earlier."""
    program = compile_branches([nn.Sequential(nn.Conv2d(8, 16, 3), nn.ReLU(), nn.Conv2d(16, 16, 3), nn.ReLU(),
                                              nn.Conv2d(16, 8, 3))], [(1, 8, 12, 12)], "cortex-m55")
    ops = program.plan["ops"]
    spans = []
    for op in ops:
        for t in op["inputs"] + op["outputs"]:
            if t["arena_offset"] is not None:
                spans.append((t["arena_offset"], t["arena_offset"] + t["bytes"]))
    scratches = [s for op in ops for s in op["scratch"]]
    assert scratches and all(s["arena_offset"] is not None for s in scratches)
    assert any(s["arena_offset"] < end and start < s["arena_offset"] + s["bytes"]
               for s in scratches for start, end in spans)
    assert program.plan["temp_allocator_bytes"] == 0


@pytest.mark.parametrize("name", ["small_cnn", "ds_cnn", "resnet8", "tiny_transformer", "conv_decoder"])
def test_memory_plan_invariants(name):
    """No plan beats the lower bound, and what one op writes never overlaps anything else it touches in the
    arena (its inputs may share bytes: two views of one tensor)."""
    from torchmcu.plan import lower_bound_bytes

    plan = compiled_model(name)[0].plan
    assert lower_bound_bytes(plan) <= plan["arena_bytes"]
    for op in plan["ops"]:
        def spans(entries):
            return [(t["arena_offset"], t["arena_offset"] + t["bytes"], t["value"]) for t in entries
                    if t["arena_offset"] is not None]
        written, touched = spans(op["outputs"] + op["scratch"]), spans(op["inputs"] + op["outputs"] + op["scratch"])
        for start, end, value in written:
            for other_start, other_end, other in touched:
                assert other == value or end <= other_start or other_end <= start, \
                    f"{name} op {op['index']} ({op['op']}): values {value} and {other} overlap"
        assert all(end <= plan["arena_bytes"] for _, end, _ in touched)
