"""Cross-layer equalization of linear -> BatchNorm1d -> relu -> linear -> BatchNorm1d -> relu -> linear:
the float output stays the same, each hidden channel of the first pair has the same range in the first
weight's row as in the second's column, and the last linear keeps its weights."""

from __future__ import annotations

import torch
from torch import nn

from torchmcu.compiler import export_model
from torchmcu.lowering import constant_value
from torchmcu.passes import EqualizeLinearPairsPass, FoldBatchNormPass


def _model(activation: type[nn.Module]) -> nn.Module:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 12), nn.BatchNorm1d(12), activation(),
                          nn.Linear(12, 10), nn.BatchNorm1d(10), activation(), nn.Linear(10, 5))
    with torch.no_grad():  # uneven per-channel gains, as a trained batch norm has
        for norm in (model[1], model[4]):
            norm.weight.copy_(torch.logspace(-1.5, 1.0, norm.num_features))
            norm.running_mean.uniform_(-0.5, 0.5)
            norm.running_var.uniform_(0.2, 3.0)
    return model.eval()


def _weights(graph: torch.fx.GraphModule) -> list[torch.Tensor]:
    return [constant_value(graph, node.args[1]) for node in graph.graph.nodes
            if node.target == torch.ops.aten.linear.default]


def _folded(model: nn.Module, inputs: tuple) -> torch.fx.GraphModule:
    return FoldBatchNormPass()(export_model(model, inputs)).graph_module


def test_equalization_keeps_the_float_output_and_balances_the_ranges():
    model = _model(nn.ReLU)
    inputs = (torch.randn(8, 16, generator=torch.Generator().manual_seed(1)),)
    folded = _folded(model, inputs)
    first, second, last = _weights(folded)
    assert not torch.allclose(first.abs().amax(dim=1), second.abs().amax(dim=0), rtol=0.1)  # uneven to start
    with torch.no_grad():
        expected = model(*inputs)
    equalized = EqualizeLinearPairsPass()(folded).graph_module
    with torch.no_grad():
        actual = equalized(*inputs)
    actual = actual[0] if isinstance(actual, (tuple, list)) else actual
    torch.testing.assert_close(actual, expected, rtol=1e-5, atol=1e-5)
    new_first, new_second, new_last = _weights(equalized)
    torch.testing.assert_close(new_first.abs().amax(dim=1), new_second.abs().amax(dim=0), rtol=1e-6, atol=0.0)
    assert torch.equal(new_last, last)


def test_a_clamping_activation_is_left_alone():
    # relu6(x / s) != relu6(x) / s: scaling through it would change the output.
    model = _model(nn.ReLU6)
    inputs = (torch.randn(4, 16),)
    folded = _folded(model, inputs)
    before = [w.clone() for w in _weights(folded)]
    result = EqualizeLinearPairsPass()(folded)
    assert not result.modified
    for old, new in zip(before, _weights(result.graph_module)):
        assert torch.equal(old, new)
