/* Portable arm_lstm_unidirectional_s8: CMSIS-NN's LSTM step, int16 sigmoid/tanh table and rounding, bit for bit. */
#include <string.h>

#include "../common/arith.h"
#include "portable.h"

enum { GATE_INPUT, GATE_FORGET, GATE_CELL, GATE_OUTPUT, GATES };

/* arm_nn_activation_s16: Q3.12 input (after left_shift) to Q0.15, interpolating sigmoid_table (sigmoid(i / 24)
 * in Q16, CMSIS-NN's, carried by the program); tanh(x) = 2 sigmoid(2x) - 1 reads it at twice the step.
 * Unsigned arithmetic and the 16-bit truncation are the kernel's. */
static int16_t activation_s16(int16_t value, int32_t left_shift, int tanh, const uint16_t* sigmoid_table) {
  const uint32_t table_shift = tanh ? 8u : 9u;
  const int32_t multiplier = left_shift < 0 ? 3 : 3 << left_shift;
  const int32_t right = left_shift < 0 ? -left_shift : 0;
  const int32_t rounding = right > 0 ? 1 << (right - 1) : 0;
  const int32_t data = (value * multiplier + rounding) >> right;
  const uint32_t magnitude = data > 0 ? (uint32_t)data : (uint32_t)-data;
  const uint32_t uh = magnitude >> table_shift;
  uint32_t result;
  if (uh >= 255) {
    result = tanh ? 0xFFFFu << 8 : 0x7FFFu << 10;
  } else {
    const uint32_t low = sigmoid_table[uh], high = sigmoid_table[uh + 1];
    result = (low << table_shift) + (magnitude & ((1u << table_shift) - 1u)) * (high - low);
  }
  if (tanh) {
    result = data >= 0 ? result - (1u << 23) + (1u << 7) : (1u << 23) - result + (1u << 7) - 1u;
    return (int16_t)(result >> 8);
  }
  result = data >= 0 ? result + (1u << 9) : (1u << 25) - result + (1u << 9) - 1u;
  return (int16_t)(result >> 10);
}

/* One gate for every batch row: clamp16(input path) + hidden path (when there is a state), then its activation. */
static void gate(const tmcu_lstm_params* p, int32_t k, const int8_t* x, int32_t x_stride, const int8_t* h,
                 int32_t h_stride, const int8_t* input_weights, const int32_t* input_bias, const int8_t* hidden_weights,
                 const int32_t* hidden_bias, const int32_t* multiplier, const int32_t* shift,
                 const uint16_t* sigmoid_table, int16_t* out) {
  const int32_t hidden = p->hidden_size;
  for (int32_t b = 0; b < p->batch; ++b) {
    for (int32_t j = 0; j < hidden; ++j) {
      const int32_t row = k * hidden + j;
      const int8_t* w = input_weights + (int64_t)row * p->input_size;
      const int8_t* xb = x + (int64_t)b * x_stride;
      int32_t acc = input_bias[row];
      for (int32_t i = 0; i < p->input_size; ++i) {
        acc += xb[i] * w[i];
      }
      int32_t pre = tmcu_clamp(tmcu_requantize(acc, multiplier[k], shift[k]), -32768, 32767);
      if (h != 0) {
        const int8_t* v = hidden_weights + (int64_t)row * hidden;
        const int8_t* hb = h + (int64_t)b * h_stride;
        acc = hidden_bias[row];
        for (int32_t i = 0; i < hidden; ++i) {
          acc += hb[i] * v[i];
        }
        pre = tmcu_clamp(tmcu_requantize(acc, multiplier[GATES + k], shift[GATES + k]) + pre, -32768, 32767);
      }
      out[b * hidden + j] = activation_s16((int16_t)pre, 0, k == GATE_CELL, sigmoid_table);
    }
  }
}

tmcu_status TMCU_PORTABLE(lstm_s8)(const tmcu_lstm_params* p, const int8_t* input, const int8_t* input_weights,
                                   const int32_t* input_bias, const int8_t* hidden_weights,
                                   const int32_t* hidden_bias, const int32_t* gate_multiplier,
                                   const int32_t* gate_shift, const uint16_t* sigmoid_table, int8_t* output,
                                   tmcu_buf scratch) {
  if (!tmcu_check_lstm(p, input, input_weights, input_bias, hidden_weights, hidden_bias, gate_multiplier, gate_shift,
                       sigmoid_table, output, scratch)) {
    return TMCU_ERR_ARG;
  }
  const int32_t units = p->batch * p->hidden_size;
  int16_t* first = (int16_t*)scratch.data; /* forget, then input, then output gate */
  int16_t* second = first + units;         /* cell gate */
  int16_t* cell = second + units;
  memset(cell, 0, (size_t)units * sizeof(int16_t));
  /* Strides between batch rows and between steps, in elements, for either layout. */
  const int32_t x_batch = p->time_major ? p->input_size : p->time_steps * p->input_size;
  const int32_t x_step = p->time_major ? p->batch * p->input_size : p->input_size;
  const int32_t h_batch = p->time_major ? p->hidden_size : p->time_steps * p->hidden_size;
  const int32_t h_step = p->time_major ? p->batch * p->hidden_size : p->hidden_size;
  const int32_t low = p->cell_clip > 0 ? -p->cell_clip : -32768, high = p->cell_clip > 0 ? p->cell_clip : 32767;
  const int8_t* h = 0;
  for (int32_t t = 0; t < p->time_steps; ++t) {
    const int8_t* x = input + (int64_t)t * x_step;
    int8_t* out = output + (int64_t)t * h_step;
    gate(p, GATE_FORGET, x, x_batch, h, h_batch, input_weights, input_bias, hidden_weights, hidden_bias,
         gate_multiplier, gate_shift, sigmoid_table, first);
    for (int32_t u = 0; u < units; ++u) {
      cell[u] = (int16_t)tmcu_clamp(tmcu_requantize(first[u] * cell[u], p->forget_to_cell_multiplier,
                                                    p->forget_to_cell_shift), -32768, 32767);
    }
    gate(p, GATE_INPUT, x, x_batch, h, h_batch, input_weights, input_bias, hidden_weights, hidden_bias,
         gate_multiplier, gate_shift, sigmoid_table, first);
    gate(p, GATE_CELL, x, x_batch, h, h_batch, input_weights, input_bias, hidden_weights, hidden_bias,
         gate_multiplier, gate_shift, sigmoid_table, second);
    for (int32_t u = 0; u < units; ++u) {
      const int32_t gated = tmcu_requantize(first[u] * second[u], p->input_to_cell_multiplier, p->input_to_cell_shift);
      cell[u] = (int16_t)tmcu_clamp(gated + cell[u], low, high);
    }
    gate(p, GATE_OUTPUT, x, x_batch, h, h_batch, input_weights, input_bias, hidden_weights, hidden_bias,
         gate_multiplier, gate_shift, sigmoid_table, first);
    for (int32_t b = 0; b < p->batch; ++b) {
      for (int32_t j = 0; j < p->hidden_size; ++j) {
        const int32_t u = b * p->hidden_size + j;
        const int32_t squashed = activation_s16(cell[u], p->cell_scale_power + 12, 1, sigmoid_table);
        const int32_t value = tmcu_requantize(first[u] * squashed, p->output_multiplier, p->output_shift);
        out[(int64_t)b * h_batch + j] = (int8_t)tmcu_clamp(value + p->output_offset, -128, 127);
      }
    }
    h = out;
  }
  return TMCU_OK;
}
