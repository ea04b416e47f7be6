"""LayerNorm / RMSNorm over the last axis -> torchmcu::layer_norm.

gamma and beta stay float constants in the quantized graph; here they become a
per-channel Q31 multiplier/shift (sqrt(n) * gamma / output_scale / 2^30, see
ops/layer_norm.py) and an int32 bias in output steps.
"""

from __future__ import annotations

import math

import torch
from torch.fx import Node

from torchmcu import qmath
from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.ops import named_args
from torchmcu.ops import layer_norm as layer_norm_op

_MAX_BIAS = 1 << 24


def _affine(ctx: LoweringContext, weight_arg, bias_arg, n: int) -> tuple[Node, Node, Node]:
    gamma = torch.ones(n, dtype=torch.float64) if weight_arg is None else ctx.constant(weight_arg).to(torch.float64)
    beta = torch.zeros(n, dtype=torch.float64) if bias_arg is None else ctx.constant(bias_arg).to(torch.float64)
    pairs = [qmath.quantize_multiplier(float(g)) for g in (gamma.abs() * math.sqrt(n) / (ctx.out.scale * 2**30))]
    if any(not -31 <= s <= 30 for _, s in pairs):
        raise NotLowerable("a gamma too small or too large for a Q31 multiplier at these scales")
    sign = torch.where(gamma < 0, -1, 1)
    multiplier = torch.tensor([m for m, _ in pairs], dtype=torch.int64) * sign
    shift = torch.tensor([s for _, s in pairs], dtype=torch.int32)
    bias = torch.round(beta / ctx.out.scale)
    if torch.any(bias.abs() > _MAX_BIAS):
        raise NotLowerable("beta is more than 2^24 output steps")
    return (ctx.add_constant(multiplier.to(torch.int32), "multiplier"), ctx.add_constant(shift, "shift"),
            ctx.add_constant(bias.to(torch.int32), "bias"))


def _normalize(ctx: LoweringContext, node: Node, centered: bool) -> Node:
    args = named_args(node)
    x = ctx.quantized_input(args["input"])
    shape = shape_of(x.node)
    n = shape[-1]
    if list(args["normalized_shape"]) != [n]:
        raise NotLowerable(f"normalization over {list(args['normalized_shape'])} (the last axis only)")
    if n > layer_norm_op.MAX_ROW:
        raise NotLowerable(f"normalization over {n} elements (at most {layer_norm_op.MAX_ROW})")
    eps = args.get("eps")
    eps = torch.finfo(torch.float32).eps if eps is None else float(eps)
    epsilon = layer_norm_op.epsilon_term(eps, n, x.qparams.scale, centered)
    if epsilon > layer_norm_op.MAX_EPSILON:
        raise NotLowerable(f"eps {eps} is too large at input scale {x.qparams.scale}")
    multiplier, shift, bias = _affine(ctx, args.get("weight"), args.get("bias") if centered else None, n)
    return ctx.call(mcu.layer_norm.default, x.node, multiplier, shift, bias, x.qparams.offset, ctx.out.zero_point,
                    epsilon, int(centered))


@register_lowering(aten.layer_norm.default)
def lower_layer_norm(ctx: LoweringContext, node: Node) -> Node:
    return _normalize(ctx, node, centered=True)


@register_lowering(aten.rms_norm.default)
def lower_rms_norm(ctx: LoweringContext, node: Node) -> Node:
    return _normalize(ctx, node, centered=False)
