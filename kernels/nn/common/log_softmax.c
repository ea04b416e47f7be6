/* int8 log-softmax over rows, integers only (host/torchmcu/ops/log_softmax.py is the specification);
 * CMSIS-NN has no log-softmax, so both backends run this kernel. */
#include "checks.h"

#define TMCU_LOG_SOFTMAX_MAX_ROW 2047                 /* the sum of exp_table entries stays below 2^31 */
#define TMCU_LOG_SOFTMAX_MAX_INPUT_STEPS (1 << 22)
#define TMCU_LOG_SOFTMAX_EXP_ONE (1 << 20)

/* log2(total / 2^20) in Q16, total in [2^20, 2^31). */
static int32_t log2_q16(int32_t total, const int32_t* log2_table) {
  int32_t exponent = 30;
  while (!(total >> exponent)) {
    --exponent;
  }
  const int32_t mantissa = (int32_t)((uint32_t)total << (30 - exponent)); /* in [2^30, 2^31) */
  const int32_t index = (mantissa - (1 << 30)) >> 22;
  const int32_t fraction = (mantissa >> 6) & 0xFFFF;
  const int32_t low = log2_table[index], high = log2_table[index + 1];
  return ((exponent - 20) << 16) + low + (int32_t)(((int64_t)(high - low) * fraction) >> 16);
}

tmcu_status tmcu_log_softmax_s8(const int8_t* input, int32_t rows, int32_t row_size, const int32_t* exp_table,
                                const int32_t* log2_table, int32_t input_steps, int32_t output_offset,
                                int32_t multiplier, int32_t shift, int8_t* output) {
  if (input == 0 || output == 0 || exp_table == 0 || log2_table == 0 || rows < 1 || row_size < 1 ||
      row_size > TMCU_LOG_SOFTMAX_MAX_ROW || (int64_t)rows * row_size > TMCU_MAX_ELEMENTS || input_steps < 0 ||
      input_steps > TMCU_LOG_SOFTMAX_MAX_INPUT_STEPS || !tmcu_valid_output_offset(output_offset) ||
      !tmcu_valid_shift(shift) || exp_table[0] != TMCU_LOG_SOFTMAX_EXP_ONE) {
    return TMCU_ERR_ARG;
  }
  for (int32_t i = 0; i < 256; ++i) {
    if (exp_table[i] < 0 || exp_table[i] > TMCU_LOG_SOFTMAX_EXP_ONE) {
      return TMCU_ERR_ARG;
    }
  }
  for (int32_t r = 0; r < rows; ++r, input += row_size, output += row_size) {
    int32_t max = input[0];
    for (int32_t i = 1; i < row_size; ++i) {
      max = input[i] > max ? input[i] : max;
    }
    int32_t total = 0;
    for (int32_t i = 0; i < row_size; ++i) {
      total += exp_table[max - input[i]];
    }
    const int32_t log_total = log2_q16(total, log2_table);
    for (int32_t i = 0; i < row_size; ++i) {
      const int32_t acc = -((max - input[i]) * input_steps + log_total);
      output[i] = (int8_t)tmcu_clamp(tmcu_requantize(acc, multiplier, shift) + output_offset, -128, 127);
    }
  }
  return TMCU_OK;
}
