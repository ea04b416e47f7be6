/* Requantized int8 sum over a set of axes (mean and sum); CMSIS-NN has no reduction. */
#include "reduce.h"

#define TMCU_REDUCE_MAX_TERMS (1 << 23) /* 255 * 2^23 < 2^31: the int32 sum cannot overflow */

tmcu_status tmcu_reduce_sum_s8(const tmcu_dims* input_dims, int32_t axes, const int8_t* input, int32_t input_offset,
                               int32_t output_offset, int32_t multiplier, int32_t shift, int8_t* output) {
  tmcu_reduction r;
  if (!tmcu_reduction_start(input_dims, axes, input, output, &r) || r.terms > TMCU_REDUCE_MAX_TERMS ||
      !tmcu_valid_input_offset(input_offset) || !tmcu_valid_output_offset(output_offset) || !tmcu_valid_shift(shift)) {
    return TMCU_ERR_ARG;
  }
  TMCU_FOR_EACH_OUTPUT(&r, index, base, {
    int32_t sum = 0;
    TMCU_FOR_EACH_REDUCED(&r, base, at, { sum += input[at] + input_offset; })
    output[index] = (int8_t)tmcu_clamp(tmcu_requantize(sum, multiplier, shift) + output_offset, -128, 127);
  })
  return TMCU_OK;
}
