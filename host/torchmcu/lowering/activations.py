"""Elementwise activations -> torchmcu::lut (a 256-entry table built here).

Covers sigmoid, tanh, hardswish, hardsigmoid, gelu, silu, and relu / relu6 /
hardtanh / clamp when they could not fuse into the op before them.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.fx import Node

from torchmcu.lowering import LoweringContext, aten, mcu, register_lowering
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
}


def _function_of(node: Node):
    if node.target in _FUNCTIONS:
        return _FUNCTIONS[node.target]
    if node.target == aten.gelu.default:
        approximate = node.kwargs.get("approximate", node.args[1] if len(node.args) > 1 else "none")
        return lambda x: F.gelu(x, approximate=approximate)
    if node.target in (aten.hardtanh.default, aten.hardtanh_.default):
        low = node.args[1] if len(node.args) > 1 else -1.0
        high = node.args[2] if len(node.args) > 2 else 1.0
        return lambda x: torch.clamp(x, low, high)
    low = node.args[1] if len(node.args) > 1 else None
    high = node.args[2] if len(node.args) > 2 else None
    return lambda x: torch.clamp(x, low, high)


@register_lowering(*_FUNCTIONS, aten.gelu.default, aten.hardtanh.default, aten.hardtanh_.default, aten.clamp.default)
def lower_table_activation(ctx: LoweringContext, node: Node) -> Node:
    x = ctx.quantized_input(node.args[0])
    table = build_table(_function_of(node), x.qparams.scale, x.qparams.zero_point, ctx.out.scale, ctx.out.zero_point)
    return ctx.call(mcu.lut.default, x.node, ctx.add_constant(table, "table"))
