/* Portable arm_elementwise_mul_s8 with NumPy broadcasting. */
#include "portable.h"

tmcu_status TMCU_PORTABLE(mul_s8)(const tmcu_mul_params* p, const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims,
                        const int8_t* b, const tmcu_dims* out, int8_t* output) {
  if (!tmcu_check_mul(p, a_dims, a, b_dims, b, out, output)) {
    return TMCU_ERR_ARG;
  }
  int32_t index = 0;
  for (int32_t n = 0; n < out->n; ++n) {
    for (int32_t h = 0; h < out->h; ++h) {
      for (int32_t w = 0; w < out->w; ++w) {
        for (int32_t c = 0; c < out->c; ++c, ++index) {
          const int32_t x1 = (int32_t)a[tmcu_broadcast_index(a_dims, n, h, w, c)] + p->input1_offset;
          const int32_t x2 = (int32_t)b[tmcu_broadcast_index(b_dims, n, h, w, c)] + p->input2_offset;
          const int32_t result = tmcu_requantize(x1 * x2, p->output_multiplier, p->output_shift) + p->output_offset;
          output[index] = (int8_t)tmcu_clamp(result, p->act_min, p->act_max);
        }
      }
    }
  }
  return TMCU_OK;
}
