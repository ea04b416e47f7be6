"""Ops that only move int8 bytes (shared qparams): views, permutes, pad, min/max."""

from __future__ import annotations

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.ops import named_args


def _shared_input(ctx: LoweringContext, arg):
    x = ctx.quantized_input(arg)
    if x.qparams != ctx.out:
        raise NotLowerable(f"input and output qparams differ ({x.qparams} vs {ctx.out})")
    return x


@register_lowering(
    aten.view.default, aten.reshape.default, aten.flatten.using_ints, aten.squeeze.dim, aten.squeeze.dims,
    aten.unsqueeze.default, aten.contiguous.default, aten.clone.default, aten.dropout.default, aten.dropout_.default,
    aten.alias.default,
)
def lower_view(ctx: LoweringContext, node: Node) -> Node:
    x = _shared_input(ctx, node.args[0])
    return ctx.view(x.node, list(node.meta["val"].shape))


@register_lowering(aten.permute.default, aten.transpose.int, aten.t.default)
def lower_permute(ctx: LoweringContext, node: Node) -> Node:
    x = _shared_input(ctx, node.args[0])
    rank = len(shape_of(x.node))
    if rank > 4:
        raise NotLowerable(f"permute of a rank-{rank} tensor (CMSIS-NN transposes up to 4-D)")
    if node.target == aten.permute.default:
        perm = [d % rank for d in node.args[1]]
    else:
        perm = list(range(rank))
        a, b = (node.args[1] % rank, node.args[2] % rank) if node.target == aten.transpose.int else (0, 1)
        perm[a], perm[b] = perm[b], perm[a]
    return ctx.call(mcu.transpose.default, x.node, perm)


@register_lowering(aten.constant_pad_nd.default, aten.pad.default)
def lower_pad(ctx: LoweringContext, node: Node) -> Node:
    args = named_args(node)
    x = _shared_input(ctx, node.args[0])
    if args.get("mode", "constant") != "constant":
        raise NotLowerable(f"pad mode {args.get('mode')!r} (constant only)")
    shape = shape_of(x.node)
    if len(shape) > 4:
        raise NotLowerable(f"pad of a rank-{len(shape)} tensor")
    spec = list(args["pad"])
    if any(p < 0 for p in spec):
        raise NotLowerable("negative padding (cropping)")
    pre, post = [0] * len(shape), [0] * len(shape)
    for i in range(len(spec) // 2):
        pre[len(shape) - 1 - i], post[len(shape) - 1 - i] = spec[2 * i], spec[2 * i + 1]
    value = args.get("value") or 0.0
    return ctx.call(mcu.pad.default, x.node, pre, post, ctx.out.quantize(float(value)))


@register_lowering(aten.minimum.default, aten.maximum.default)
def lower_min_max(ctx: LoweringContext, node: Node) -> Node:
    a, b = _shared_input(ctx, node.args[0]), _shared_input(ctx, node.args[1])
    if max(len(shape_of(a.node)), len(shape_of(b.node))) > 4:
        raise NotLowerable("minimum/maximum above rank 4")
    op = mcu.minimum.default if node.target == aten.minimum.default else mcu.maximum.default
    return ctx.call(op, a.node, b.node)
