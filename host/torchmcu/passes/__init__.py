"""The torchmcu pass pipeline, in compile order.

Graph-module passes run on the converted PT2E graph (before re-export); the
edge pass runs on the edge program just before `to_executorch`.
"""

from __future__ import annotations

import torch
from torch.fx.passes.infra.pass_base import PassBase

from torchmcu.passes.decompose_attention_pass import DecomposeAttentionPass
from torchmcu.passes.decompose_recurrent_pass import DecomposeRecurrentPass
from torchmcu.passes.equalize_linear_pairs_pass import EqualizeLinearPairsPass
from torchmcu.passes.fold_batch_norm_pass import FoldBatchNormPass
from torchmcu.passes.fold_transposes_pass import FoldTransposesPass
from torchmcu.passes.fuse_input_quantize_transpose_pass import FuseInputQuantizeTransposePass
from torchmcu.passes.fuse_lstm_pass import FuseLstmPass
from torchmcu.passes.fuse_views_pass import FuseViewsPass
from torchmcu.passes.lower_boundary_qdq_pass import LowerBoundaryQDQPass
from torchmcu.passes.lower_quantized_ops_pass import LowerQuantizedOpsPass
from torchmcu.passes.plan_scratch_pass import PlanScratchPass
from torchmcu.passes.remove_unused_constants_pass import RemoveUnusedConstantsPass


def pre_quantization_passes(lstm_sigmoid_table: torch.Tensor | None = None) -> list[PassBase]:
    """On the exported float graph, before observers are inserted; LSTMs fuse only given the
    sigmoid table (torchmcu.lstm_fusion)."""
    return [
        # Linear + BatchNorm1d (conv + BN is folded by torchao's prepare_pt2e):
        # must happen before observers so the folded weights are what gets quantized.
        FoldBatchNormPass(),
        # Then even out the folded linears' per-row ranges (exact in float), so
        # fewer of them need per-channel scales.
        EqualizeLinearPairsPass(),
        # Attention as matmul/softmax/matmul: each step needs its own observer.
        DecomposeAttentionPass(),
        # LSTM layers arm_lstm_unidirectional_s8 can run: one op each, recording the cell range.
        FuseLstmPass(lstm_sigmoid_table),
        # Other LSTM / GRU unrolled into linear, table and elementwise ops, so calibration sees every gate.
        DecomposeRecurrentPass(),
    ]


def lowering_passes(target) -> list[PassBase]:
    """On the converted (Q/DQ) graph, producing the torchmcu graph."""
    return [
        # 1. Fold Q/DQ + fused activation into each op's integer parameters.
        LowerQuantizedOpsPass(target),
        # 2. Only model-boundary (and fallback) float<->int8 crossings remain.
        LowerBoundaryQDQPass(),
        # 3. Layout: cancel the NHWC<->NCHW transposes between lowered ops;
        #    views in between must be fused first for conv1d chains, and
        #    folding transposes can expose new view chains, so both run twice.
        FuseViewsPass(),
        FoldTransposesPass(),
        FuseViewsPass(),
        FoldTransposesPass(),
        # 4. The input's quantize then writes NHWC itself: only once the transposes
        #    are folded is the one left after it known to be the input's layout change.
        FuseInputQuantizeTransposePass(),
        # 5. Last: torch.export lifts every tensor left on the module into the
        #    program, so the weights lowering replaced must be gone before re-export.
        RemoveUnusedConstantsPass(),
    ]


__all__ = [
    "DecomposeAttentionPass",
    "DecomposeRecurrentPass",
    "EqualizeLinearPairsPass",
    "FoldBatchNormPass",
    "FoldTransposesPass",
    "FuseInputQuantizeTransposePass",
    "FuseLstmPass",
    "FuseViewsPass",
    "LowerBoundaryQDQPass",
    "LowerQuantizedOpsPass",
    "PlanScratchPass",
    "RemoveUnusedConstantsPass",
    "lowering_passes",
    "pre_quantization_passes",
]
