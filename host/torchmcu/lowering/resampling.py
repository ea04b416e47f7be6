"""Nearest-neighbour upsampling by integer factors -> torchmcu::cat of the input with itself.

out[i] = in[i // s] needs no arithmetic: viewing the [N, C, H, W] input as
[N*C, H, W, 1] and concatenating s_w copies on the last dim repeats every
column; viewing that as [N*C, H, 1, W*s_w] and concatenating s_h copies
repeats every row. Bit-exact by construction, both backends. Bilinear
interpolation and fractional factors stay float.
"""

from __future__ import annotations

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.lowering.data_movement import _shared_input


def _repeat(ctx: LoweringContext, node: Node, times: int, dim: int) -> Node:
    return node if times == 1 else ctx.call(mcu.cat.default, [node] * times, dim)


@register_lowering(aten.upsample_nearest2d.vec, aten.upsample_nearest2d.default)
def lower_upsample_nearest(ctx: LoweringContext, node: Node) -> Node:
    x = _shared_input(ctx, node.args[0])
    n, c, h, w = shape_of(x.node)
    out_h, out_w = shape_of(node)[2:]
    if out_h % h or out_w % w:
        raise NotLowerable(f"nearest upsampling {h}x{w} -> {out_h}x{out_w} is not by whole factors")
    wide = _repeat(ctx, ctx.view(x.node, [n * c, h, w, 1]), out_w // w, 3)
    tall = _repeat(ctx, ctx.view(wide, [n * c, h, 1, out_w]), out_h // h, 2)
    return ctx.view(tall, [n, c, out_h, out_w])
