"""torchmcu_calibration::lstm_layer: one float LSTM layer that records its largest |cell state|.

FuseLstmPass puts it where an LSTM will run as one torchmcu::lstm; the quantizer observes its input
and output like any activation, and lowering/lstm.py turns it into the kernel call. It is a module
of its own so that the quantizer can name it without importing the passes, which import the quantizer.
"""

from __future__ import annotations

import torch

from torchmcu.ops.lstm import GATES


@torch.library.custom_op("torchmcu_calibration::lstm_layer", mutates_args=("cell_range",))
def lstm_layer(input: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor, bias: torch.Tensor,
               cell_range: torch.Tensor, sigmoid_table: torch.Tensor, batch_first: bool) -> torch.Tensor:
    """One float LSTM layer from zero state; cell_range[0] becomes max(itself, max |c|).
    sigmoid_table only travels to the lowering (the int16 kernel's table), float arithmetic ignores it."""
    steps = input.transpose(0, 1) if batch_first else input
    h = c = input.new_zeros(steps.shape[1], w_hh.shape[1])
    outputs = []
    for x in steps:
        i, f, g, o = (x @ w_ih.T + h @ w_hh.T + bias).chunk(GATES, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        cell_range[0] = torch.maximum(cell_range[0], c.abs().max())
        outputs.append(h)
    return torch.stack(outputs, 1 if batch_first else 0)


@lstm_layer.register_fake
def _(input, w_ih, w_hh, bias, cell_range, sigmoid_table, batch_first):
    return input.new_empty((*input.shape[:2], w_hh.shape[1]))


LSTM_LAYER = torch.ops.torchmcu_calibration.lstm_layer.default
