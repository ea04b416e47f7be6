"""conv_transpose2d -> torchmcu::transpose_conv2d (NHWC, weights [C_out, kh, kw, C_in])."""

from __future__ import annotations

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering
from torchmcu.lowering.conv import expand
from torchmcu.ops import named_args


@register_lowering(aten.conv_transpose2d.input)
def lower_transpose_conv(ctx: LoweringContext, node: Node) -> Node:
    args = named_args(node)
    x = ctx.quantized_input(args["input"])
    weight, w_scales, axis = ctx.per_channel_weight(args["weight"])
    if axis != 1:
        raise NotLowerable("transpose-conv weights must be quantized per output channel (axis 1)")
    if int(args["groups"]) != 1:
        raise NotLowerable(f"groups={args['groups']}: CMSIS-NN transpose conv has no groups")
    if list(args["dilation"]) not in ([1, 1], [1]):
        raise NotLowerable(f"dilation={list(args['dilation'])}: CMSIS-NN transpose conv supports dilation 1 only")
    stride = expand(args["stride"], 2)
    padding = expand(args["padding"], 2)
    output_padding = expand(args["output_padding"], 2)
    scales = x.qparams.scale * w_scales
    multiplier, shift = ctx.requant_params(scales / ctx.out.scale)
    bias = ctx.int32_bias(args["bias"], scales)
    act_min, act_max = ctx.activation_range()
    # PyTorch [C_in, C_out, kh, kw] -> CMSIS-NN [C_out, kh, kw, C_in].
    w = ctx.add_constant(weight.permute(1, 2, 3, 0), "weight")
    out = ctx.call(
        mcu.transpose_conv2d.default, ctx.to_nhwc(x.node), w, bias, stride, padding, output_padding,
        x.qparams.offset, ctx.out.zero_point, multiplier, shift, act_min, act_max,
    )
    return ctx.to_nchw(out)
