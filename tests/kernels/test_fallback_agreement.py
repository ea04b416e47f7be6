"""The Python fallback predicates agree with the CMSIS-NN wrappers, call by call.

A firmware links an op's portable kernel only when its Python predicate
(`cmsis_nn_fallback` in host/torchmcu/ops/<op>.py, evaluated by
torchmcu.selection) says some call may reach it. Here the CMSIS-NN backend is
built with a kernel selection that leaves out every portable fallback, so a
wrapper that hands a call to the portable kernel returns TMCU_ERR_NOT_SELECTED
instead. For every case the seeded generators of tests/target/cases.py make,
plus shapes chosen to sit on either side of each condition, the C side must
fall back exactly when the predicate says so: a fallback the predicate misses
would fail on a device; a predicate that fires without one links dead code.

Two conditions depend on the CMSIS-NN release the firmware links, which the
host cannot know, so their predicates say "may" for every such call: grouped
convolutions (the release's sizer decides whether the plan suffices) and
column-buffer transpose convolutions with pad_h % stride_h != 0 (releases
before the row-flush fix miscompute them). There the C side may stay on
CMSIS-NN, but must never fall back where the predicate says it cannot.

The host build compiles CMSIS-NN's scalar code, so the predicates run with
isa="scalar"; the Helium-only conditions are the target tests' (tests/target).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.kernels.nn_lib import cmsis_nn_path
from tests.target import cases as c
from tests.target.harness import ROLE_SCRATCH, Case, run_on_host
from torchmcu.ops._fallback import TensorArg
from torchmcu.selection import Selection, every_kernel, render_header

pytestmark = pytest.mark.skipif(cmsis_nn_path() is None, reason="CMSIS_NN_PATH does not name a CMSIS-NN checkout "
                                                                 "(export CMSIS_NN_PATH=../shared/cmsis-nn)")
TMCU_ERR_NOT_SELECTED = -4
ISA = "scalar"


def _tensor(shape, itemsize: int = 1) -> TensorArg:
    shape = tuple(int(s) for s in shape)
    return TensorArg(shape, int(np.prod(shape)) * itemsize)


def _optional(array) -> TensorArg | None:
    return None if array is None else _tensor(array.shape, array.itemsize)


def _scratch(case: Case, index: int) -> TensorArg | None:
    sizes = [int(v) for role, v in case.buffers if role == ROLE_SCRATCH]
    return TensorArg((sizes[index],), sizes[index]) if index < len(sizes) and sizes[index] else None


def _convolution(case: Case, dims_at: int) -> dict:
    p = case.params
    dims = p[dims_at:dims_at + 12]
    return {"input": _tensor(dims[0:4]), "weight": _tensor(dims[4:8]), "out": _tensor(dims[8:12]),
            "bias": _optional(case.buffers[2][1]), "stride": p[2:4], "padding": p[4:6], "dilation": p[6:8],
            "scratch": _scratch(case, 0), "reverse_scratch": _scratch(case, 1)}


def _two_inputs(case: Case) -> dict:
    a, b = case.buffers[0][1], case.buffers[1][1]
    return {"input1": _tensor(a.shape), "input2": _tensor(b.shape)}


def predicate_args(case: Case) -> dict:
    """The op's arguments as torchmcu.selection reads them from a program, for the predicate."""
    if case.op in ("conv2d", "transpose_conv2d"):
        return _convolution(case, 10)
    if case.op == "depthwise_conv2d":
        return _convolution(case, 11)
    if case.op == "linear":
        return {"kernel_sum": _optional(case.buffers[3][1])}
    if case.op == "add":
        return {**_two_inputs(case), "left_shift": case.params[6]}
    if case.op in ("mul", "minimum", "maximum"):
        return _two_inputs(case)
    if case.op == "transpose":
        rank = case.params[4]
        return {"input": _tensor(case.buffers[0][1].shape), "perm": case.params[5:5 + rank]}
    raise AssertionError(f"no predicate arguments for {case.op}")


def release_dependent(case: Case, args: dict) -> bool:
    """Calls whose fallback the firmware's CMSIS-NN release decides (see the module docstring)."""
    if case.op == "conv2d":
        return args["weight"].dims[3] != args["input"].dims[3]
    if case.op == "transpose_conv2d":
        return args["padding"][0] % args["stride"][0] != 0
    return False


def boundary_cases(rng) -> list[Case]:
    """Calls on each side of every condition the wrappers test, whatever the seed draws."""
    conv = lambda kind, **kw: c.convolution(rng, kind, ISA, **kw)  # noqa: E731
    add = c.elementwise_case(rng, "add", ((1, 2, 3, 4), (1, 2, 3, 4)))
    low_shift = Case(add.op, add.params[:6] + [15] + add.params[7:], add.buffers, add.expected, "add left shift 15")
    return [
        conv("depthwise", input_nhwc=(1, 6, 6, 4), c_out=1, kernel_hw=(3, 3), stride_hw=(1, 1), pad_hw=(2, 2)),
        conv("depthwise", input_nhwc=(1, 6, 6, 4), c_out=1, kernel_hw=(3, 3), stride_hw=(1, 1), pad_hw=(3, 3)),
        conv("depthwise", input_nhwc=(1, 6, 6, 4), c_out=1, kernel_hw=(2, 4), stride_hw=(1, 1), pad_hw=(1, 2)),
        conv("conv", input_nhwc=(1, 6, 6, 4), c_out=6, kernel_hw=(3, 3), stride_hw=(1, 1), pad_hw=(1, 1), groups=2),
        conv("conv", input_nhwc=(1, 6, 6, 4), c_out=6, kernel_hw=(3, 3), stride_hw=(1, 1), pad_hw=(1, 1), groups=2,
             bias=False),
        conv("transpose", input_nhwc=(1, 4, 4, 3), c_out=2, kernel_hw=(3, 3), stride_hw=(2, 2), pad_hw=(1, 1)),
        conv("transpose", input_nhwc=(1, 4, 4, 3), c_out=2, kernel_hw=(4, 4), stride_hw=(2, 2), pad_hw=(2, 2)),
        conv("transpose", input_nhwc=(1, 3, 3, 20), c_out=3, kernel_hw=(3, 3), stride_hw=(1, 1), pad_hw=(2, 2)),
        add, low_shift,
        c.elementwise_case(rng, "mul", ((1, 2, 3, 4), (1, 1, 3, 1))),
        c.elementwise_case(rng, "minimum", ((1, 2, 3, 4), (1, 1, 1, 1))),
        c.elementwise_case(rng, "maximum", ((1, 2, 3, 4), (1, 2, 1, 4))),
        *_transposes(rng),
    ]


def _transposes(rng) -> list[Case]:
    x = c._int8(rng, (2, 3, 4, 5))
    made = []
    for perm in ([0, 1, 2, 3], [0, 2, 1, 3], [3, 2, 1, 0]):
        expected = c.ops.transpose(c.t(x), perm).numpy()
        made.append(Case("transpose", [*x.shape, 4, *perm], [(c.ROLE_INPUT, x), (c.ROLE_OUTPUT, expected.nbytes)],
                         [expected], f"transpose {x.shape} {perm}"))
    return made


def test_each_wrapper_falls_back_exactly_when_its_predicate_says_so():
    from torchmcu.ops._library import all_ops

    predicates = {name: op.cmsis_nn_fallback for name, op in all_ops().items() if op.cmsis_nn_fallback}
    rng = np.random.default_rng(20)
    cases = [case for case in c.all_cases(ISA, seed=20, per_op=6) + boundary_cases(rng)
             if case is not None and case.op in predicates]
    no_fallbacks = render_header(Selection(every_kernel().kernels, set(), ["(no portable fallbacks)"]))
    results = run_on_host(cases, "cmsis_nn", selection_header=no_fallbacks)
    seen = {(name, side): 0 for name in predicates for side in (True, False)}
    disagreements = []
    for case, result in zip(cases, results):
        args = predicate_args(case)
        says = bool(predicates[case.op](args, ISA))
        falls_back = result.status == TMCU_ERR_NOT_SELECTED
        assert falls_back or result.status == 0, f"{case.label}: status {result.status}"
        seen[case.op, falls_back] += 1
        if falls_back and not says or says and not falls_back and not release_dependent(case, args):
            disagreements.append(f"{case.label} (params {case.params}): predicate {says}, C falls back {falls_back}")
    assert not disagreements, "\n".join(disagreements)
    # Every op's wrapper was seen both falling back and not, except where the scalar build never falls back.
    never_on_scalar = {"linear"}  # MVE without precomputed kernel sums only
    missing = [f"{op} {'falling back' if side else 'on CMSIS-NN'}" for (op, side), n in seen.items()
               if n == 0 and not (side and op in never_on_scalar)]
    assert not missing, f"no case covered: {', '.join(missing)}"
