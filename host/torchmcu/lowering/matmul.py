"""matmul / bmm -> torchmcu::batch_matmul (rhs transposed: on the host when constant)."""

from __future__ import annotations

from torch.fx import Node

from torchmcu import qmath
from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of


@register_lowering(aten.matmul.default, aten.bmm.default)
def lower_matmul(ctx: LoweringContext, node: Node) -> Node:
    lhs = ctx.quantized_input(node.args[0])
    rhs = ctx.quantized_input(node.args[1])
    lhs_rank, rhs_rank = len(shape_of(lhs.node)), len(shape_of(rhs.node))
    if lhs_rank < 2 or rhs_rank < 2 or max(lhs_rank, rhs_rank) > 4:
        raise NotLowerable(f"matmul of rank {lhs_rank} x {rhs_rank} (2..4 supported)")
    perm = list(range(rhs_rank))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    if rhs.node.op == "get_attr":
        rhs_t = ctx.add_constant(ctx.constant(rhs.node).permute(perm), "rhs")
    else:
        rhs_t = ctx.call(mcu.transpose.default, rhs.node, perm)
    m, s = qmath.quantize_multiplier(lhs.qparams.scale * rhs.qparams.scale / ctx.out.scale)
    act_min, act_max = ctx.activation_range()
    return ctx.call(
        mcu.batch_matmul.default, lhs.node, rhs_t, lhs.qparams.offset, rhs.qparams.offset, ctx.out.zero_point,
        m, s, act_min, act_max,
    )
