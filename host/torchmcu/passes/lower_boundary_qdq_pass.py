"""LowerBoundaryQDQPass: the remaining quantize/dequantize nodes become torchmcu ops."""

from __future__ import annotations

import torch
from torch.fx import GraphModule
from torch.fx.passes.infra.pass_base import PassBase, PassResult

from torchmcu.lowering import DEQUANTIZE_OPS, QUANTIZE_OPS, _qparams_from

mcu = torch.ops.torchmcu


class LowerBoundaryQDQPass(PassBase):
    """Turn leftover per-tensor Q/DQ into `torchmcu::quantize/dequantize_per_tensor`.

    Expects: LowerQuantizedOpsPass has run, so Q/DQ remain only where float
    meets int8 (model inputs/outputs, around ops that were not lowered).
    Leaves: no `quantized_decomposed` per-tensor ops; float <-> int8 crossings
    are torchmcu kernels with the same qparams.
    """

    def call(self, gm: GraphModule) -> PassResult:
        modified = False
        for node in list(gm.graph.nodes):
            if node.op != "call_function":
                continue
            if node.target in QUANTIZE_OPS:
                op = mcu.quantize_per_tensor.default
            elif node.target in DEQUANTIZE_OPS:
                op = mcu.dequantize_per_tensor.default
            else:
                continue
            qp = _qparams_from(node)
            with gm.graph.inserting_before(node):
                replacement = gm.graph.call_function(op, (node.args[0], qp.scale, qp.zero_point))
            replacement.meta = dict(node.meta)
            node.replace_all_uses_with(replacement)
            gm.graph.erase_node(node)
            modified = True
        gm.recompile()
        return PassResult(gm, modified)
