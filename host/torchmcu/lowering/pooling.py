"""max/avg pooling, adaptive average pooling and spatial mean -> torchmcu pools (NHWC).

Pools share qparams between input and output (the quantizer makes it so);
1-D pools run on the 2-D kernels as (N, C, 1, W).
"""

from __future__ import annotations

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.ops import named_args


def _pair(value, is_1d: bool) -> list[int]:
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if is_1d:
        return [1, values[0]]
    return values * 2 if len(values) == 1 else values


def _require_shared_qparams(ctx: LoweringContext, x) -> None:
    if x.qparams != ctx.out:
        raise NotLowerable(f"pooling input and output qparams differ ({x.qparams} vs {ctx.out})")


def _pool(ctx: LoweringContext, x, op, kernel, stride, padding, *extra) -> Node:
    shape = shape_of(x.node)
    is_1d = len(shape) == 3
    source = ctx.view(x.node, [shape[0], shape[1], 1, shape[2]]) if is_1d else x.node
    act_min, act_max = ctx.activation_range()
    pooled = ctx.to_nchw(ctx.call(op, ctx.to_nhwc(source), kernel, stride, padding, act_min, act_max, *extra))
    if is_1d:
        n, c, _, w = shape_of(pooled)
        pooled = ctx.view(pooled, [n, c, w])
    return pooled


@register_lowering(aten.max_pool2d.default, aten.max_pool1d.default)
def lower_max_pool(ctx: LoweringContext, node: Node) -> Node:
    args = named_args(node)
    x = ctx.quantized_input(args["self"])
    _require_shared_qparams(ctx, x)
    is_1d = node.target == aten.max_pool1d.default
    if args.get("ceil_mode"):
        raise NotLowerable("max_pool with ceil_mode=True")
    if any(d != 1 for d in _pair(args.get("dilation", 1), is_1d)):
        raise NotLowerable("max_pool with dilation > 1")
    kernel = _pair(args["kernel_size"], is_1d)
    stride = _pair(args["stride"] or args["kernel_size"], is_1d)
    padding = _pair(args["padding"], is_1d)
    return _pool(ctx, x, mcu.max_pool2d.default, kernel, stride, padding)


@register_lowering(aten.avg_pool2d.default, aten.avg_pool1d.default)
def lower_avg_pool(ctx: LoweringContext, node: Node) -> Node:
    args = named_args(node)
    x = ctx.quantized_input(args["self"])
    _require_shared_qparams(ctx, x)
    is_1d = node.target == aten.avg_pool1d.default
    padding = _pair(args["padding"], is_1d)
    if args.get("ceil_mode"):
        raise NotLowerable("avg_pool with ceil_mode=True")
    if args.get("divisor_override") is not None:
        raise NotLowerable("avg_pool with divisor_override")
    if any(padding) and args.get("count_include_pad", True):
        raise NotLowerable("avg_pool with padding and count_include_pad=True (CMSIS-NN averages in-bounds only)")
    kernel = _pair(args["kernel_size"], is_1d)
    stride = _pair(args["stride"] or args["kernel_size"], is_1d)
    return _pool(ctx, x, mcu.avg_pool2d.default, kernel, stride, padding)


@register_lowering(aten.adaptive_avg_pool2d.default, aten.adaptive_avg_pool1d.default)
def lower_adaptive_avg_pool(ctx: LoweringContext, node: Node) -> Node:
    x = ctx.quantized_input(node.args[0])
    _require_shared_qparams(ctx, x)
    shape = shape_of(x.node)
    is_1d = len(shape) == 3
    in_hw = [1, shape[2]] if is_1d else shape[2:]
    out_hw = _pair(node.args[1], is_1d)
    if any(i % o for i, o in zip(in_hw, out_hw)):
        raise NotLowerable(f"adaptive_avg_pool from {in_hw} to {out_hw} has uneven windows")
    kernel = [i // o for i, o in zip(in_hw, out_hw)]
    return _pool(ctx, x, mcu.avg_pool2d.default, kernel, kernel, [0, 0])


def spatial_mean(ctx: LoweringContext, x, keepdim: bool) -> Node:
    """A mean over H,W of an NCHW map (shared qparams) as one average pool (lowering/reduction.py)."""
    shape = shape_of(x.node)
    pooled = _pool(ctx, x, mcu.avg_pool2d.default, shape[2:], shape[2:], [0, 0])
    return pooled if keepdim else ctx.view(pooled, shape[:2])
