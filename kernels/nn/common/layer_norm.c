/* int8 LayerNorm / RMSNorm over rows (host/torchmcu/ops/layer_norm.py is the specification);
 * CMSIS-NN has no normalisation, so both backends run this kernel. */
#include "checks.h"

#define TMCU_LAYER_NORM_MAX_ROW 4096                    /* |c| < 2^20, sum of squares < 2^52 */
#define TMCU_LAYER_NORM_MAX_EPSILON ((int64_t)1 << 61) /* with it, T < 2^62 */

/* floor(sqrt(value)), digit by digit. */
static uint64_t isqrt64(uint64_t value) {
  uint64_t root = 0;
  uint64_t bit = (uint64_t)1 << 62;
  while (bit > value) {
    bit >>= 2;
  }
  while (bit != 0) {
    if (value >= root + bit) {
      value -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  return root;
}

static int32_t bit_length64(uint64_t value) {
  int32_t length = 0;
  while (value != 0) {
    value >>= 1;
    ++length;
  }
  return length;
}

static int32_t centered_value(const int8_t* row, int32_t i, int32_t row_size, int32_t sum, int32_t centered,
                              int32_t input_offset) {
  return centered ? row_size * row[i] - sum : row[i] + input_offset;
}

tmcu_status tmcu_layer_norm_s8(const int8_t* input, int32_t rows, int32_t row_size, const int32_t* multiplier,
                               const int32_t* shift, const int32_t* bias, int32_t input_offset, int32_t output_offset,
                               int64_t epsilon, int32_t centered, int8_t* output) {
  if (input == 0 || output == 0 || multiplier == 0 || shift == 0 || bias == 0 || rows < 1 || row_size < 1 ||
      row_size > TMCU_LAYER_NORM_MAX_ROW || (int64_t)rows * row_size > TMCU_MAX_ELEMENTS || epsilon < 1 ||
      epsilon > TMCU_LAYER_NORM_MAX_EPSILON || (centered != 0 && centered != 1) ||
      !tmcu_valid_input_offset(input_offset) || !tmcu_valid_output_offset(output_offset) ||
      !tmcu_valid_shifts(shift, row_size)) {
    return TMCU_ERR_ARG;
  }
  for (int32_t r = 0; r < rows; ++r, input += row_size, output += row_size) {
    int32_t sum = 0;
    for (int32_t i = 0; i < row_size; ++i) {
      sum += input[i];
    }
    uint64_t total = (uint64_t)epsilon;
    for (int32_t i = 0; i < row_size; ++i) {
      const int64_t c = centered_value(input, i, row_size, sum, centered, input_offset);
      total += (uint64_t)(c * c);
    }
    /* sqrt(total) = root / 2^half, root in [2^30, 2^31). */
    int32_t twice_half = 62 - bit_length64(total);
    twice_half -= twice_half % 2;
    const int64_t root = (int64_t)isqrt64(total << twice_half);
    const int64_t inverse = ((int64_t)1 << 61) / root;
    const int32_t down = 31 - twice_half / 2;
    for (int32_t i = 0; i < row_size; ++i) {
      const int64_t c = centered_value(input, i, row_size, sum, centered, input_offset);
      const int32_t z = (int32_t)((c * inverse + ((int64_t)1 << (down - 1))) >> down);
      const int32_t value = tmcu_requantize(z, multiplier[i], shift[i]) + bias[i] + output_offset;
      output[i] = (int8_t)tmcu_clamp(value, -128, 127);
    }
  }
  return TMCU_OK;
}
