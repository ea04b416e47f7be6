"""EqualizeLinearPairsPass: cross-layer equalization of linear -> relu -> linear (float graph)."""

from __future__ import annotations

import torch
from torch.fx import GraphModule, Node
from torch.fx.passes.infra.pass_base import PassBase, PassResult

from torchmcu.lowering import constant_value
from torchmcu.passes.fold_batch_norm_pass import register_constant

aten = torch.ops.aten

# relu(x / s) == relu(x) / s for every s > 0; relu6, hardtanh and clamp are not
# positively homogeneous (their bounds would have to scale per channel).
_HOMOGENEOUS_ACTIVATIONS = {aten.relu.default, aten.relu_.default}
# Each sweep equalizes every pair once; a chain's scales settle within a few sweeps.
SWEEPS = 4


def _linear_parts(node: object) -> tuple[Node, Node | None] | None:
    """(weight node, bias node or None) of a linear node, else None."""
    if not (isinstance(node, Node) and node.op == "call_function" and node.target == aten.linear.default):
        return None
    bias = node.args[2] if len(node.args) > 2 else None
    return node.args[1], bias


def _equalized_pairs(gm: GraphModule) -> list[tuple[Node, Node]]:
    """(first, second) linears where second reads only relu(first) (or first itself), used by nothing
    else, and second is itself the first linear of such a pair."""
    pairs = []
    for second in gm.graph.nodes:
        if _linear_parts(second) is None:
            continue
        between = second.args[0]
        first = between.args[0] if isinstance(between, Node) and between.target in _HOMOGENEOUS_ACTIVATIONS \
            else between
        if _linear_parts(first) is None or len(first.users) != 1 or len(between.users) != 1:
            continue
        pairs.append((first, second))
    # Scaling the second linear's columns makes its rows uneven, and only a later
    # pair with that linear first evens them out again: a pair whose second
    # linear starts no pair is left alone (the chain's last linear keeps its
    # weights). Equalizing into deep_autoencoder's 640-row output layer (per
    # tensor) cost 0.13 dB, into tiny_transformer's feed-forward block 0.21 dB.
    firsts = {first for first, _ in pairs}
    return [(first, second) for first, second in pairs if second in firsts]


class EqualizeLinearPairsPass(PassBase):
    """Cross-layer equalization (Nagel et al. 2019, data-free quantization).

    Why: a folded batch norm scales each output row of a linear by its own
    factor, so the rows' ranges differ and one per-tensor int8 scale rounds the
    small rows coarsely; per-channel scales fix that but cost 8 bytes per row.
    For linear(W1, b1) -> relu -> linear(W2), dividing row i of W1 and b1 by
    s_i and multiplying column i of W2 by s_i leaves the float output unchanged
    (relu is positively homogeneous). s_i = sqrt(r1_i / r2_i), with r1_i the
    range of W1's row i and r2_i that of W2's column i, makes both ranges
    sqrt(r1_i * r2_i): the two weights' per-row ranges become even together.

    Expects: the exported float graph, batch norms already folded (runs after
    FoldBatchNormPass), linear parameters as get_attr constants.
    Leaves: the same graph with rescaled weight and bias constants.
    """

    def call(self, gm: GraphModule) -> PassResult:
        values: dict[Node, torch.Tensor] = {}  # parameter node -> float64 value being equalized
        pairs = []
        for first, second in _equalized_pairs(gm):
            params = [p for p in (*_linear_parts(first), _linear_parts(second)[0]) if p is not None]
            constants = [constant_value(gm, p) for p in params]
            # A parameter computed at run time, or shared with another op: leave this pair alone.
            if any(c is None for c in constants) or any(len(p.users) != 1 for p in params):
                continue
            for param, constant in zip(params, constants):
                values.setdefault(param, constant.to(torch.float64))
            pairs.append((first, second))
        for _ in range(SWEEPS):
            for first, second in pairs:
                w1, b1 = _linear_parts(first)
                w2 = _linear_parts(second)[0]
                r1 = values[w1].abs().amax(dim=1)
                r2 = values[w2].abs().amax(dim=0)
                # A channel that is all zero on either side has nothing to balance.
                s = torch.where((r1 > 0) & (r2 > 0), torch.sqrt(r1 / r2.clamp_min(1e-300)), 1.0)
                values[w1] = values[w1] / s[:, None]
                if b1 is not None:
                    values[b1] = values[b1] / s
                values[w2] = values[w2] * s[None, :]
        linears = {node for pair in pairs for node in pair}
        for linear in linears:
            parts = _linear_parts(linear)
            new_args = list(linear.args)
            for index, param in enumerate(parts, start=1):
                if param not in values:
                    continue  # the last linear's bias keeps its value
                # Rounded once from float64 to the constant's dtype: the same bits on every machine.
                dtype = constant_value(gm, param).dtype
                with gm.graph.inserting_before(linear):
                    node = register_constant(gm, f"_torchmcu_equalized_{index}_{linear.name}",
                                             values[param].to(dtype))
                node.meta["val"] = param.meta.get("val")
                new_args[index] = node
            linear.args = tuple(new_args)
        gm.graph.eliminate_dead_code()
        gm.recompile()
        return PassResult(gm, bool(linears))
