"""linear (and addmm, should decomposition produce one) -> torchmcu::linear."""

from __future__ import annotations

import torch
from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering
from torchmcu.ops import named_args
from torchmcu.ops.linear import kernel_sum


def _lower(ctx: LoweringContext, input_arg, weight_arg, bias_arg) -> Node:
    x = ctx.quantized_input(input_arg)
    weight, w_scales, axis = ctx.per_channel_weight(weight_arg)
    if axis != 0:
        raise NotLowerable("linear weights must be quantized per output feature")
    scales = x.qparams.scale * w_scales
    real = scales / ctx.out.scale
    # A per-tensor weight needs one multiplier and shift, not one per output feature. Per-channel ones are
    # stored compact (Q15, one shift: half the bytes or less) and expanded into the call's scratch, a few
    # instructions per feature on each call. Not on Helium: its per-channel kernel is the fastest, so the
    # expansion would weigh most there (docs/memory.md), and its kernel sums already keep the program
    # smaller than upstream's.
    compact = ctx.target.isa != "mve"
    multiplier, shift = ctx.requant_params(real[:1] if torch.all(real == real[0]) else real, compact=compact)
    bias = ctx.int32_bias(bias_arg, scales)
    act_min, act_max = ctx.activation_range()
    sums = None
    if ctx.target.isa == "mve":
        # CMSIS-NN's MVE kernel reads bias + input_offset * row sums from ctx.buf and never
        # the bias: computed here once instead of on every call, and the bias is not stored.
        bias_values = None if bias is None else ctx.gm.get_buffer(bias.target)
        sums_values = kernel_sum(weight, bias_values, x.qparams.offset)
        if sums_values is not None:  # None: they overflow int32 (the kernel then sums bias on each call)
            sums = ctx.add_constant(sums_values, "kernel_sum")
            bias = None
    w = ctx.add_constant(weight, "weight")
    return ctx.call(
        mcu.linear.default, x.node, w, bias, sums, x.qparams.offset, ctx.out.zero_point, multiplier, shift,
        act_min, act_max,
    )


@register_lowering(aten.linear.default)
def lower_linear(ctx: LoweringContext, node: Node) -> Node:
    args = named_args(node)
    return _lower(ctx, args["input"], args["weight"], args["bias"])


@register_lowering(aten.addmm.default)
def lower_addmm(ctx: LoweringContext, node: Node) -> Node:
    """addmm(bias, x, w.T): what `linear` becomes if something decomposes it."""
    args = named_args(node)
    if args.get("beta", 1) != 1 or args.get("alpha", 1) != 1:
        raise NotLowerable("addmm with alpha/beta != 1")
    weight_t = args["mat2"]
    if not (isinstance(weight_t, Node) and weight_t.target in (aten.t.default, aten.permute.default)):
        raise NotLowerable("addmm whose weight is not a transposed constant")
    return _lower(ctx, args["mat1"], weight_t.args[0], args["self"])
