"""PReLU -> torchmcu::prelu (a slope per channel, NHWC) or, with one shared slope, a table.

The slopes fold into the negative branch's requantization (ops/prelu.py), one multiplier and shift
per channel; a negative slope gives a negative multiplier.
"""

from __future__ import annotations

import torch
from torch.fx import Node

from torchmcu import qmath
from torchmcu.lowering import LoweringContext, NotLowerable, aten, mcu, register_lowering, shape_of
from torchmcu.lowering.activations import lower_table_activation
from torchmcu.lowering.pooling import on_nhwc


def _signed_multiplier(real: float) -> tuple[int, int]:
    try:
        multiplier, shift = qmath.quantize_multiplier(abs(real))
    except ValueError as error:
        raise NotLowerable(f"PReLU: {error}") from None
    return (-multiplier if real < 0 else multiplier), shift


@register_lowering(aten.prelu.default)
def lower_prelu(ctx: LoweringContext, node: Node) -> Node:
    slopes = ctx.constant(node.args[1]).to(torch.float64).flatten()
    if slopes.numel() == 1:
        return lower_table_activation(ctx, node)
    x = ctx.quantized_input(node.args[0])
    rank = len(shape_of(x.node))
    if rank not in (2, 3, 4):
        raise NotLowerable(f"PReLU on a rank-{rank} tensor (2 to 4 dims, channels on dim 1)")
    if ctx.activation_range() != (-128, 127):
        raise NotLowerable("PReLU with a fused activation")
    ratio = x.qparams.scale / ctx.out.scale
    negative = [_signed_multiplier(float(slope) * ratio) for slope in slopes]
    multiplier = ctx.add_constant(torch.tensor([m for m, _ in negative], dtype=torch.int32), "multiplier")
    shift = ctx.add_constant(torch.tensor([s for _, s in negative], dtype=torch.int32), "shift")
    args = (multiplier, shift, x.qparams.offset, ctx.out.zero_point, *_signed_multiplier(ratio))
    if rank == 2:
        return ctx.call(mcu.prelu.default, x.node, *args)
    return on_nhwc(ctx, x.node, mcu.prelu.default, *args)
