"""torchmcu::lstm: a unidirectional int8 LSTM layer with int16 gates and cell state, as arm_lstm_unidirectional_s8.

Shapes: input [T, B, I] (time_major=1) or [B, T, I] (time_major=0), output the same with H for I.
Weights are PyTorch's rows i, f, g, o: input_weights [4H, I], hidden_weights [4H, H], int8, one
scale per gate. Per step t, with x the step's int8 input and h the previous output (none at t = 0,
PyTorch's zero initial state; the zero point cancels because the effective biases carry it):
  gate_k = act_k(clamp16(requantize(W_x[k] x + input_bias[k], m_x[k], s_x[k])
                         + requantize(W_h[k] h + hidden_bias[k], m_h[k], s_h[k])))   Q3.12 -> Q0.15
           act = sigmoid for i, f, o and tanh for g (CMSIS-NN's s16 table approximation below)
  c      = clip(clamp16(requantize(f * c, forget_to_cell)) + requantize(i * g, input_to_cell))
           c has scale 2^cell_scale_power; clip to [-cell_clip, cell_clip] when cell_clip > 0
  h      = clamp8(requantize(o * tanh(c), output) + output_offset)
input_bias[k] = b[k] / (s_in * s_wx[k]) + input_offset * sum(W_x[k]); hidden_bias[k] = output_offset'
* sum(W_h[k]) with the hidden state's input offset (-output zero point) -- both precomputed on the host.
sigmoid_table: CMSIS-NN's sigmoid_table_uint16 (256 uint16 bit patterns, stored as int16), which the
compiler reads from the CMSIS-NN checkout (torchmcu.lstm_fusion); torchmcu keeps no copy of it.
Scratch: three int16 arrays of B*H (two gate buffers and the cell state), `scratch_bytes`.
"""

import torch

from torchmcu import qmath
from torchmcu.ops._library import define_op

ARGUMENTS = ("Tensor input, Tensor input_weights, Tensor input_bias, Tensor hidden_weights, Tensor hidden_bias, "
             "Tensor gate_multiplier, Tensor gate_shift, Tensor sigmoid_table, int input_offset, int output_offset, "
             "int forget_to_cell_multiplier, int forget_to_cell_shift, int input_to_cell_multiplier, "
             "int input_to_cell_shift, int cell_clip, int cell_scale_power, int output_multiplier, int output_shift, "
             "int time_major, Tensor? scratch=None")
GATES = 4  # i, f, g, o: PyTorch's row order
INPUT, FORGET, CELL, OUTPUT = range(GATES)
GATE_SCALE_POWER = -12  # gate pre-activations are Q3.12, their activations Q0.15
CELL_SCALE_POWERS = (-27, 3)  # tanh(c) shifts c by cell_scale_power + 12, which must stay within [-15, 15]

SIGMOID_TABLE_SIZE = 256  # sigmoid(i / 24) in Q16 for i = 0..255: CMSIS-NN's sigmoid_table_uint16


def scratch_bytes(batch: int, hidden_size: int) -> int:
    return 3 * batch * hidden_size * 2


def unsigned_table(sigmoid_table: torch.Tensor) -> torch.Tensor:
    """The program's int16 table as the uint16 values it holds, int64."""
    if sigmoid_table.shape != (SIGMOID_TABLE_SIZE,):
        raise ValueError(f"sigmoid_table has shape {list(sigmoid_table.shape)}, expected [{SIGMOID_TABLE_SIZE}]")
    return sigmoid_table.to(torch.int64) & 0xFFFF


def _clamp16(x: torch.Tensor) -> torch.Tensor:
    return torch.clamp(x, -32768, 32767)


def activation_s16(x: torch.Tensor, left_shift: int, tanh: bool, table: torch.Tensor) -> torch.Tensor:
    """arm_nn_activation_s16: x in Q3.12 shifted left by left_shift, result Q0.15 (tanh) or Q0.15 (sigmoid).

    Interpolates `table` (unsigned_table's int64) at |x| * 24 (tanh(x) = 2 sigmoid(2x) - 1 reads it at twice the step);
    the unsigned 32-bit arithmetic and the final 16-bit truncation are the kernel's.
    """
    table_shift = 8 if tanh else 9
    multiplier = 3 if left_shift < 0 else 3 << left_shift
    right = -left_shift if left_shift < 0 else 0
    rounding = (1 << (right - 1)) if right > 0 else 0
    data = (x.to(torch.int64) * multiplier + rounding) >> right
    magnitude = data.abs()
    uh = magnitude >> table_shift
    inside = uh < 255
    index = torch.clamp(uh, max=254)
    low, high = table[index], table[index + 1]
    fraction = magnitude & ((1 << table_shift) - 1)
    saturated = (0xFFFF << 8) if tanh else (0x7FFF << 10)
    result = torch.where(inside, (low << table_shift) + fraction * (high - low), torch.full_like(data, saturated))
    positive = data >= 0
    if tanh:
        result = torch.where(positive, result - (1 << 23) + (1 << 7), -result + (1 << 23) + (1 << 7) - 1)
        result = (result & 0xFFFFFFFF) >> 8
    else:
        result = torch.where(positive, result + (1 << 9), (1 << 25) - result + (1 << 9) - 1)
        result = (result & 0xFFFFFFFF) >> 10
    low16 = result & 0xFFFF
    return low16 - ((low16 & 0x8000) << 1)


def _gate(k, x, h, input_weights, input_bias, hidden_weights, hidden_bias, multiplier, shift, table):
    """One gate's Q0.15 activation for every batch row: x [B, I], h [B, H] or None."""
    hidden = hidden_weights.shape[1]
    rows = slice(k * hidden, (k + 1) * hidden)
    acc = x @ input_weights[rows].T + input_bias[rows]
    pre = _clamp16(qmath.requantize(acc, int(multiplier[k]), int(shift[k])))
    if h is not None:
        acc = h @ hidden_weights[rows].T + hidden_bias[rows]
        pre = _clamp16(qmath.requantize(acc, int(multiplier[GATES + k]), int(shift[GATES + k])) + pre)
    return activation_s16(pre, 0, k == CELL, table)


def _reference(input, input_weights, input_bias, hidden_weights, hidden_bias, gate_multiplier, gate_shift,
               sigmoid_table, input_offset, output_offset, forget_to_cell_multiplier, forget_to_cell_shift,
               input_to_cell_multiplier, input_to_cell_shift, cell_clip, cell_scale_power, output_multiplier,
               output_shift, time_major, scratch=None):
    steps = input.to(torch.int64) if time_major else input.to(torch.int64).transpose(0, 1)  # [T, B, I]
    weights = (input_weights.to(torch.int64), input_bias.to(torch.int64), hidden_weights.to(torch.int64),
               hidden_bias.to(torch.int64), gate_multiplier.to(torch.int64), gate_shift.to(torch.int64),
               unsigned_table(sigmoid_table))
    hidden = hidden_weights.shape[1]
    cell = torch.zeros(steps.shape[1], hidden, dtype=torch.int64)
    h, outputs = None, []
    low, high = (-cell_clip, cell_clip) if cell_clip > 0 else (-32768, 32767)
    for x in steps:
        forget = _gate(FORGET, x, h, *weights)
        cell = _clamp16(qmath.requantize(forget * cell, forget_to_cell_multiplier, forget_to_cell_shift))
        gated = qmath.requantize(_gate(INPUT, x, h, *weights) * _gate(CELL, x, h, *weights),
                                 input_to_cell_multiplier, input_to_cell_shift)
        cell = torch.clamp(gated + cell, low, high)
        out = _gate(OUTPUT, x, h, *weights) * activation_s16(cell, cell_scale_power + 12, True, weights[-1])
        h = torch.clamp(qmath.requantize(out, output_multiplier, output_shift) + output_offset, -128, 127)
        outputs.append(h)
    out = torch.stack(outputs).to(torch.int8)
    return out if time_major else out.transpose(0, 1).contiguous()


def _meta(input, input_weights, input_bias, hidden_weights, hidden_bias, gate_multiplier, gate_shift, *args,
          scratch=None):
    return input.new_empty((*input.shape[:2], hidden_weights.shape[1]), dtype=torch.int8)


lstm = define_op("lstm", ARGUMENTS, _reference, _meta)
