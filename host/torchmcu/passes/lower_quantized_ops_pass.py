"""LowerQuantizedOpsPass: dequantize -> aten op [-> activation] -> quantize becomes torchmcu ops."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.fx import GraphModule, Node
from torch.fx.passes.infra.pass_base import PassBase, PassResult

from torchmcu.lowering import (
    QUANTIZE_OPS,
    LoweringContext,
    NotLowerable,
    _qparams_from,
    lowering_for,
)
from torchmcu.quantizer import ACTIVATION_TAILS


@dataclass
class NotLoweredOp:
    op: str
    node: str
    reason: str
    source: str


def source_location(node: Node) -> str:
    """'file.py:12 in forward' of the user's code that created `node`."""
    trace = node.meta.get("stack_trace") or ""
    lines = [line.strip() for line in trace.splitlines() if line.strip().startswith("File ")]
    if not lines:
        return "<unknown source>"
    # The last frame is the user's line that called the op.
    parts = lines[-1].split(",")
    file = parts[0].replace("File ", "").strip('"')
    line = parts[1].strip().replace("line ", "") if len(parts) > 1 else "?"
    return f"{file}:{line}"


def _output_quantize(node: Node) -> tuple[Node | None, Node | None]:
    """(fused activation tail or None, the quantize node) after `node`, if the output is quantized."""
    if len(node.users) != 1:
        return None, None
    (user,) = node.users
    if user.op == "call_function" and user.target in QUANTIZE_OPS:
        return None, user
    if user.target in ACTIVATION_TAILS and len(user.users) == 1:
        (after,) = user.users
        if after.op == "call_function" and after.target in QUANTIZE_OPS:
            return user, after
    return None, None


class LowerQuantizedOpsPass(PassBase):
    """Replace each quantized aten op by its `torchmcu::` lowering.

    Expects: a converted PT2E graph module (aten ops whose float inputs come from
    `dequantize_per_tensor`/`dequantize_per_channel` and whose output, possibly
    through one relu/relu6/hardtanh/clamp, goes to one `quantize_per_tensor`).
    Leaves: every lowerable op replaced by torchmcu ops on int8 tensors (4-D
    ops in NHWC with transposes around them, folded later); ops without a
    lowering untouched and listed in `not_lowered` with the reason.
    """

    def __init__(self, target) -> None:
        super().__init__()
        self.target = target
        self.not_lowered: list[NotLoweredOp] = []

    def call(self, gm: GraphModule) -> PassResult:
        ctx = LoweringContext(gm, self.target)
        modified = False
        for node in list(gm.graph.nodes):
            if node.op != "call_function" or node._erased:
                continue
            lower = lowering_for(node.target)
            if lower is None:
                continue
            tail, quantize = _output_quantize(node)
            if quantize is None:
                continue  # not a quantized instance; the report lists float compute ops
            try:
                ctx.output_qparams = _qparams_from(quantize)
                ctx.activation = tail
                with gm.graph.inserting_before(quantize):
                    replacement = lower(ctx, node)
            except NotLowerable as reason:
                self.not_lowered.append(NotLoweredOp(str(node.target), node.name, str(reason), source_location(node)))
                continue
            replacement.meta["stack_trace"] = node.meta.get("stack_trace")
            replacement.meta["torchmcu_source_op"] = str(node.target)
            # For per-layer reports: which float node this int8 value stands for, and how to read it.
            replacement.meta["torchmcu_layer"] = {"float_node": (tail or node).name,
                                                  "scale": ctx.output_qparams.scale,
                                                  "zero_point": ctx.output_qparams.zero_point}
            quantize.replace_all_uses_with(replacement)
            for dead in (quantize, tail, node):
                if dead is not None and not dead.users:
                    gm.graph.erase_node(dead)
            modified = True
        gm.graph.eliminate_dead_code()
        gm.recompile()
        return PassResult(gm, modified)
