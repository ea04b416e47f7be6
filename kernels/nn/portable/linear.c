/* Portable arm_fully_connected_s8 / _per_channel_s8. */
#include "../common/arith.h"

tmcu_status tmcu_linear_s8(int32_t input_offset, int32_t output_offset, int32_t act_min, int32_t act_max,
                           const tmcu_quant_params* quant, int32_t batches, int32_t in_features, const int8_t* input,
                           int32_t out_features, const int8_t* filter, const int32_t* bias, const int32_t* kernel_sum,
                           int8_t* output) {
  (void)kernel_sum; /* equal to bias + input_offset * row sums: the direct sum below is the same */
  if (input == 0 || filter == 0 || output == 0 || batches < 1 || in_features < 1 || out_features < 1 ||
      (int64_t)batches * in_features > TMCU_MAX_ELEMENTS || (int64_t)out_features * in_features > TMCU_MAX_ELEMENTS ||
      (int64_t)batches * out_features > TMCU_MAX_ELEMENTS ||
      !tmcu_valid_activation(act_min, act_max) || !tmcu_valid_quant(quant, out_features)) {
    return TMCU_ERR_ARG;
  }
  for (int32_t b = 0; b < batches; ++b) {
    const int8_t* row = input + b * in_features;
    for (int32_t o = 0; o < out_features; ++o) {
      const int8_t* weights = filter + o * in_features;
      int32_t acc = bias != 0 ? bias[o] : 0;
      for (int32_t i = 0; i < in_features; ++i) {
        acc += ((int32_t)row[i] + input_offset) * (int32_t)weights[i];
      }
      const int32_t q = quant->count == 1 ? 0 : o;
      acc = tmcu_requantize(acc, quant->multiplier[q], quant->shift[q]) + output_offset;
      output[b * out_features + o] = (int8_t)tmcu_clamp(acc, act_min, act_max);
    }
  }
  return TMCU_OK;
}
