"""AdaptiveAvgPool1d/2d and AdaptiveMaxPool1d/2d, any output size -> torchmcu pools (NHWC).

An input that is a whole multiple of the output gives even windows: a plain avg/max pool (CMSIS-NN's
kernels). Any other size, with PyTorch's uneven and overlapping windows, goes to
torchmcu::adaptive_pool2d. Adaptive max pooling returns (values, indices): its lowering runs on the
getitem that reads the values (lowering/slicing.py hands it over); indices are never int8.
"""

from __future__ import annotations

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.lowering.pooling import on_nhwc, pair, pool, require_shared_qparams, spatial_size

ADAPTIVE_MAX_POOLS = {aten.adaptive_max_pool2d.default, aten.adaptive_max_pool1d.default}


def _adaptive_pool(ctx: LoweringContext, arg, output_size, average: bool) -> Node:
    x = ctx.quantized_input(arg)
    require_shared_qparams(ctx, x)
    shape = shape_of(x.node)
    in_hw = spatial_size(shape)
    out_hw = [i if o is None else o for i, o in zip(in_hw, pair(output_size, len(shape) == 3))]
    if any(i % o for i, o in zip(in_hw, out_hw)):
        if ctx.activation_range() != (-128, 127):
            raise NotLowerable("adaptive pooling with uneven windows and a fused activation")
        return on_nhwc(ctx, x.node, mcu.adaptive_pool2d.default, out_hw, int(average))
    kernel = [i // o for i, o in zip(in_hw, out_hw)]
    op = mcu.avg_pool2d.default if average else mcu.max_pool2d.default
    return pool(ctx, x, op, kernel, kernel, [0, 0])


@register_lowering(aten.adaptive_avg_pool2d.default, aten.adaptive_avg_pool1d.default)
def lower_adaptive_avg_pool(ctx: LoweringContext, node: Node) -> Node:
    return _adaptive_pool(ctx, node.args[0], node.args[1], average=True)


def lower_adaptive_max_pool_values(ctx: LoweringContext, getitem: Node) -> Node:
    """`getitem(adaptive_max_pool(x, size), 0)`: the pooled values."""
    source, index = getitem.args
    if index != 0:
        raise NotLowerable("the indices of an adaptive max pool (int64, not int8)")
    return _adaptive_pool(ctx, source.args[0], source.args[1], average=False)
