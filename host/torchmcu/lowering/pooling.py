"""max/avg pooling (also with ceil_mode) and spatial mean -> torchmcu pools (NHWC).

Pools share qparams between input and output (the quantizer makes it so);
1-D pools run on the 2-D kernels as (N, C, 1, W).
"""

from __future__ import annotations

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.ops import named_args


def pair(value, is_1d: bool, height: int = 1) -> list[int]:
    """[H, W] of a pooling argument; a 1-D pool's H is `height` (1 for kernel/stride, 0 for padding)."""
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if is_1d:
        return [height, values[0]]
    return values * 2 if len(values) == 1 else values


def require_shared_qparams(ctx: LoweringContext, x) -> None:
    if x.qparams != ctx.out:
        raise NotLowerable(f"pooling input and output qparams differ ({x.qparams} vs {ctx.out})")


def on_nhwc(ctx: LoweringContext, node: Node, op, *args) -> Node:
    """`op(input NHWC, *args)` on an NCHW or (N, C, L) node, its result back in the node's layout."""
    shape = shape_of(node)
    is_1d = len(shape) == 3
    source = ctx.view(node, [shape[0], shape[1], 1, shape[2]]) if is_1d else node
    result = ctx.to_nchw(ctx.call(op, ctx.to_nhwc(source), *args))
    if is_1d:
        n, c, _, w = shape_of(result)
        result = ctx.view(result, [n, c, w])
    return result


def pool(ctx: LoweringContext, x, op, kernel, stride, padding, *extra) -> Node:
    act_min, act_max = ctx.activation_range()
    return on_nhwc(ctx, x.node, op, kernel, stride, padding, act_min, act_max, *extra)


def spatial_size(shape: list[int]) -> list[int]:
    """[H, W] of an NCHW shape, [1, L] of an (N, C, L) one."""
    return [1, shape[2]] if len(shape) == 3 else list(shape[2:])


def _ceil_mode_padding(in_hw, out_hw, kernel, stride, padding) -> list[int]:
    """ceil_mode as extra bottom/right padding [top, left, bottom, right].

    PyTorch drops a last window that would start in the bottom/right padding, so every window it keeps
    holds an input element; the kernels clip windows to the input (max never picks padding, average
    never counts it), so the extra rows and columns only add PyTorch's ceil-mode windows, bit for bit.
    """
    extra = [max(0, (o - 1) * s + k - i - 2 * p) for i, o, k, s, p in zip(in_hw, out_hw, kernel, stride, padding)]
    return [padding[0], padding[1], padding[0] + extra[0], padding[1] + extra[1]]


def _with_ceil_mode(args: dict, x, node: Node, kernel, stride, padding) -> list[int]:
    """The pool's padding, with ceil_mode's windows as extra bottom/right padding."""
    if not args.get("ceil_mode"):
        return padding
    return _ceil_mode_padding(spatial_size(shape_of(x.node)), spatial_size(shape_of(node)), kernel, stride, padding)


@register_lowering(aten.max_pool2d.default, aten.max_pool1d.default)
def lower_max_pool(ctx: LoweringContext, node: Node) -> Node:
    args = named_args(node)
    x = ctx.quantized_input(args["self"])
    require_shared_qparams(ctx, x)
    is_1d = node.target == aten.max_pool1d.default
    if any(d != 1 for d in pair(args.get("dilation", 1), is_1d)):
        raise NotLowerable("max_pool with dilation > 1")
    kernel = pair(args["kernel_size"], is_1d)
    stride = pair(args["stride"] or args["kernel_size"], is_1d)
    padding = pair(args["padding"], is_1d, height=0)
    return pool(ctx, x, mcu.max_pool2d.default, kernel, stride, _with_ceil_mode(args, x, node, kernel, stride, padding))


@register_lowering(aten.avg_pool2d.default, aten.avg_pool1d.default)
def lower_avg_pool(ctx: LoweringContext, node: Node) -> Node:
    args = named_args(node)
    x = ctx.quantized_input(args["self"])
    require_shared_qparams(ctx, x)
    is_1d = node.target == aten.avg_pool1d.default
    padding = pair(args["padding"], is_1d, height=0)
    if args.get("divisor_override") is not None:
        raise NotLowerable("avg_pool with divisor_override")
    # PyTorch divides a window by its elements inside the input, or with count_include_pad by its size clipped
    # to the padded input; arm_avgpool_s8 by the elements inside the input. The two agree on every window,
    # ceil_mode's overhanging last ones included, exactly when nothing is padded or padding is not counted.
    if any(padding) and args.get("count_include_pad", True):
        raise NotLowerable("avg_pool with padding and count_include_pad=True: PyTorch divides by the window size "
                           "including padding, CMSIS-NN's arm_avgpool_s8 by the elements inside the input")
    kernel = pair(args["kernel_size"], is_1d)
    stride = pair(args["stride"] or args["kernel_size"], is_1d)
    return pool(ctx, x, mcu.avg_pool2d.default, kernel, stride, _with_ceil_mode(args, x, node, kernel, stride, padding))


def spatial_mean(ctx: LoweringContext, x, keepdim: bool) -> Node:
    """A mean over H,W of an NCHW map (shared qparams) as one average pool (lowering/reduction.py)."""
    shape = shape_of(x.node)
    pooled = pool(ctx, x, mcu.avg_pool2d.default, shape[2:], shape[2:], [0, 0])
    return pooled if keepdim else ctx.view(pooled, shape[:2])
