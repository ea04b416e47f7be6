"""softmax -> torchmcu::softmax over the last dim (transposing when dim is not last)."""

from __future__ import annotations

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.ops import softmax as softmax_op


@register_lowering(aten.softmax.int, aten._softmax.default)
def lower_softmax(ctx: LoweringContext, node: Node) -> Node:
    x = ctx.quantized_input(node.args[0])
    if (ctx.out.scale, ctx.out.zero_point) != (softmax_op.OUTPUT_SCALE, softmax_op.OUTPUT_ZERO_POINT):
        raise NotLowerable(f"softmax output qparams {ctx.out} are not CMSIS-NN's (1/256, -128)")
    rank = len(shape_of(x.node))
    dim = node.args[1] % rank
    if rank > 4:
        raise NotLowerable(f"softmax over a rank-{rank} tensor")
    multiplier, shift, diff_min = softmax_op.parameters(x.qparams.scale)
    if dim == rank - 1:
        return ctx.call(mcu.softmax.default, x.node, multiplier, shift, diff_min)
    perm = list(range(rank))
    perm[dim], perm[-1] = perm[-1], perm[dim]
    moved = ctx.call(mcu.transpose.default, x.node, perm)
    return ctx.call(mcu.transpose.default, ctx.call(mcu.softmax.default, moved, multiplier, shift, diff_min), perm)
