"""FuseInputQuantizeTransposePass: quantize a 4-D NCHW float input straight into NHWC."""

from __future__ import annotations

import torch
from torch.fx import GraphModule, Node
from torch.fx.passes.infra.pass_base import PassBase, PassResult

mcu = torch.ops.torchmcu
TO_NHWC = [0, 2, 3, 1]


def _nhwc_transpose_user(node: Node) -> Node | None:
    """The one user of `node` when it is an NCHW->NHWC transpose, else None."""
    if len(node.users) != 1:
        return None
    (user,) = node.users
    if user.op == "call_function" and user.target == mcu.transpose.default and list(user.args[1]) == TO_NHWC:
        return user
    return None


class FuseInputQuantizeTransposePass(PassBase):
    """`transpose(quantize_per_tensor(x), [0, 2, 3, 1])` -> `quantize_per_tensor_nhwc(x)`.

    Expects: the layout transposes folded (FoldTransposesPass), so a 4-D image input reads
    float NCHW -> quantize -> one NCHW->NHWC transpose -> the first conv. Leaves: one call
    that writes the quantized input channels-last (about 6 instructions an element less on
    the M55, docs/ops.md); a quantize with any other use, or another rank, stays as it is.
    """

    def call(self, gm: GraphModule) -> PassResult:
        modified = False
        for node in list(gm.graph.nodes):
            if node.op != "call_function" or node.target != mcu.quantize_per_tensor.default:
                continue
            transpose = _nhwc_transpose_user(node)
            if transpose is None or node.args[0].meta["val"].dim() != 4:
                continue
            with gm.graph.inserting_before(transpose):
                fused = gm.graph.call_function(mcu.quantize_per_tensor_nhwc.default, tuple(node.args))
            fused.meta = dict(transpose.meta)
            transpose.replace_all_uses_with(fused)
            gm.graph.erase_node(transpose)
            gm.graph.erase_node(node)
            modified = True
        gm.recompile()
        return PassResult(gm, modified)
