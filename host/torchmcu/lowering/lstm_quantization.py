"""The arguments of torchmcu::lstm for one float LSTM layer and its calibrated ranges.

CMSIS-NN's integer LSTM (arm_lstm_unidirectional_s8) fixes most scales: gate pre-activations are
Q3.12 and activations Q0.15; the cell state's scale is a power of two. What calibration decides:
the input's and the output's (hidden state's) int8 scale and zero point, and the cell state's
largest magnitude, from which the smallest power-of-two scale that holds it follows. Weights are
int8, symmetric, one scale per gate and path (the kernel takes one multiplier per gate).
"""

from __future__ import annotations

import math

import torch

from torchmcu import qmath
from torchmcu.ops.lstm import CELL_SCALE_POWERS, GATE_SCALE_POWER, GATES


def cell_scale_power(cell_max: float) -> int:
    """The smallest power of two p with cell_max <= 32767 * 2^p, within what the kernel takes."""
    wanted = math.ceil(math.log2(max(cell_max, 2.0**-20) / 32767))
    return min(max(wanted, CELL_SCALE_POWERS[0]), CELL_SCALE_POWERS[1])


def _per_gate(weight: torch.Tensor) -> tuple[torch.Tensor, list[float]]:
    """int8 weights [4H, K] and one symmetric scale per gate's rows."""
    rows = weight.shape[0] // GATES
    scales, parts = [], []
    for k in range(GATES):
        w = weight[k * rows:(k + 1) * rows].to(torch.float64)
        scale = max(float(w.abs().max()), 1e-12) / 127
        scales.append(scale)
        parts.append(torch.clamp(torch.round(w / scale), -127, 127))
    return torch.cat(parts).to(torch.int8), scales


def lstm_arguments(w_ih: torch.Tensor, w_hh: torch.Tensor, b_ih: torch.Tensor | None, b_hh: torch.Tensor | None,
                   input_qparams: tuple[float, int], output_qparams: tuple[float, int], cell_max: float,
                   time_major: bool) -> dict[str, object]:
    """Named torchmcu::lstm arguments (all but input and scratch) for one layer."""
    (s_x, z_x), (s_h, z_h) = input_qparams, output_qparams
    hidden = w_hh.shape[1]
    bias = torch.zeros(GATES * hidden, dtype=torch.float64)
    for b in (b_ih, b_hh):
        if b is not None:
            bias = bias + b.to(torch.float64)
    q_ih, ih_scales = _per_gate(w_ih)
    q_hh, hh_scales = _per_gate(w_hh)
    gate_unit = 2.0**GATE_SCALE_POWER
    input_bias, hidden_bias = [], []
    for k in range(GATES):
        rows = slice(k * hidden, (k + 1) * hidden)
        accumulator_scale = s_x * ih_scales[k]
        input_bias.append(torch.round(bias[rows] / accumulator_scale).to(torch.int64)
                          - z_x * q_ih[rows].to(torch.int64).sum(dim=1))
        hidden_bias.append(-z_h * q_hh[rows].to(torch.int64).sum(dim=1))
    reals = [s_x * s / gate_unit for s in ih_scales] + [s_h * s / gate_unit for s in hh_scales]
    gate_multiplier, gate_shift = zip(*(qmath.quantize_multiplier(r) for r in reals))
    power = cell_scale_power(cell_max)
    forget_to_cell = qmath.quantize_multiplier(2.0**-15)
    input_to_cell = qmath.quantize_multiplier(2.0**(-30 - power))
    output = qmath.quantize_multiplier(2.0**-30 / s_h)
    return {
        "input_weights": q_ih, "input_bias": torch.cat(input_bias).to(torch.int32),
        "hidden_weights": q_hh, "hidden_bias": torch.cat(hidden_bias).to(torch.int32),
        "gate_multiplier": torch.tensor(gate_multiplier, dtype=torch.int32),
        "gate_shift": torch.tensor(gate_shift, dtype=torch.int32),
        "input_offset": -z_x, "output_offset": z_h,
        "forget_to_cell_multiplier": forget_to_cell[0], "forget_to_cell_shift": forget_to_cell[1],
        "input_to_cell_multiplier": input_to_cell[0], "input_to_cell_shift": input_to_cell[1],
        "cell_clip": 0, "cell_scale_power": power,
        "output_multiplier": output[0], "output_shift": output[1], "time_major": int(time_major),
    }
