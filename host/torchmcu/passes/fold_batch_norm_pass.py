"""FoldBatchNormPass: linear -> batch_norm (inference) folds into the linear's weights."""

from __future__ import annotations

import torch
from torch.fx import GraphModule, Node
from torch.fx.passes.infra.pass_base import PassBase, PassResult

from torchmcu.lowering import constant_value

aten = torch.ops.aten


def register_constant(gm: GraphModule, name: str, value: torch.Tensor) -> Node:
    gm.register_buffer(name, value)
    return gm.graph.get_attr(name)


class FoldBatchNormPass(PassBase):
    """Fold inference-mode batch norm into the linear layer that feeds it.

    Expects: an exported float graph module (`aten.batch_norm` in eval mode,
    constants as get_attr). torchao's prepare_pt2e folds conv + BN itself; this
    covers linear + BatchNorm1d (MLPerf Tiny's DeepAutoEncoder).
    Leaves: `linear(x, W', b')` with W' = W * g, b' = (b - mean) * g + beta,
    g = gamma / sqrt(var + eps); the batch_norm node removed.
    """

    def call(self, gm: GraphModule) -> PassResult:
        modified = False
        for node in list(gm.graph.nodes):
            if node.op != "call_function" or node.target != aten.batch_norm.default:
                continue
            linear = node.args[0]
            if not (isinstance(linear, Node) and linear.target == aten.linear.default and len(linear.users) == 1):
                continue
            weight = constant_value(gm, linear.args[1])
            bias = constant_value(gm, linear.args[2]) if len(linear.args) > 2 and linear.args[2] is not None else None
            gamma, beta, mean, var = (constant_value(gm, a) for a in node.args[1:5])
            training, eps = node.args[5], node.args[7]
            if training or weight is None or mean is None or var is None:
                continue
            dtype = weight.dtype
            gamma = torch.ones_like(mean) if gamma is None else gamma
            beta = torch.zeros_like(mean) if beta is None else beta
            bias = torch.zeros_like(mean) if bias is None else bias
            # In float64, rounded once to the weight's dtype: the same bits on every machine.
            weight, bias, gamma, beta, mean, var = (
                t.to(torch.float64) for t in (weight, bias, gamma, beta, mean, var))
            g = gamma / torch.sqrt(var + eps)
            folded_weight = (weight * g[:, None]).to(dtype)
            folded_bias = ((bias - mean) * g + beta).to(dtype)
            with gm.graph.inserting_before(linear):
                w_node = register_constant(gm, f"_torchmcu_bn_folded_weight_{linear.name}", folded_weight)
                b_node = register_constant(gm, f"_torchmcu_bn_folded_bias_{linear.name}", folded_bias)
            # Same shapes as the tensors they replace: the linear weight and BN's running mean.
            w_node.meta["val"] = linear.args[1].meta.get("val")
            b_node.meta["val"] = node.args[3].meta.get("val")
            linear.args = (linear.args[0], w_node, b_node)
            linear.meta["val"] = node.meta.get("val", linear.meta.get("val"))
            node.replace_all_uses_with(linear)
            gm.graph.erase_node(node)
            modified = True
        gm.graph.eliminate_dead_code()
        gm.recompile()
        return PassResult(gm, modified)
