"""DecomposeAttentionPass: scaled_dot_product_attention becomes matmul, scale, softmax, matmul."""

from __future__ import annotations

import math

import torch
from torch.fx import GraphModule, Node
from torch.fx.passes.infra.pass_base import PassBase, PassResult

from torchmcu.ops import named_args

aten = torch.ops.aten


class DecomposeAttentionPass(PassBase):
    """Spell out attention so each step gets its own int8 observer and kernel.

    Expects: an exported float graph module (before observers are inserted), where
    nn.MultiheadAttention leaves `aten.scaled_dot_product_attention`.
    Leaves: softmax(q @ k^T * scale) @ v as aten transpose/matmul/mul/softmax/matmul
    for every call without a mask, dropout or causal flag (the others stay, and are
    reported as float ops).
    """

    def call(self, gm: GraphModule) -> PassResult:
        modified = False
        for node in list(gm.graph.nodes):
            if node.op == "call_function" and node.target == aten.scaled_dot_product_attention.default:
                modified |= self._decompose(gm, node)
        if modified:
            gm.graph.eliminate_dead_code()
            gm.recompile()
        return PassResult(gm, modified)

    @staticmethod
    def _decompose(gm: GraphModule, node: Node) -> bool:
        args = named_args(node)
        if args.get("attn_mask") is not None or args.get("dropout_p") or args.get("is_causal") or \
                args.get("enable_gqa"):
            return False
        query, key, value = args["query"], args["key"], args["value"]
        scale = args.get("scale")
        scale = 1.0 / math.sqrt(query.meta["val"].shape[-1]) if scale is None else float(scale)
        mode = torch._guards.detect_fake_mode([query.meta["val"]])

        def call(op, *op_args) -> Node:
            new = gm.graph.call_function(op, op_args)
            fake = [a.meta["val"] if isinstance(a, Node) else a for a in op_args]
            with mode:
                new.meta["val"] = op(*fake)
            new.meta["stack_trace"] = node.meta.get("stack_trace")
            return new

        with gm.graph.inserting_before(node):
            scores = call(aten.matmul.default, query, call(aten.transpose.int, key, -2, -1))
            weights = call(aten.softmax.int, call(aten.mul.Tensor, scores, scale), -1)
            result = call(aten.matmul.default, weights, value)
        node.replace_all_uses_with(result)
        gm.graph.erase_node(node)
        return True
