"""Whether a compile runs fitting LSTM layers as one torchmcu::lstm each, or unrolls them.

The fused kernel is CMSIS-NN's arm_lstm_unidirectional_s8 arithmetic, whose sigmoid and tanh
interpolate CMSIS-NN's 256-entry sigmoid_table_uint16. torchmcu keeps no copy of that table:
the compiler reads it from the CMSIS-NN checkout it sizes scratch with (CMSIS_NN_PATH or
`cmsis_nn_path`) and stores it in the program, as the lstm call's `sigmoid_table` argument.

The rule, the same for every target (measurements in docs/ops.md, from
benchmarks/lstm_fusion_cost.py on QEMU Cortex-M4, M33 and M55, both kernel backends):
- no CMSIS-NN checkout at compile time: unrolled (there is no table to store);
- otherwise fused: the fused layer ran in no more instructions than the unrolled one on every
  CPU and backend measured (on Helium with CMSIS-NN within a few percent, elsewhere 1.3-1.7x
  fewer), in one kernel call instead of ~160, and the program is half the size.
Should a target measure slower fused, this is where it is to stay unrolled.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from torchmcu.target import Target

# Measurements only (benchmarks/lstm_fusion_cost.py compiles the unrolled path to compare).
UNROLL = False


@dataclass(frozen=True)
class LstmFusion:
    """The decision for one compile: `sigmoid_table` (int16 bit patterns) when fusing, else `reason`."""

    sigmoid_table: torch.Tensor | None
    reason: str


def has_lstm(graph) -> bool:
    """Whether an exported graph has an nn.LSTM (the plan then says how the compile ran it)."""
    return any(node.target == torch.ops.aten.lstm.input for node in graph.graph.nodes)


def int16_table(values) -> torch.Tensor:
    """uint16 table entries as the int16 tensor a program stores (same bits; ExecuTorch has no uint16)."""
    return torch.tensor([int(v) - 65536 if int(v) > 32767 else int(v) for v in values], dtype=torch.int16)


def lstm_fusion(target: Target, sizer) -> LstmFusion:
    """The rule above, for `target` and the compile's scratch sizer (a CheckoutSizer has a checkout)."""
    read_table = getattr(sizer, "sigmoid_table", None)
    if read_table is None:
        return LstmFusion(None, "no CMSIS-NN checkout at compile time (CMSIS_NN_PATH): the fused LSTM kernel "
                                "needs CMSIS-NN's sigmoid table from it")
    if UNROLL:
        return LstmFusion(None, "unrolled on request (torchmcu.lstm_fusion.UNROLL)")
    return LstmFusion(int16_table(read_table()),
                      f"{target}: fitting LSTM layers run as one arm_lstm_unidirectional_s8 each")
