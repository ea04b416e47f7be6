"""LSTM/GRU unrolling, slicing / concatenation and the table activations (issue 18).

The unrolled float graph must compute what torch.nn computes; the int8 programs must
lower completely and stay close to float; the host kernels must equal the reference.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from torchmcu.compare import sqnr_db
from torchmcu.compiler import compile as compile_model
from torchmcu.compiler import export_model
from torchmcu.lowering.data_movement import reduced_permutation
from torchmcu.passes import DecomposeRecurrentPass
from torchmcu.run import run_program

aten = torch.ops.aten


class Recurrent(nn.Module):
    def __init__(self, kind: str, batch_first: bool, layers: int, bias: bool, with_state: bool) -> None:
        super().__init__()
        cell = nn.LSTM if kind == "lstm" else nn.GRU
        self.rnn = cell(6, 8, num_layers=layers, batch_first=batch_first, bias=bias)
        self.with_state, self.kind, self.layers = with_state, kind, layers

    def forward(self, x):
        if not self.with_state:
            out, state = self.rnn(x)
        elif self.kind == "lstm":
            h0 = torch.full((self.layers, 2, 8), 0.25)
            out, state = self.rnn(x, (h0, -h0))
        else:
            out, state = self.rnn(x, torch.full((self.layers, 2, 8), -0.5))
        states = state if isinstance(state, tuple) else (state,)
        return (out, *states)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("batch_first, layers, bias, with_state", [
    (True, 1, True, False), (False, 2, True, True), (True, 1, False, True), (False, 1, True, False),
])
def test_unrolled_recurrent_layers_compute_what_torch_computes(kind, batch_first, layers, bias, with_state):
    torch.manual_seed(0)
    module = Recurrent(kind, batch_first, layers, bias, with_state).eval()
    x = torch.randn((2, 5, 6) if batch_first else (5, 2, 6))
    graph = export_model(module, (x,))
    graph = DecomposeRecurrentPass()(graph).graph_module
    targets = {n.target for n in graph.graph.nodes if n.op == "call_function"}
    assert not targets & {aten.lstm.input, aten.gru.input}
    for ours, theirs in zip(graph(x), module(x)):
        torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-5)


def test_bidirectional_layers_are_left_alone():
    module = nn.LSTM(4, 4, bidirectional=True).eval()
    graph = export_model(module, (torch.randn(3, 1, 4),))
    assert not DecomposeRecurrentPass()(graph).modified


class DataMovement(nn.Module):
    """Every slicing / concatenation form, nearest upsampling, and permutes above rank 4 whose dims merge
    to 4 or fewer (MultiheadAttention's packed q/k/v split: unflatten, rank-5 transpose, select; ShuffleNet's
    channel shuffle), behind a linear so the values are int8."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        y = self.fc(x)
        a, b = y.split([3, 5], dim=2)
        c, d = torch.chunk(y, 2, dim=1)
        rows = y.unbind(1)
        return (torch.cat([b, a, b], 2), torch.stack([rows[0], rows[3]], 1), y[:, ::2, 1:7:3], y[:, -1], c, d,
                y.flatten(1), y.unsqueeze(1).squeeze(1).reshape(2, 32),
                F.interpolate(y.unsqueeze(1), scale_factor=(3, 2), mode="nearest"), *self.permutes(y))

    @staticmethod
    def permutes(y):
        packed = y.unflatten(-1, (2, 4)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
        shuffled = y.view(2, 2, 2, 2, 4).transpose(1, 2).reshape(2, 4, 8)
        return packed[0], packed[1], shuffled, y.view(2, 1, 4, 2, 4).permute(1, 0, 3, 2, 4)


class Activations(nn.Module):
    """The activations and elementwise ops that become a table, add or sub."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.prelu = nn.PReLU()

    def forward(self, x):
        y = self.fc(x)
        return (F.leaky_relu(y, 0.1), F.elu(y), F.mish(y), torch.neg(y), torch.abs(y), y / 3.0, self.prelu(y),
                y.clamp(-0.5, 0.7), y - torch.sigmoid(y))


def _compile(module_class):
    torch.manual_seed(1)  # before the weights too: a module built at collection would see whatever RNG state
    module = module_class()
    example = (torch.randn(2, 4, 8),)
    calibration = [(torch.randn(2, 4, 8),) for _ in range(8)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return module, compile_model(module.eval(), example, calibration=calibration, strict=True), example


@pytest.mark.parametrize("module_class, min_sqnr_db", [(DataMovement, 30.0), (Activations, 25.0)],
                         ids=["data_movement", "activations"])
def test_ops_lower_completely_match_the_reference_and_float(module_class, min_sqnr_db):
    module, program, (x,) = _compile(module_class)  # strict: any float op left fails the compile
    ours, _ = run_program(program.pte, [x.numpy()])
    reference = program.run_reference(x)
    for actual, expected, real in zip(ours, reference, module(x)):
        np.testing.assert_array_equal(actual, expected.numpy())
        assert sqnr_db(real.detach(), expected) >= min_sqnr_db
    if isinstance(module, DataMovement):
        ops = {op["op"] for op in program.plan["ops"]}
        assert {"torchmcu::slice.out", "torchmcu::cat.out"} <= ops


@pytest.mark.parametrize("shape, perm, sizes, reduced", [
    ([1, 2, 24, 12, 12], [0, 2, 1, 3, 4], [2, 24, 144], [1, 0, 2]),  # channel shuffle
    ([1, 16, 1, 3, 32], [3, 1, 2, 0, 4], [16, 3, 32], [1, 0, 2]),  # MultiheadAttention's q/k/v split
    ([2, 3, 1, 5], [2, 0, 1, 3], [30], [0]),  # only a size-1 dim moves: a view
    ([2, 3, 4, 5, 6], [4, 3, 2, 1, 0], [2, 3, 4, 5, 6], [4, 3, 2, 1, 0]),  # nothing merges
    ([1, 1], [1, 0], [], []),
])
def test_permutations_move_the_fewest_dims(shape, perm, sizes, reduced):
    assert reduced_permutation(shape, perm) == (sizes, reduced)
    x = torch.arange(math.prod(shape)).reshape(shape)
    assert torch.equal(x.permute(perm).flatten(), x.reshape(sizes or [1]).permute(reduced or [0]).flatten())
