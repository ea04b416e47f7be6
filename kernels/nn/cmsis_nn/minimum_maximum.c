/* tmcu_minimum_s8 / tmcu_maximum_s8 -> arm_minimum_s8 / arm_maximum_s8. */
#include "cmsis_nn.h"

/*
 * At the CMSIS-NN version we track (99f736a6), arm_minimum_s8 / arm_maximum_s8
 * read past one input, and return memory-dependent values, when it has w == 1,
 * c == 1 and h > 1 while the other has a larger w. Only equal shapes and a
 * single-element operand go to CMSIS-NN; other broadcasts stay portable.
 */
static int cmsis_nn_safe(const tmcu_dims* a, const tmcu_dims* b) {
  return tmcu_same_dims(a, b) || tmcu_elements(a) == 1 || tmcu_elements(b) == 1;
}

typedef arm_cmsis_nn_status (*cmsis_select_fn)(const cmsis_nn_context*, const int8_t*, const cmsis_nn_dims*,
                                               const int8_t*, const cmsis_nn_dims*, int8_t*, const cmsis_nn_dims*);

static tmcu_status select_s8(cmsis_select_fn select, const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims,
                             const int8_t* b, const tmcu_dims* out, int8_t* output) {
  const cmsis_nn_context ctx = {0, 0};
  const cmsis_nn_dims input_1_dims = tmcu_cmsis_dims(a_dims), input_2_dims = tmcu_cmsis_dims(b_dims);
  const cmsis_nn_dims output_dims = tmcu_cmsis_dims(out);
  return tmcu_cmsis_status(select(&ctx, a, &input_1_dims, b, &input_2_dims, output, &output_dims));
}

tmcu_status tmcu_minimum_s8(const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims, const int8_t* b,
                            const tmcu_dims* out, int8_t* output) {
  if (!tmcu_check_binary(a_dims, a, b_dims, b, out, output)) {
    return TMCU_ERR_ARG;
  }
  if (!cmsis_nn_safe(a_dims, b_dims)) {
    return TMCU_FALLBACK(minimum, tmcu_portable_minimum_s8(a_dims, a, b_dims, b, out, output));
  }
  return select_s8(arm_minimum_s8, a_dims, a, b_dims, b, out, output);
}

tmcu_status tmcu_maximum_s8(const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims, const int8_t* b,
                            const tmcu_dims* out, int8_t* output) {
  if (!tmcu_check_binary(a_dims, a, b_dims, b, out, output)) {
    return TMCU_ERR_ARG;
  }
  if (!cmsis_nn_safe(a_dims, b_dims)) {
    return TMCU_FALLBACK(maximum, tmcu_portable_maximum_s8(a_dims, a, b_dims, b, out, output));
  }
  return select_s8(arm_maximum_s8, a_dims, a, b_dims, b, out, output);
}
