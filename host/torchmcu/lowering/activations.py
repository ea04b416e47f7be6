"""Elementwise activations -> torchmcu::lut (a 256-entry table built here).

Covers sigmoid, tanh, hardswish, hardsigmoid, gelu, silu, mish, elu,
leaky_relu, PReLU with one slope (lowering/prelu.py hands it over), neg, abs, division by a constant, and
relu / relu6 / hardtanh / clamp when they could not fuse into the op before them.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering
from torchmcu.ops.lut import build_table

_FUNCTIONS = {
    aten.sigmoid.default: torch.sigmoid,
    aten.tanh.default: torch.tanh,
    aten.hardswish.default: F.hardswish,
    aten.hardswish_.default: F.hardswish,
    aten.hardsigmoid.default: F.hardsigmoid,
    aten.hardsigmoid_.default: F.hardsigmoid,
    aten.silu.default: F.silu,
    aten.silu_.default: F.silu,
    aten.relu.default: torch.relu,
    aten.relu_.default: torch.relu,
    aten.relu6.default: F.relu6,
    aten.mish.default: F.mish,
    aten.neg.default: torch.neg,
    aten.abs.default: torch.abs,
}


def _function_of(ctx: LoweringContext, node: Node):
    if node.target in _FUNCTIONS:
        return _FUNCTIONS[node.target]
    if node.target == aten.gelu.default:
        approximate = node.kwargs.get("approximate", node.args[1] if len(node.args) > 1 else "none")
        return lambda x: F.gelu(x, approximate=approximate)
    if node.target in (aten.hardtanh.default, aten.hardtanh_.default):
        low = node.args[1] if len(node.args) > 1 else -1.0
        high = node.args[2] if len(node.args) > 2 else 1.0
        return lambda x: torch.clamp(x, low, high)
    if node.target in (aten.leaky_relu.default, aten.leaky_relu_.default):
        slope = node.args[1] if len(node.args) > 1 else 0.01
        return lambda x: F.leaky_relu(x, slope)
    if node.target in (aten.elu.default, aten.elu_.default):
        alpha, scale, input_scale = (list(node.args[1:4]) + [1.0, 1.0, 1.0][len(node.args[1:4]):])
        return lambda x: torch.where(x > 0, x * scale, alpha * scale * torch.expm1(x * input_scale))
    if node.target in (aten.div.Tensor, aten.div_.Tensor):
        divisor = node.args[1]
        if not isinstance(divisor, (int, float)):
            raise NotLowerable("division by a tensor (a constant divisor only)")
        return lambda x: x / divisor
    if node.target == aten.prelu.default:
        slopes = ctx.constant(node.args[1])
        slope = float(slopes.item())
        return lambda x: torch.where(x >= 0, x, slope * x)
    low = node.args[1] if len(node.args) > 1 else None
    high = node.args[2] if len(node.args) > 2 else None
    return lambda x: torch.clamp(x, low, high)


_PARAMETRIC = (aten.gelu.default, aten.hardtanh.default, aten.hardtanh_.default, aten.clamp.default,
               aten.leaky_relu.default, aten.leaky_relu_.default, aten.elu.default, aten.elu_.default,
               aten.div.Tensor, aten.div_.Tensor)


@register_lowering(*_FUNCTIONS, *_PARAMETRIC)
def lower_table_activation(ctx: LoweringContext, node: Node) -> Node:
    function = _function_of(ctx, node)
    x = ctx.quantized_input(node.args[0])
    table = build_table(function, x.qparams.scale, x.qparams.zero_point, ctx.out.scale, ctx.out.zero_point)
    return ctx.call(mcu.lut.default, x.node, ctx.add_constant(table, "table"))
