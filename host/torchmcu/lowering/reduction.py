"""mean / sum / amax / amin over any axes -> torchmcu::reduce_sum / reduce_extremum.

A mean over H,W of an NCHW map stays an average pool (CMSIS-NN's). Everything
else reduces with keepdim and views the result to the requested shape. 4-D
inputs, and 3-D ones that a conv1d left channels-last, reduce in NHWC so the
layout transposes around them fold away; other tensors reduce where they are.
"""

from __future__ import annotations

import math

from torch.fx import Node

from torchmcu import qmath
from torchmcu.lowering import TO_NCHW, TO_NHWC, LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.lowering.pooling import spatial_mean
from torchmcu.ops import named_args
from torchmcu.ops.reduce_sum import MAX_TERMS


def _channels_last_1d(node: Node) -> bool:
    """A [N, C, L] view of an NHWC [N, 1, L, C] map (what a lowered conv1d produces)."""
    source = node.args[0] if node.target == aten.view.default else None
    return (isinstance(source, Node) and source.target == mcu.transpose.default and
            list(source.args[1]) == TO_NCHW and len(shape_of(source)) == 4)


def _reduce(ctx: LoweringContext, node: Node, dims, keepdim: bool, op, *params) -> Node:
    shape = shape_of(node)
    rank = len(shape)
    if not 1 <= rank <= 4:
        raise NotLowerable(f"reduction over a rank-{rank} tensor (rank 1 to 4)")
    dims = sorted({d % rank for d in dims}) if dims else list(range(rank))
    final = [1 if i in dims else s for i, s in enumerate(shape)]
    if not keepdim:
        final = [s for i, s in enumerate(shape) if i not in dims]
    if rank == 4 or (rank == 3 and _channels_last_1d(node)):
        source = node if rank == 4 else ctx.view(node, [shape[0], shape[1], 1, shape[2]])
        nchw_dims = dims if rank == 4 else [d if d < 2 else 3 for d in dims]
        nhwc_dims = sorted(TO_NHWC.index(d) for d in nchw_dims)
        reduced = ctx.to_nchw(ctx.call(op, ctx.to_nhwc(source), nhwc_dims, *params))
    else:
        reduced = ctx.call(op, node, dims, *params)
    return ctx.view(reduced, final) if shape_of(reduced) != final else reduced


def _count(shape: list[int], dims) -> int:
    rank = len(shape)
    return math.prod(shape[d % rank] for d in dims) if dims else math.prod(shape)


def _summed(ctx: LoweringContext, node: Node, mean: bool) -> Node:
    args = named_args(node)
    x = ctx.quantized_input(args["self"])
    if args.get("dtype") is not None:
        raise NotLowerable(f"sum/mean with dtype={args['dtype']}")
    dims = args.get("dim") or []
    keepdim = bool(args.get("keepdim", False))
    shape = shape_of(x.node)
    if mean and len(shape) == 4 and sorted(d % 4 for d in dims) == [2, 3] and x.qparams == ctx.out:
        return spatial_mean(ctx, x, keepdim)
    count = _count(shape, dims)
    if count > MAX_TERMS:
        raise NotLowerable(f"reduction over {count} elements (at most {MAX_TERMS})")
    multiplier, shift = qmath.quantize_multiplier(x.qparams.scale / (ctx.out.scale * (count if mean else 1)))
    return _reduce(ctx, x.node, dims, keepdim, mcu.reduce_sum.default, x.qparams.offset, ctx.out.zero_point,
                   multiplier, shift)


@register_lowering(aten.mean.dim, aten.mean.default)
def lower_mean(ctx: LoweringContext, node: Node) -> Node:
    return _summed(ctx, node, mean=True)


@register_lowering(aten.sum.dim_IntList, aten.sum.default)
def lower_sum(ctx: LoweringContext, node: Node) -> Node:
    return _summed(ctx, node, mean=False)


@register_lowering(aten.amax.default, aten.amin.default)
def lower_extremum(ctx: LoweringContext, node: Node) -> Node:
    args = named_args(node)
    x = ctx.quantized_input(args["self"])
    if x.qparams != ctx.out:
        raise NotLowerable(f"amax/amin input and output qparams differ ({x.qparams} vs {ctx.out})")
    largest = int(node.target == aten.amax.default)
    return _reduce(ctx, x.node, list(args.get("dim") or []), bool(args.get("keepdim", False)),
                   mcu.reduce_extremum.default, largest)
