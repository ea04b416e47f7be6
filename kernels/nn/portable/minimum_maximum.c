/* Portable arm_minimum_s8 / arm_maximum_s8 (shared qparams: raw int8 compare), broadcasting. */
#include "portable.h"

static tmcu_status select(const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims, const int8_t* b,
                          const tmcu_dims* out, int8_t* output, int take_max) {
  if (!tmcu_check_binary(a_dims, a, b_dims, b, out, output)) {
    return TMCU_ERR_ARG;
  }
  tmcu_broadcast it = tmcu_broadcast_start(a_dims, b_dims, out);
  for (int32_t i = 0; i < tmcu_elements(out); ++i, tmcu_broadcast_step(&it)) {
    const int8_t x = a[it.a], y = b[it.b];
    output[i] = take_max ? (x > y ? x : y) : (x < y ? x : y);
  }
  return TMCU_OK;
}

tmcu_status TMCU_PORTABLE(minimum_s8)(const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims, const int8_t* b,
                                      const tmcu_dims* out, int8_t* output) {
  return select(a_dims, a, b_dims, b, out, output, 0);
}

tmcu_status TMCU_PORTABLE(maximum_s8)(const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims, const int8_t* b,
                                      const tmcu_dims* out, int8_t* output) {
  return select(a_dims, a, b_dims, b, out, output, 1);
}
