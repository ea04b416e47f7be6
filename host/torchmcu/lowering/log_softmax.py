"""log_softmax -> torchmcu::log_softmax over the last dim (transposing when dim is not last)."""

from __future__ import annotations

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.ops import log_softmax as log_softmax_op


@register_lowering(aten.log_softmax.int, aten._log_softmax.default)
def lower_log_softmax(ctx: LoweringContext, node: Node) -> Node:
    x = ctx.quantized_input(node.args[0])
    shape = shape_of(x.node)
    rank, dim = len(shape), node.args[1] % len(shape)
    if rank > 4:
        raise NotLowerable(f"log_softmax over a rank-{rank} tensor")
    if shape[dim] > log_softmax_op.MAX_ROW:
        raise NotLowerable(f"log_softmax over {shape[dim]} elements (at most {log_softmax_op.MAX_ROW})")
    exp_table, log2_table, steps, multiplier, shift = log_softmax_op.parameters(x.qparams.scale, ctx.out.scale)
    if steps > log_softmax_op.MAX_INPUT_STEPS:
        raise NotLowerable(f"input scale {x.qparams.scale} is too coarse for log_softmax")
    tables = (ctx.add_constant(exp_table, "exp_table"), ctx.add_constant(log2_table, "log2_table"))
    perm = list(range(rank))
    perm[dim], perm[-1] = perm[-1], perm[dim]
    source = x.node if dim == rank - 1 else ctx.call(mcu.transpose.default, x.node, perm)
    result = ctx.call(mcu.log_softmax.default, source, *tables, steps, ctx.out.zero_point, multiplier, shift)
    return result if dim == rank - 1 else ctx.call(mcu.transpose.default, result, perm)
