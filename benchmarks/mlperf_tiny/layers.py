"""The kernel calls of a compiled program as tests/target harness cases: the overhead baseline.

Each torchmcu kernel call in the program's `forward` (read from the very .pte the firmware
embeds) becomes one harness case with the same op, shapes, strides, padding, depth multiplier,
bias and kernel-sum presence, and seeded random int8 data: CMSIS-NN's instruction count depends
on the shapes, not the values. The sum of their counts is what the same layers cost called
directly, without the ExecuTorch runtime or the op adapters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tests.target import cases
from tests.target.harness import Case

# ExecuTorch ops that do no kernel work (a view is a pointer alias).
FREE_OPS = {"executorch_prim::et_view"}


@dataclass
class KernelCall:
    op: str                 # "torchmcu::conv2d", ...
    arguments: dict         # argument name -> shape tuple (tensors), int, float, list or None


def _value(plan, index: int):
    """A program value as Python: a tensor's shape, an int, a float, a list of ints, or None."""
    value = plan.values[index].val
    kind = type(value).__name__
    if kind == "Tensor":
        return tuple(value.sizes)
    if kind in ("Int", "Double", "Bool"):
        return next(iter(vars(value).values()))
    if kind == "IntList":
        return [plan.values[i].val.int_val for i in value.items]
    if kind == "Null":
        return None
    raise ValueError(f"program value {index} has a kind this benchmark does not read: {kind}")


def kernel_calls(pte: bytes) -> list[KernelCall]:
    """The kernel calls of the program's `forward`, in execution order, arguments by name."""
    from executorch.exir._serialize._program import deserialize_pte_binary  # a benchmark may use the wheel

    from torchmcu.op_arguments import argument_names

    program = deserialize_pte_binary(pte).program
    plan = next(p for p in program.execution_plan if p.name == "forward")
    calls = []
    for chain in plan.chains:
        for instruction in chain.instructions:
            call = instruction.instr_args
            if type(call).__name__ != "KernelCall":
                continue
            operator = plan.operators[call.op_index]
            names = argument_names(operator.name, operator.overload) or []
            calls.append(KernelCall(operator.name, {n: _value(plan, i) for n, i in zip(names, call.args)}))
    return calls


def _pair(values: list[int], what: str) -> tuple[int, int]:
    """(h, w) of a 2-list, or of a symmetric 4-list [top, left, bottom, right]."""
    if len(values) == 4 and values[:2] != values[2:]:
        raise ValueError(f"asymmetric {what} {values}: the harness takes one value per axis")
    return values[0], values[1]


def _rank4(shape: tuple[int, ...]) -> tuple[int, ...]:
    return (1,) * (4 - len(shape)) + tuple(shape)


def _convolution(rng, kind: str, isa: str, a: dict) -> Case:
    dilation = _pair(a["dilation"], "dilation")
    if dilation[0] != dilation[1]:
        raise ValueError(f"dilation {a['dilation']}: the harness takes one value")
    weight = a["weight"]
    c_out = a["depth_multiplier"] if kind == "depthwise" else weight[0]
    return cases.convolution(rng, kind, isa, input_nhwc=a["input"], c_out=c_out, kernel_hw=weight[1:3],
                             stride_hw=_pair(a["stride"], "stride"), pad_hw=_pair(a["padding"], "padding"),
                             dilation=dilation[0], groups=a.get("groups", 1), bias=a["bias"] is not None)


def _linear(rng, isa: str, a: dict) -> Case:
    return cases.linear(rng, isa, math.prod(a["input"][:-1]), a["input"][-1], a["weight"][0],
                        per_channel=a["multiplier"][0] > 1, with_bias=a["bias"] is not None,
                        with_kernel_sum=a["kernel_sum"] is not None)


def _pool(rng, op: str, isa: str, a: dict) -> Case:
    return cases.pool(rng, op, isa, a["input"], a["kernel_size"], _pair(a["stride"], "stride"),
                      _pair(a["padding"], "padding"))


def _boundary(rng, op: str, a: dict) -> Case:
    x = rng.standard_normal(math.prod(a["input"])).astype(np.float32)
    quantize, dequantize, _ = cases.quantize_cases(rng, x, a["scale"], a["zero_point"])
    return quantize if op == "quantize_per_tensor" else dequantize


def as_case(call: KernelCall, isa: str, rng) -> Case | None:
    """The harness case for one kernel call; None for a call that does no kernel work."""
    if call.op in FREE_OPS:
        return None
    op = call.op.removeprefix("torchmcu::")
    a = call.arguments
    if op == "conv2d":
        case = _convolution(rng, "conv", isa, a)
    elif op == "depthwise_conv2d":
        case = _convolution(rng, "depthwise", isa, a)
    elif op == "linear":
        case = _linear(rng, isa, a)
    elif op in ("avg_pool2d", "max_pool2d"):
        case = _pool(rng, op, isa, a)
    elif op in ("add", "mul"):
        case = cases.elementwise_case(rng, op, (_rank4(a["input1"]), _rank4(a["input2"])))
    elif op in ("quantize_per_tensor", "dequantize_per_tensor"):
        case = _boundary(rng, op, a)
    elif op == "quantize_per_tensor_nhwc":
        x = rng.standard_normal(a["input"]).astype(np.float32)
        case = cases.quantize_nhwc_case(rng, a["input"], x)
    elif op == "softmax":
        case = cases.softmax(rng, math.prod(a["input"][:-1]), a["input"][-1])
    elif op == "transpose":
        case = cases.transpose(rng.integers(-128, 128, a["input"], dtype=np.int8), a["perm"])
    elif op == "batch_matmul":
        case = cases.batch_matmul(rng, isa, a["lhs"], a["rhs"])
    else:
        raise ValueError(f"{call.op}: no tests/target harness case for this op")
    case.label = f"{op} {a.get('input') or a.get('input1') or a.get('lhs')}"
    return case


def program_cases(pte: bytes, isa: str, seed: int = 0) -> list[Case]:
    """One harness case per kernel call of the program, in execution order."""
    rng = np.random.default_rng(seed)
    return [case for call in kernel_calls(pte) if (case := as_case(call, isa, rng)) is not None]
