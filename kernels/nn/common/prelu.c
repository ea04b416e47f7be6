/* PReLU with a slope per channel folded into the negative branch's multiplier: CMSIS-NN has none. */
#include "arith.h"

tmcu_status tmcu_prelu_s8(const int8_t* input, int32_t rows, int32_t channels, const int32_t* negative_multiplier,
                          const int32_t* negative_shift, int32_t input_offset, int32_t output_offset,
                          int32_t positive_multiplier, int32_t positive_shift, int8_t* output) {
  if (input == 0 || negative_multiplier == 0 || negative_shift == 0 || output == 0 || rows < 1 || channels < 1 ||
      (int64_t)rows * channels > TMCU_MAX_ELEMENTS || input_offset < -127 || input_offset > 128 ||
      output_offset < -128 || output_offset > 127 || !tmcu_valid_shift(positive_shift) ||
      !tmcu_valid_shifts(negative_shift, channels)) {
    return TMCU_ERR_ARG;
  }
  for (int32_t r = 0; r < rows; ++r) {
    for (int32_t c = 0; c < channels; ++c) {
      const int32_t i = r * channels + c;
      const int32_t value = (int32_t)input[i] + input_offset;
      const int32_t scaled = value >= 0 ? tmcu_requantize(value, positive_multiplier, positive_shift)
                                        : tmcu_requantize(value, negative_multiplier[c], negative_shift[c]);
      output[i] = (int8_t)tmcu_clamp(scaled + output_offset, -128, 127);
    }
  }
  return TMCU_OK;
}
