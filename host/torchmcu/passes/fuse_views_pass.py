"""FuseViewsPass: chains of views become one view; identity views disappear."""

from __future__ import annotations

import torch
from torch.fx import GraphModule, Node
from torch.fx.passes.infra.pass_base import PassBase, PassResult

aten = torch.ops.aten


def _is_view(node: object) -> bool:
    return isinstance(node, Node) and node.op == "call_function" and node.target == aten.view.default


class FuseViewsPass(PassBase):
    """Collapse view(view(x)) into view(x) and drop views that keep the shape.

    Expects: int8 data-movement views from lowering and FoldTransposesPass.
    Leaves: at most one view between two non-view ops, none of them an identity.
    """

    def call(self, gm: GraphModule) -> PassResult:
        modified = False
        for node in list(gm.graph.nodes):
            if node._erased or not _is_view(node):
                continue
            source = node.args[0]
            while _is_view(source):
                source = source.args[0]
            if source is not node.args[0]:
                node.args = (source, node.args[1])
                modified = True
            if list(source.meta["val"].shape) == list(node.meta["val"].shape):
                node.replace_all_uses_with(source)
                gm.graph.erase_node(node)
                modified = True
        gm.graph.eliminate_dead_code()
        gm.recompile()
        return PassResult(gm, modified)
