"""slice (with steps), select, and the parts of split / chunk / unbind -> torchmcu::slice.

Every one is a strided copy of the input with its qparams (the quantizer shares
them). A part of split / chunk / unbind is the `getitem` that reads it: the
lowering runs on that getitem, which is the node whose output is quantized.
"""

from __future__ import annotations

import operator

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.lowering.adaptive_pooling import ADAPTIVE_MAX_POOLS, lower_adaptive_max_pool_values
from torchmcu.lowering.data_movement import _shared_input
from torchmcu.ops import named_args

MAX_RANK = 4
SPLITTING_OPS = {aten.split.Tensor, aten.split_with_sizes.default, aten.chunk.default, aten.unbind.int}


def strided_copy(ctx: LoweringContext, source: Node, dim: int, start: int, step: int, count: int) -> Node:
    """torchmcu::slice taking `count` entries of `dim` from `start` every `step`, whole on the other dims."""
    shape = shape_of(source)
    if len(shape) > MAX_RANK:
        raise NotLowerable(f"slicing a rank-{len(shape)} tensor (up to {MAX_RANK} dims)")
    if count < 1:
        raise NotLowerable("slice with no elements")
    starts, steps, sizes = [0] * len(shape), [1] * len(shape), list(shape)
    starts[dim], steps[dim], sizes[dim] = start, step, count
    return ctx.call(mcu.slice.default, source, starts, steps, sizes)


@register_lowering(aten.slice.Tensor)
def lower_slice(ctx: LoweringContext, node: Node) -> Node:
    args = named_args(node)
    x = _shared_input(ctx, args["self"])
    shape = shape_of(x.node)
    dim = args["dim"] % len(shape)
    start = args.get("start") or 0
    start = min(max(start + shape[dim] if start < 0 else start, 0), shape[dim])
    return strided_copy(ctx, x.node, dim, start, args.get("step", 1), shape_of(node)[dim])


@register_lowering(aten.select.int)
def lower_select(ctx: LoweringContext, node: Node) -> Node:
    args = named_args(node)
    x = _shared_input(ctx, args["self"])
    shape = shape_of(x.node)
    dim = args["dim"] % len(shape)
    return ctx.view(strided_copy(ctx, x.node, dim, args["index"] % shape[dim], 1, 1), shape_of(node))


@register_lowering(operator.getitem)
def lower_split_part(ctx: LoweringContext, node: Node) -> Node:
    source, index = node.args
    if isinstance(source, Node) and source.target in ADAPTIVE_MAX_POOLS:
        return lower_adaptive_max_pool_values(ctx, node)
    if not (isinstance(source, Node) and source.target in SPLITTING_OPS):
        raise NotLowerable(f"a part of {getattr(source, 'target', source)} (split, chunk and unbind only)")
    args = named_args(source)
    x = _shared_input(ctx, args["self"])
    shape = shape_of(x.node)
    dim = args.get("dim", 0) % len(shape)
    parts = [list(part.shape) for part in source.meta["val"]]
    if source.target == aten.unbind.int:
        return ctx.view(strided_copy(ctx, x.node, dim, index, 1, 1), parts[index])
    start = sum(part[dim] for part in parts[:index])
    return strided_copy(ctx, x.node, dim, start, 1, parts[index][dim])
