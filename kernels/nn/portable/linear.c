/* Portable arm_fully_connected_s8 / _per_channel_s8. */
#include "portable.h"

tmcu_status TMCU_PORTABLE(linear_s8)(int32_t input_offset, int32_t output_offset, int32_t act_min, int32_t act_max,
                                     const tmcu_quant_params* quant, int32_t batches, int32_t in_features, const int8_t* input,
                                     int32_t out_features, const int8_t* filter, const int32_t* bias, const int32_t* kernel_sum,
                                     int8_t* output) {
  if (!tmcu_check_linear(input_offset, output_offset, act_min, act_max, quant, batches, in_features, input,
                         out_features, filter, output)) {
    return TMCU_ERR_ARG;
  }
  /* Kernel sums already hold bias + input_offset * row sums: add them to the raw products. */
  const int32_t* constant_term = kernel_sum != 0 ? kernel_sum : bias;
  const int32_t offset = kernel_sum != 0 ? 0 : input_offset;
  for (int32_t b = 0; b < batches; ++b) {
    const int8_t* row = input + b * in_features;
    for (int32_t o = 0; o < out_features; ++o) {
      const int8_t* weights = filter + o * in_features;
      int32_t acc = constant_term != 0 ? constant_term[o] : 0;
      for (int32_t i = 0; i < in_features; ++i) {
        acc += ((int32_t)row[i] + offset) * (int32_t)weights[i];
      }
      const int32_t q = quant->count == 1 ? 0 : o;
      acc = tmcu_requantize(acc, quant->multiplier[q], quant->shift[q]) + output_offset;
      output[b * out_features + o] = (int8_t)tmcu_clamp(acc, act_min, act_max);
    }
  }
  return TMCU_OK;
}
