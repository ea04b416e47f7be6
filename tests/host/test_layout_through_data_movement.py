"""Layout permutations move through cat, slices and views (FoldTransposesPass, permuted_view).

On graphs of torchmcu ops the pass must keep every output equal, bit for bit, and
remove the NHWC<->NCHW pairs a cat / chunk / channel shuffle region leaves; on a
ShuffleNet-style model compiled end to end only the channel shuffles' own
transposes may remain, and the program must equal the reference and stay close
to float.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from torch import fx, nn

from torchmcu.compare import sqnr_db
from torchmcu.passes import FoldTransposesPass
from torchmcu.passes.permuted_view import permuted_view
from torchmcu.run import run_program

from tests.host.conftest import compile_quietly

mcu, aten = torch.ops.torchmcu, torch.ops.aten
TO_NCHW, TO_NHWC = [0, 3, 1, 2], [0, 2, 3, 1]


@pytest.mark.parametrize("shape, perm, view_shape, expected", [
    # ShuffleNet's shuffle entry: NHWC -> NCHW, then [groups, C / groups, H * W]: the transpose just moves.
    ([1, 12, 12, 48], TO_NCHW, [2, 24, 144], ([6912], [0], [144, 2, 24], [1, 2, 0])),
    # Its exit, [C / groups, groups, H * W] -> NCHW: the shuffle inside a pixel, then NHWC -> NCHW.
    ([144, 2, 24], [2, 1, 0], [1, 48, 12, 12], ([144, 2, 24], [0, 2, 1], [1, 12, 12, 48], [0, 3, 1, 2])),
    # A flatten of an NHWC map: the whole transpose comes before the view, nothing is after it.
    ([1, 3, 3, 8], TO_NCHW, [1, 72], ([9, 8], [1, 0], [1, 72], [0, 1])),
])
def test_a_transpose_then_a_view_is_a_shuffle_a_view_and_a_transpose_of_whole_dims(shape, perm, view_shape,
                                                                                 expected):
    split = permuted_view(shape, perm, view_shape)
    assert (split.atoms, split.before, split.grouped, split.after) == expected


def test_the_two_step_form_equals_the_view_of_the_transpose_wherever_it_exists():
    shapes = [[2, 3, 4], [1, 6, 1, 4], [4, 6], [2, 2, 3, 2]]
    found = 0
    for shape in shapes:
        x = torch.arange(math.prod(shape)).reshape(shape)
        for perm in itertools.permutations(range(len(shape))):
            y = x.permute(perm)
            for view_shape in ([math.prod(shape)], [shape[-1], -1], [-1, 2], [2, -1, 2], [1, -1, 1, 3], list(y.shape)):
                view_shape = list(torch.empty(y.shape).reshape(view_shape).shape)
                split = permuted_view(shape, list(perm), view_shape)
                if split is None:
                    continue
                found += 1
                two_step = x.reshape(split.atoms).permute(split.before).reshape(split.grouped).permute(split.after)
                assert torch.equal(two_step, y.reshape(view_shape)), (shape, perm, view_shape, split)
    assert found > 100
    assert permuted_view([4, 6], [1, 0], [4, 6]) is None  # [6, 4] as [4, 6] splits no dim of both


class _Builder:
    """A graph of torchmcu ops on int8 inputs, every node's meta["val"] its value on those inputs."""

    def __init__(self, *shapes: list[int]) -> None:
        self.graph, self.root = fx.Graph(), nn.Module()
        generator = torch.Generator().manual_seed(0)
        self.inputs = [torch.randint(-128, 128, shape, dtype=torch.int8, generator=generator) for shape in shapes]
        self.placeholders = [self._node(self.graph.placeholder(f"x{i}"), x) for i, x in enumerate(self.inputs)]

    @staticmethod
    def _node(node: fx.Node, value: torch.Tensor) -> fx.Node:
        node.meta["val"] = value
        return node

    def call(self, target, *args) -> fx.Node:
        values = [[a.meta["val"] for a in arg] if isinstance(arg, list) and isinstance(arg[0], fx.Node)
                  else arg.meta["val"] if isinstance(arg, fx.Node) else arg for arg in args]
        return self._node(self.graph.call_function(target, tuple(args)), target(*values))

    def transpose(self, x: fx.Node, perm: list[int]) -> fx.Node:
        return self.call(mcu.transpose.default, x, perm)

    def slice(self, x: fx.Node, start: list[int], step: list[int], size: list[int]) -> fx.Node:
        return self.call(mcu.slice.default, x, start, step, size)

    def folded(self, *outputs: fx.Node) -> tuple[list[str], list[torch.Tensor]]:
        """Run FoldTransposesPass: (ops left, outputs), after checking they equal the outputs before."""
        self.graph.output(tuple(outputs))
        module = fx.GraphModule(self.root, self.graph)
        before = module(*self.inputs)
        module = FoldTransposesPass()(module).graph_module
        after = module(*self.inputs)
        for old, new in zip(before, after):
            assert torch.equal(old, new)
        return [str(n.target) for n in module.graph.nodes if n.op == "call_function"], after


@pytest.mark.parametrize("perm", [list(p) for p in itertools.permutations(range(4))])
def test_a_transpose_common_to_the_parts_of_a_cat_moves_after_it_on_the_remapped_axis(perm):
    inverse = [perm.index(i) for i in range(4)]
    for dim in range(4):
        shapes = [[2, 3, 4, 5], [2, 3, 4, 5]]
        shapes[1][perm[dim]] = 6  # the parts differ only along the axis the cat joins
        graph = _Builder(*shapes)
        parts = [graph.transpose(x, perm) for x in graph.placeholders]
        ops, _ = graph.folded(graph.transpose(graph.call(mcu.cat.default, parts, dim), inverse))
        assert ops == ["torchmcu.cat.default"], (perm, dim, ops)


@pytest.mark.parametrize("perm", [list(p) for p in itertools.permutations(range(4))])
def test_a_transpose_read_only_by_slices_moves_after_each_of_them(perm):
    inverse = [perm.index(i) for i in range(4)]
    graph = _Builder([3, 4, 5, 6])
    whole = graph.transpose(graph.placeholders[0], perm)
    shape = list(whole.meta["val"].shape)
    strided = graph.slice(whole, [0, 1, 0, shape[3] - 2], [1, 2, 1, 1], [shape[0], shape[1] // 2, 2, 2])
    head = graph.slice(whole, [1, 0, 0, 0], [1, 1, 1, 1], [1] + shape[1:])
    ops, _ = graph.folded(graph.transpose(strided, inverse), graph.transpose(head, inverse))
    assert ops == ["torchmcu.slice.default"] * 2, (perm, ops)


def _shufflenet_block(graph: _Builder, x: fx.Node) -> fx.Node:
    """chunk, branch, cat and channel shuffle on NCHW around an NHWC map, as lowering leaves them."""
    n, h, w, c = x.meta["val"].shape
    nchw = graph.transpose(x, TO_NCHW)
    kept = graph.slice(nchw, [0, 0, 0, 0], [1, 1, 1, 1], [n, c // 2, h, w])
    branch = graph.slice(nchw, [0, c // 2, 0, 0], [1, 1, 1, 1], [n, c // 2, h, w])
    # A spatial op, which reads NHWC (an elementwise one would let the pair cancel on its own).
    branch = graph.call(mcu.max_pool2d.default, graph.transpose(branch, TO_NHWC), [3, 3], [1, 1], [1, 1], -128, 127)
    joined = graph.call(mcu.cat.default, [kept, graph.transpose(branch, TO_NCHW)], 1)
    grouped = graph.call(aten.view.default, joined, [2, c // 2, h * w])
    shuffled = graph.transpose(grouped, [1, 0, 2])
    return graph.transpose(graph.call(aten.view.default, shuffled, [n, c, h, w]), TO_NHWC)


def test_only_the_channel_shuffles_transposes_remain_of_shufflenet_blocks():
    graph = _Builder([1, 3, 5, 8])
    x = graph.placeholders[0]
    for _ in range(3):
        x = _shufflenet_block(graph, x)
    ops, _ = graph.folded(x)
    transposes = [op for op in ops if op == "torchmcu.transpose.default"]
    assert len(transposes) == 3, ops  # 6 NHWC<->NCHW pairs per block before


def test_a_transpose_with_a_reader_it_cannot_move_past_stays():
    graph = _Builder([2, 3, 4, 5])
    whole = graph.transpose(graph.placeholders[0], TO_NCHW)
    part = graph.slice(whole, [0, 0, 0, 0], [1, 1, 1, 1], [2, 2, 3, 4])
    ops, _ = graph.folded(graph.transpose(part, TO_NHWC), whole)  # `whole` is also an output
    assert ops.count("torchmcu.transpose.default") == 2, ops


def test_moves_that_would_turn_zero_copy_slices_into_copies_are_not_kept():
    """A keyword spotter's conv output cut into time steps: after its transposes the steps are
    one byte range each (no call); without them each step would be a strided copy."""
    graph = _Builder([1, 1, 8, 32])
    steps = graph.transpose(graph.call(aten.view.default, graph.transpose(graph.placeholders[0], TO_NCHW),
                                       [1, 32, 8]), [0, 2, 1])
    ops, _ = graph.folded(*[graph.slice(steps, [0, t, 0], [1, 1, 1], [1, 1, 32]) for t in range(8)])
    assert ops.count("torchmcu.transpose.default") == 2 and ops.count("torchmcu.slice.default") == 8, ops


class ShuffleBlocks(nn.Module):
    """ShuffleNetV2's stride-2 and stride-1 units (torchvision's forward) at a few channels."""

    def __init__(self, channels: int = 16) -> None:
        super().__init__()
        half = channels // 2
        self.stem = nn.Conv2d(3, half, 3, padding=1)
        self.down = nn.ModuleList([nn.Conv2d(half, half, 3, stride=2, padding=1) for _ in range(2)])
        self.branches = nn.ModuleList([nn.Sequential(nn.Conv2d(half, half, 1), nn.ReLU()) for _ in range(2)])
        self.head = nn.Linear(channels, 4)

    @staticmethod
    def shuffle(x):
        n, c, h, w = x.shape
        return x.view(n, 2, c // 2, h, w).transpose(1, 2).contiguous().view(n, c, h, w)

    def forward(self, x):
        x = self.stem(x)
        x = self.shuffle(torch.cat([self.down[0](x), self.down[1](x)], 1))
        for branch in self.branches:
            kept, changed = x.chunk(2, dim=1)
            x = self.shuffle(torch.cat([kept, branch(changed)], 1))
        return self.head(x.mean([2, 3]))


def test_a_shufflenet_style_model_keeps_only_its_channel_shuffles_and_equals_the_reference():
    torch.manual_seed(0)
    module = ShuffleBlocks().eval()
    example = (torch.randn(1, 3, 16, 16),)
    calibration = [(torch.randn(1, 3, 16, 16),) for _ in range(8)]
    program = compile_quietly(module, example, calibration, target="cortex-m3", strict=True)
    ops = [op["op"] for op in program.plan["ops"]]
    assert ops.count("torchmcu::transpose.out") == 3, ops  # the three shuffles
    ours, _ = run_program(program.pte, [example[0].numpy()])
    (expected,) = program.run_reference(*example)
    np.testing.assert_array_equal(ours[0], expected.numpy())
    with torch.no_grad():
        assert sqnr_db(module(*example), expected) >= 25.0
