/* Portable arm_minimum_s8 / arm_maximum_s8 (shared qparams: raw int8 compare), broadcasting. */
#include "portable.h"

static tmcu_status select(const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims, const int8_t* b,
                          const tmcu_dims* out, int8_t* output, int take_max) {
  if (!tmcu_check_binary(a_dims, a, b_dims, b, out, output)) {
    return TMCU_ERR_ARG;
  }
  int32_t index = 0;
  for (int32_t n = 0; n < out->n; ++n) {
    for (int32_t h = 0; h < out->h; ++h) {
      for (int32_t w = 0; w < out->w; ++w) {
        for (int32_t c = 0; c < out->c; ++c, ++index) {
          const int8_t x = a[tmcu_broadcast_index(a_dims, n, h, w, c)];
          const int8_t y = b[tmcu_broadcast_index(b_dims, n, h, w, c)];
          output[index] = take_max ? (x > y ? x : y) : (x < y ? x : y);
        }
      }
    }
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
