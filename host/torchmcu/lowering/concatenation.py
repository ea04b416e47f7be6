"""cat / stack -> torchmcu::cat (stack: each input viewed with the new dim first).

The quantizer gives every input the output's qparams, so the kernel only
copies bytes; inputs with other qparams leave the op in float, named.
"""

from __future__ import annotations

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.lowering.data_movement import _shared_input
from torchmcu.ops import named_args

MAX_RANK = 4


@register_lowering(aten.cat.default, aten.concat.default, aten.stack.default)
def lower_cat(ctx: LoweringContext, node: Node) -> Node:
    args = named_args(node)
    rank = len(shape_of(node))
    if rank > MAX_RANK:
        raise NotLowerable(f"concatenation into a rank-{rank} tensor (up to {MAX_RANK} dims)")
    dim = args.get("dim", 0) % rank
    parts = [_shared_input(ctx, arg).node for arg in args["tensors"]]
    if node.target == aten.stack.default:
        parts = [ctx.view(p, shape_of(p)[:dim] + [1] + shape_of(p)[dim:]) for p in parts]
    return ctx.call(mcu.cat.default, parts, dim)
