/* Portable arm_softmax_s8: CMSIS-NN's fixed-point exp and reciprocal, bit for bit. */
#include "portable.h"

#define TMCU_ACCUM_BITS 12

static int32_t select_if(int32_t condition, int32_t a, int32_t b) { return condition ? a : b; }

/* arm_nn_exp_on_negative_values: exp(x) for x <= 0, Q5.26 in, Q0.31 out. */
static int32_t exp_on_negative_values(int32_t val) {
  int32_t shift = 24;
  const int32_t val_mod_minus_quarter = (int32_t)((uint32_t)(val & ((1 << shift) - 1)) - (1u << shift));
  const int32_t remainder = (int32_t)((uint32_t)val_mod_minus_quarter - (uint32_t)val);
  const int32_t x = (int32_t)(((uint32_t)val_mod_minus_quarter << 5) + (1u << 28));
  const int32_t x2 = tmcu_doubling_high_mult(x, x);
  const int32_t inner = (int32_t)((uint32_t)tmcu_divide_by_power_of_two(tmcu_doubling_high_mult(x2, x2), 2) +
                                  (uint32_t)tmcu_doubling_high_mult(x2, x));
  const int32_t series = tmcu_divide_by_power_of_two(
      (int32_t)((uint32_t)tmcu_doubling_high_mult(inner, 715827883) + (uint32_t)x2), 1);
  int32_t result = (int32_t)(1895147668u + (uint32_t)tmcu_doubling_high_mult(1895147668,
                                                                             (int32_t)((uint32_t)x + (uint32_t)series)));
  static const int32_t constants[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  for (int i = 0; i < 7; ++i, ++shift) {
    result = select_if(remainder & (1 << shift), tmcu_doubling_high_mult(result, constants[i]), result);
  }
  return val == 0 ? INT32_MAX : result;
}

/* arm_nn_mult_by_power_of_two: saturating left shift. */
static int32_t mult_by_power_of_two(int32_t val, int32_t exp) {
  const int32_t threshold = (int32_t)((1u << (31 - exp)) - 1u);
  if (val > threshold) {
    return INT32_MAX;
  }
  if (val < -threshold) {
    return INT32_MIN;
  }
  return (int32_t)((uint32_t)val << exp);
}

/* arm_nn_one_over_one_plus_x_for_x_in_0_1 (Newton-Raphson). */
static int32_t one_over_one_plus_x(int32_t val) {
  const int64_t sum = (int64_t)val + INT32_MAX;
  const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
  int32_t x = (int32_t)(1515870810u + (uint32_t)tmcu_doubling_high_mult(half_denominator, -1010580540));
  const int32_t one_quarter = 1 << 29;
  for (int i = 0; i < 3; ++i) {
    const int32_t error = (int32_t)((uint32_t)one_quarter - (uint32_t)tmcu_doubling_high_mult(half_denominator, x));
    x = (int32_t)((uint32_t)x + (uint32_t)mult_by_power_of_two(tmcu_doubling_high_mult(x, error), 2));
  }
  return mult_by_power_of_two(x, 1);
}

static int32_t count_leading_zeros(uint32_t value) {
  int32_t count = 0;
  if (value == 0) {
    return 32;
  }
  while (!(value & 0x80000000u)) {
    value <<= 1;
    ++count;
  }
  return count;
}

tmcu_status TMCU_PORTABLE(softmax_s8)(const int8_t* input, int32_t rows, int32_t row_size, int32_t multiplier, int32_t shift,
                                      int32_t diff_min, int8_t* output) {
  if (!tmcu_check_softmax(input, rows, row_size, shift, output)) {
    return TMCU_ERR_ARG;
  }
  const int32_t mask = 1 << shift;
  for (int32_t r = 0; r < rows; ++r, input += row_size, output += row_size) {
    int8_t max = input[0];
    for (int32_t c = 1; c < row_size; ++c) {
      max = input[c] > max ? input[c] : max;
    }
    int32_t sum = 0;
    for (int32_t c = 0; c < row_size; ++c) {
      const int32_t diff = input[c] - max;
      if (diff >= diff_min) {
        const int32_t exp = exp_on_negative_values(tmcu_doubling_high_mult((int32_t)((uint32_t)diff * (uint32_t)mask), multiplier));
        sum = (int32_t)((uint32_t)sum + (uint32_t)tmcu_divide_by_power_of_two(exp, TMCU_ACCUM_BITS));
      }
    }
    const int32_t headroom = count_leading_zeros((uint32_t)sum);
    const int32_t shifted = (int32_t)((sum > 0 ? (uint32_t)sum << headroom : 0u) - 0x80000000u);
    const int32_t shifted_scale = one_over_one_plus_x(shifted);
    const int32_t bits_over_unit = TMCU_ACCUM_BITS - headroom + 23;
    for (int32_t c = 0; c < row_size; ++c) {
      const int32_t diff = input[c] - max;
      if (diff >= diff_min) {
        const int32_t exp = exp_on_negative_values(tmcu_doubling_high_mult((int32_t)((uint32_t)diff * (uint32_t)mask), multiplier));
        const int32_t res =
            tmcu_divide_by_power_of_two(tmcu_doubling_high_mult(shifted_scale, exp), bits_over_unit) - 128;
        output[c] = (int8_t)tmcu_clamp(res, -128, 127);
      } else {
        output[c] = -128;
      }
    }
  }
  return TMCU_OK;
}
