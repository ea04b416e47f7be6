"""Kernels refuse what CMSIS-NN cannot take, with a message naming op and problem, and
saturate int8 at both ends exactly as the reference does.

Each program here is built straight from torchmcu ops (no quantizer), so its
arguments can be what no compiled model would produce.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import torchmcu.ops  # noqa: F401
from torchmcu.compiler import to_program
from torchmcu.native import HostRunner, RunnerError
from torchmcu.sizing import select_sizer
from torchmcu.target import parse_target

ops = torch.ops.torchmcu
ADD_PARAMS = dict(input1_offset=0, input1_multiplier=2**30, input1_shift=0, input2_offset=0,
                  input2_multiplier=2**30, input2_shift=0, left_shift=20, output_offset=0,
                  output_multiplier=2**30, output_shift=-19, activation_min=-128, activation_max=127)


class Add(torch.nn.Module):
    def __init__(self, **params):
        super().__init__()
        self.params = params

    def forward(self, a, b):
        return ops.add(a, b, **self.params)


class Conv(torch.nn.Module):
    def __init__(self, output_offset: int = 0, shift: int = -8, channels_in_quant: int = 4):
        super().__init__()
        self.register_buffer("weight", torch.ones(4, 1, 1, 3, dtype=torch.int8))
        self.register_buffer("multiplier", torch.full((channels_in_quant,), 2**30, dtype=torch.int32))
        self.register_buffer("shift", torch.full((channels_in_quant,), shift, dtype=torch.int32))
        self.output_offset = output_offset

    def forward(self, x):
        return ops.conv2d(x, self.weight, None, [1, 1], [0, 0], [1, 1], 1, 0, self.output_offset, self.multiplier,
                          self.shift, -128, 127)


def build(module: torch.nn.Module, *inputs: torch.Tensor) -> bytes:
    return to_program(module, inputs, parse_target("cortex-m3"), select_sizer())


def run(pte: bytes, *inputs: np.ndarray) -> list[np.ndarray]:
    runner = HostRunner(pte)
    runner.run(*inputs)
    return [np.frombuffer(runner.output_bytes(0), np.int8)]


def refused(capfd, pte: bytes, *inputs: np.ndarray) -> str:
    with pytest.raises(RunnerError):
        run(pte, *inputs)
    return capfd.readouterr().err


def test_int8_saturates_at_both_ends_like_the_reference():
    a = torch.tensor([[127, -128, 100, -100, 0, 1]], dtype=torch.int8)
    b = torch.tensor([[127, -128, 120, -120, 0, -1]], dtype=torch.int8)
    module = Add(**ADD_PARAMS)
    expected = module(a, b).numpy()
    assert expected.max() == 127 and expected.min() == -128  # the sums overflow int8 both ways
    (ours,) = run(build(module, a, b), a.numpy(), b.numpy())
    np.testing.assert_array_equal(ours, expected.reshape(-1))


def test_an_empty_tensor_is_refused_with_its_argument(capfd):
    a = torch.zeros((1, 0), dtype=torch.int8)
    pte = build(Add(**ADD_PARAMS), a, a)
    err = refused(capfd, pte, a.numpy(), a.numpy())
    assert "torchmcu::add.out: argument 0 is an empty tensor (a dimension of size 0)" in err


def test_an_argument_of_the_wrong_kind_is_refused(capfd):
    """A tensor where add takes an int (a corrupted program): refused by the kind check, not an abort."""
    from executorch.exir._serialize._program import deserialize_pte_binary, serialize_pte_binary

    from torchmcu.compact_program import SEGMENT_ALIGNMENT
    from torchmcu.integrity import add_trailer, split_trailer

    a = torch.zeros((1, 4), dtype=torch.int8)
    program, _ = split_trailer(build(Add(**ADD_PARAMS), a, a))
    pte_file = deserialize_pte_binary(program)
    plan = next(p for p in pte_file.program.execution_plan if p.name == "forward")
    calls = [i.instr_args for c in plan.chains for i in c.instructions if type(i.instr_args).__name__ == "KernelCall"]
    (add,) = [c for c in calls if plan.operators[c.op_index].name == "torchmcu::add"]
    add.args[2] = add.args[0]  # input1_offset (an int) becomes input1 (a tensor)
    corrupted = add_trailer(bytes(serialize_pte_binary(pte_file, segment_alignment=SEGMENT_ALIGNMENT)))
    err = refused(capfd, corrupted, a.numpy(), a.numpy())
    assert "torchmcu::add.out: arguments do not match its schema" in err


def test_an_output_offset_outside_cmsis_nn_range_is_refused(capfd):
    x = torch.zeros((1, 2, 2, 3), dtype=torch.int8)
    err = refused(capfd, build(Conv(output_offset=200), x), x.numpy())
    assert "torchmcu::conv2d: input_offset must be in [-127, 128] and output_offset in [-128, 127]" in err


def test_a_shift_outside_cmsis_nn_range_is_refused(capfd):
    x = torch.zeros((1, 2, 2, 3), dtype=torch.int8)
    err = refused(capfd, build(Conv(shift=40), x), x.numpy())
    assert "torchmcu::conv2d: shift values must be in [-31, 30]" in err


def test_per_tensor_requantization_of_a_convolution_is_refused(capfd):
    x = torch.zeros((1, 2, 2, 3), dtype=torch.int8)
    err = refused(capfd, build(Conv(channels_in_quant=1), x), x.numpy())
    assert "torchmcu::conv2d: multiplier and shift must be int32 with one value per output channel" in err


def test_an_add_shift_outside_range_fails_the_call(capfd):
    a = torch.zeros((1, 4), dtype=torch.int8)
    pte = build(Add(**{**ADD_PARAMS, "output_shift": -40}), a, a)
    err = refused(capfd, pte, a.numpy(), a.numpy())
    assert "torchmcu::add: invalid argument" in err
