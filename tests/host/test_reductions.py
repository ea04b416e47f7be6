"""mean / sum / amax / amin over any axes lower to int8 kernels (no float op left), and the
program run on the host kernels equals the Python reference bit for bit."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch import nn

from torchmcu.compiler import compile as compile_model
from torchmcu.run import run_program


class Reductions(nn.Module):
    """Each reduction kind on a conv1d map [N, C, L], a conv2d map and a plain rank-2 tensor."""

    def __init__(self):
        super().__init__()
        self.conv1d = nn.Conv1d(4, 8, 3)
        self.conv2d = nn.Conv2d(3, 6, 3)

    def forward(self, signal, image, features):
        temporal = self.conv1d(signal)
        feature_map = self.conv2d(image)
        return (temporal.mean(dim=2), temporal.amax(dim=-1, keepdim=True), feature_map.sum(dim=1, keepdim=True),
                feature_map.amin(dim=(1, 3)), feature_map.mean(dim=(2, 3)), feature_map.mean(dim=(1, 2, 3)),
                features.mean(dim=0), features.sum(dim=-1))


def _inputs(seed: int):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(1, 4, 20, generator=g), torch.randn(1, 3, 8, 9, generator=g), torch.randn(5, 7, generator=g)


@pytest.fixture(scope="module")
def program():
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile_model(Reductions().eval(), _inputs(0), calibration=[_inputs(s) for s in range(1, 6)],
                             strict=True)


def _ops(program) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in program.reference.graph.nodes:
        if node.op == "call_function":
            counts[str(node.target)] = counts.get(str(node.target), 0) + 1
    return counts


def test_every_reduction_lowers(program):
    ops = _ops(program)
    assert program.not_lowered == []
    # The spatial mean stays an average pool; the other seven reduce with the reduction kernels.
    assert ops["torchmcu.avg_pool2d.default"] == 1
    assert ops["torchmcu.reduce_sum.default"] == 5
    assert ops["torchmcu.reduce_extremum.default"] == 2


def test_host_kernels_match_the_reference(program):
    sample = _inputs(7)
    ours, _ = run_program(program.pte, [x.numpy() for x in sample])
    for actual, expected in zip(ours, program.run_reference(*sample)):
        np.testing.assert_array_equal(actual, expected.detach().numpy())


def _through_views(node):
    while node.op == "call_function" and str(node.target) == "aten.view.default":
        node = node.args[0]
    return node


def test_feature_map_reductions_read_the_nhwc_map_in_place(program):
    """conv1d and conv2d outputs are NHWC inside: their reductions read them there, no transpose copies them."""
    sources = [str(_through_views(node.args[0]).target) for node in program.reference.graph.nodes
               if str(node.target) in ("torchmcu.reduce_sum.default", "torchmcu.reduce_extremum.default")]
    # 2 reductions of the conv1d map and 3 of the conv2d map; the two of `features` read the model input.
    assert sources.count("torchmcu.conv2d.default") == 5
