"""add / sub / mul (with broadcasting) -> torchmcu::add / torchmcu::mul.

Parameters follow TFLite's int8 scheme, which CMSIS-NN implements: for add,
both inputs are rescaled to 2*max(s1, s2) with 20 bits of headroom.
"""

from __future__ import annotations

import torch
from torch.fx import Node

from torchmcu import qmath
from torchmcu.lowering import LoweringContext, NotLowerable, QParams, QuantizedInput, aten, mcu, register_lowering

ADD_LEFT_SHIFT = 20


def _operand(ctx: LoweringContext, arg: object) -> QuantizedInput:
    """A quantized activation, or a Python scalar turned into an int8 constant."""
    if isinstance(arg, (int, float)) and not isinstance(arg, bool):
        value = float(arg)
        scale = abs(value) / 127.0 if value != 0 else 1.0
        quantized = torch.tensor([round(value / scale)], dtype=torch.int8)
        return QuantizedInput(ctx.add_constant(quantized, "scalar"), QParams(scale, 0))
    return ctx.quantized_input(arg)


@register_lowering(aten.add.Tensor, aten.add_.Tensor, aten.sub.Tensor, aten.sub_.Tensor)
def lower_add(ctx: LoweringContext, node: Node) -> Node:
    """add; sub is the same kernel with input2's multiplier negated (a - b = a + (-1) * b)."""
    if node.kwargs.get("alpha", 1) != 1:
        raise NotLowerable(f"{node.target} with alpha != 1")
    a, b = _operand(ctx, node.args[0]), _operand(ctx, node.args[1])
    twice_max = 2 * max(a.qparams.scale, b.qparams.scale)
    m1, s1 = qmath.quantize_multiplier(a.qparams.scale / twice_max)
    m2, s2 = qmath.quantize_multiplier(b.qparams.scale / twice_max)
    if node.target in (aten.sub.Tensor, aten.sub_.Tensor):
        m2 = -m2
    mo, so = qmath.quantize_multiplier(twice_max / ((1 << ADD_LEFT_SHIFT) * ctx.out.scale))
    act_min, act_max = ctx.activation_range()
    return ctx.call(
        mcu.add.default, a.node, b.node, a.qparams.offset, m1, s1, b.qparams.offset, m2, s2, ADD_LEFT_SHIFT,
        ctx.out.zero_point, mo, so, act_min, act_max,
    )


@register_lowering(aten.mul.Tensor, aten.mul_.Tensor)
def lower_mul(ctx: LoweringContext, node: Node) -> Node:
    a, b = _operand(ctx, node.args[0]), _operand(ctx, node.args[1])
    m, s = qmath.quantize_multiplier(a.qparams.scale * b.qparams.scale / ctx.out.scale)
    act_min, act_max = ctx.activation_range()
    return ctx.call(
        mcu.mul.default, a.node, b.node, a.qparams.offset, b.qparams.offset, ctx.out.zero_point, m, s,
        act_min, act_max,
    )
