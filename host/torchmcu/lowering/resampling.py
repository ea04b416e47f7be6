"""Upsampling: nearest by integer factors -> torchmcu::cat of the input with itself; bilinear ->
torchmcu::upsample_bilinear2d (NHWC).

out[i] = in[i // s] needs no arithmetic: viewing the [N, C, H, W] input as
[N*C, H, W, 1] and concatenating s_w copies on the last dim repeats every
column; viewing that as [N*C, H, 1, W*s_w] and concatenating s_h copies
repeats every row. Bit-exact by construction, both backends.

Bilinear interpolation is a convex mix of its inputs, so it shares their qparams and mixes the raw
int8 values (ops/upsample_bilinear2d.py). Its kernel maps output to source positions from the sizes;
PyTorch maps with 1 / scale_factor when one is given, the same only when the factor is out / in exactly.
"""

from __future__ import annotations

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.lowering.data_movement import _shared_input
from torchmcu.lowering.pooling import on_nhwc


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


def _given_scales(node: Node) -> list[float | None]:
    """The scale factors PyTorch maps positions with (None: from the sizes)."""
    if node.target == aten.upsample_bilinear2d.vec:
        return list(node.args[3]) if len(node.args) > 3 and node.args[3] is not None else [None, None]
    return [node.args[i] if len(node.args) > i else node.kwargs.get(name)
            for i, name in ((3, "scales_h"), (4, "scales_w"))]


@register_lowering(aten.upsample_bilinear2d.vec, aten.upsample_bilinear2d.default)
def lower_upsample_bilinear(ctx: LoweringContext, node: Node) -> Node:
    x = _shared_input(ctx, node.args[0])
    align_corners = bool(node.args[2])
    in_hw, out_hw = shape_of(x.node)[2:], shape_of(node)[2:]
    if not align_corners:
        for size, out, scale in zip(in_hw, out_hw, _given_scales(node)):
            if scale is not None and scale * size != out:
                raise NotLowerable(f"bilinear scale factor {scale} from {size} is not exactly {out} / {size}")
    if ctx.activation_range() != (-128, 127):
        raise NotLowerable("bilinear upsampling with a fused activation")
    return on_nhwc(ctx, x.node, mcu.upsample_bilinear2d.default, out_hw, int(align_corners))
