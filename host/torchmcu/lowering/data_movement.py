"""Ops that only move int8 bytes (shared qparams): views, permutes, pad, min/max."""

from __future__ import annotations

import math

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.ops import named_args

MAX_TRANSPOSE_RANK = 4


def _shared_input(ctx: LoweringContext, arg):
    x = ctx.quantized_input(arg)
    if x.qparams != ctx.out:
        raise NotLowerable(f"input and output qparams differ ({x.qparams} vs {ctx.out})")
    return x


@register_lowering(
    aten.view.default, aten.reshape.default, aten.flatten.using_ints, aten.unflatten.int, aten.squeeze.dim,
    aten.squeeze.dims, aten.unsqueeze.default, aten.contiguous.default, aten.clone.default, aten.dropout.default,
    aten.dropout_.default, aten.alias.default,
)
def lower_view(ctx: LoweringContext, node: Node) -> Node:
    x = _shared_input(ctx, node.args[0])
    return ctx.view(x.node, list(node.meta["val"].shape))


def reduced_permutation(shape: list[int], perm: list[int]) -> tuple[list[int], list[int]]:
    """(shape, perm) moving the same bytes as `perm` on `shape` with the fewest dims.

    Size-1 dims move nothing and are dropped; input dims that stay neighbours,
    in the same order, in the output move as one and are merged. E.g. the
    channel shuffle [1, 2, 24, 12, 12] by [0, 2, 1, 3, 4] is [2, 24, 144] by [1, 0, 2].
    """
    kept = [d for d in range(len(shape)) if shape[d] != 1]
    groups: list[list[int]] = []  # runs of kept dims, in output order
    for position in (kept.index(p) for p in perm if shape[p] != 1):
        if groups and groups[-1][-1] + 1 == position:
            groups[-1].append(position)
        else:
            groups.append([position])
    in_order = sorted(groups)
    sizes = [math.prod(shape[kept[k]] for k in group) for group in in_order]
    return sizes, [in_order.index(group) for group in groups]


def _full_permutation(node: Node, rank: int) -> list[int]:
    if node.target == aten.permute.default:
        return [d % rank for d in node.args[1]]
    perm = list(range(rank))
    a, b = (node.args[1] % rank, node.args[2] % rank) if node.target == aten.transpose.int else (0, 1)
    perm[a], perm[b] = perm[b], perm[a]
    return perm


@register_lowering(aten.permute.default, aten.transpose.int, aten.t.default)
def lower_permute(ctx: LoweringContext, node: Node) -> Node:
    """Up to rank 4 one transpose (FoldTransposesPass cancels it against layout changes);
    above, the permutation on the fewest dims between two views (reduced_permutation)."""
    x = _shared_input(ctx, node.args[0])
    shape = shape_of(x.node)
    perm = _full_permutation(node, len(shape))
    if len(shape) <= MAX_TRANSPOSE_RANK:
        return ctx.call(mcu.transpose.default, x.node, perm)
    sizes, reduced = reduced_permutation(shape, perm)
    if reduced == sorted(reduced):
        return ctx.view(x.node, shape_of(node))  # only size-1 dims move: same bytes
    if len(reduced) > MAX_TRANSPOSE_RANK:
        raise NotLowerable(f"permute of {len(reduced)} dims that cannot merge (CMSIS-NN transposes up to 4-D)")
    moved = ctx.call(mcu.transpose.default, ctx.view(x.node, sizes), reduced)
    return ctx.view(moved, shape_of(node))


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
