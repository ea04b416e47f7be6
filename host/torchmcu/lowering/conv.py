"""conv1d / conv2d -> torchmcu::conv2d or torchmcu::depthwise_conv2d (NHWC).

Conv1d (N, C, W) runs on the 2-D kernels as (N, C, 1, W): a view plus a
transpose to NHWC around the op. Between consecutive conv1d layers those
wrappers cancel (FoldTransposesPass, FuseViewsPass).
"""

from __future__ import annotations

import torch
from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.ops import named_args


def expand(values, rank: int) -> list[int]:
    """A PyTorch int-or-list argument as `rank` values."""
    values = list(values) if isinstance(values, (list, tuple)) else [values]
    return values * rank if len(values) == 1 else values


def same_padding(kernel: list[int], dilation: list[int]) -> list[int]:
    """PyTorch padding='same': total d*(k-1), the extra element at the end."""
    totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return [totals[0] // 2, totals[1] // 2, totals[0] - totals[0] // 2, totals[1] - totals[1] // 2]


@register_lowering(aten.conv2d.default, aten.conv2d.padding, aten.conv1d.default, aten.conv1d.padding)
def lower_convolution(ctx: LoweringContext, node: Node) -> Node:
    args = named_args(node)
    x = ctx.quantized_input(args["input"])
    weight, w_scales, axis = ctx.per_channel_weight(args["weight"])
    if axis != 0:
        raise NotLowerable("conv weights must be quantized per output channel")
    is_1d = weight.dim() == 3
    rank = 1 if is_1d else 2
    stride = expand(args["stride"], rank)
    dilation = expand(args["dilation"], rank)
    groups = int(args["groups"])
    if is_1d:
        weight = weight.unsqueeze(2)  # [C_out, C_in/g, 1, k]
        stride, dilation = [1, stride[0]], [1, dilation[0]]
    kernel = list(weight.shape[2:])
    if isinstance(args["padding"], str):
        if args["padding"] == "valid":
            padding = [0, 0, 0, 0]
        else:
            padding = same_padding(kernel, dilation)
    else:
        p = expand(args["padding"], rank)
        padding = [0, p[0], 0, p[0]] if is_1d else [p[0], p[1], p[0], p[1]]

    in_shape = shape_of(x.node)
    source = ctx.view(x.node, [in_shape[0], in_shape[1], 1, in_shape[2]]) if is_1d else x.node
    c_in = in_shape[1]
    c_out = weight.shape[0]
    scales = x.qparams.scale * w_scales
    multiplier, shift = ctx.requant_params(scales / ctx.out.scale)
    bias = ctx.int32_bias(args["bias"], scales)
    act_min, act_max = ctx.activation_range()
    nhwc = ctx.to_nhwc(source)
    if groups == c_in and c_in > 1 and c_out % c_in == 0:
        # Depthwise: [C_out, 1, kh, kw] -> [1, kh, kw, C_out].
        w = ctx.add_constant(weight.permute(1, 2, 3, 0), "weight")
        out = ctx.call(
            mcu.depthwise_conv2d.default, nhwc, w, bias, stride, padding, dilation, c_out // c_in,
            x.qparams.offset, ctx.out.zero_point, multiplier, shift, act_min, act_max,
        )
    else:
        w = ctx.add_constant(weight.permute(0, 2, 3, 1), "weight")  # OIHW -> OHWI
        out = ctx.call(
            mcu.conv2d.default, nhwc, w, bias, stride, padding, dilation, groups,
            x.qparams.offset, ctx.out.zero_point, multiplier, shift, act_min, act_max,
        )
    result = ctx.to_nchw(out)
    if is_1d:
        n, c, _, width = shape_of(result)
        result = ctx.view(result, [n, c, width])
    return result
