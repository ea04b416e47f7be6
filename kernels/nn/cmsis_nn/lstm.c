/* tmcu_lstm_s8 -> arm_lstm_unidirectional_s8 (zero initial state; scratch: two gate buffers and the cell state). */
#include <string.h>

#include "arm_nn_tables.h"
#include "cmsis_nn.h"

/* Gate k of tmcu_lstm_s8's arrays (PyTorch's i, f, g, o rows) as CMSIS-NN's gate struct. */
static cmsis_nn_lstm_gate lstm_gate(const tmcu_lstm_params* p, int32_t k, const int8_t* input_weights,
                                    const int32_t* input_bias, const int8_t* hidden_weights,
                                    const int32_t* hidden_bias, const int32_t* multiplier, const int32_t* shift,
                                    arm_nn_activation_type activation) {
  const int32_t rows = k * p->hidden_size;
  cmsis_nn_lstm_gate gate;
  memset(&gate, 0, sizeof gate);
  gate.input_multiplier = multiplier[k];
  gate.input_shift = shift[k];
  gate.input_weights = input_weights + (int64_t)rows * p->input_size;
  gate.input_effective_bias = input_bias + rows;
  gate.hidden_multiplier = multiplier[4 + k];
  gate.hidden_shift = shift[4 + k];
  gate.hidden_weights = hidden_weights + (int64_t)rows * p->hidden_size;
  gate.hidden_effective_bias = hidden_bias + rows;
  gate.activation_type = activation;
  return gate;
}

tmcu_status tmcu_lstm_s8(const tmcu_lstm_params* p, const int8_t* input, const int8_t* input_weights,
                         const int32_t* input_bias, const int8_t* hidden_weights, const int32_t* hidden_bias,
                         const int32_t* gate_multiplier, const int32_t* gate_shift, const uint16_t* sigmoid_table,
                         int8_t* output, tmcu_buf scratch) {
  if (!tmcu_check_lstm(p, input, input_weights, input_bias, hidden_weights, hidden_bias, gate_multiplier, gate_shift,
                       sigmoid_table, output, scratch)) {
    return TMCU_ERR_ARG;
  }
  /* CMSIS-NN interpolates its own table; a program compiled against a CMSIS-NN whose table differs
   * would get other numbers than its reference computed, so it is refused instead. */
  if (memcmp(sigmoid_table, sigmoid_table_uint16, sizeof sigmoid_table_uint16) != 0) {
    return TMCU_ERR_TABLE;
  }
  cmsis_nn_lstm_params params;
  memset(&params, 0, sizeof params);
  params.time_major = p->time_major;
  params.batch_size = p->batch;
  params.time_steps = p->time_steps;
  params.input_size = p->input_size;
  params.hidden_size = p->hidden_size;
  params.input_offset = p->input_offset;
  params.forget_to_cell_multiplier = p->forget_to_cell_multiplier;
  params.forget_to_cell_shift = p->forget_to_cell_shift;
  params.input_to_cell_multiplier = p->input_to_cell_multiplier;
  params.input_to_cell_shift = p->input_to_cell_shift;
  params.cell_clip = p->cell_clip;
  params.cell_scale_power = p->cell_scale_power;
  params.output_multiplier = p->output_multiplier;
  params.output_shift = p->output_shift;
  params.output_offset = p->output_offset;
  params.input_gate = lstm_gate(p, 0, input_weights, input_bias, hidden_weights, hidden_bias, gate_multiplier,
                                gate_shift, ARM_SIGMOID);
  params.forget_gate = lstm_gate(p, 1, input_weights, input_bias, hidden_weights, hidden_bias, gate_multiplier,
                                 gate_shift, ARM_SIGMOID);
  params.cell_gate = lstm_gate(p, 2, input_weights, input_bias, hidden_weights, hidden_bias, gate_multiplier,
                               gate_shift, ARM_TANH);
  params.output_gate = lstm_gate(p, 3, input_weights, input_bias, hidden_weights, hidden_bias, gate_multiplier,
                                 gate_shift, ARM_SIGMOID);
  /* Field by field: releases after zephyr-v7.0.0 add an initial hidden_state, which stays NULL (zeros). */
  const int32_t units = p->batch * p->hidden_size;
  cmsis_nn_lstm_context buffers;
  memset(&buffers, 0, sizeof buffers);
  buffers.temp1 = scratch.data;
  buffers.temp2 = (int16_t*)scratch.data + units;
  buffers.cell_state = (int16_t*)scratch.data + 2 * units;
  return tmcu_cmsis_status(arm_lstm_unidirectional_s8(input, output, &params, &buffers));
}
