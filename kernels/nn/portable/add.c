/* Portable arm_elementwise_add_s8 with NumPy broadcasting. */
#include "portable.h"

tmcu_status TMCU_PORTABLE(add_s8)(const tmcu_add_params* p, const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims,
                        const int8_t* b, const tmcu_dims* out, int8_t* output) {
  if (!tmcu_check_add(p, a_dims, a, b_dims, b, out, output)) {
    return TMCU_ERR_ARG;
  }
  int32_t index = 0;
  for (int32_t n = 0; n < out->n; ++n) {
    for (int32_t h = 0; h < out->h; ++h) {
      for (int32_t w = 0; w < out->w; ++w) {
        for (int32_t c = 0; c < out->c; ++c, ++index) {
          /* CMSIS-NN shifts left in int32; shifting the unsigned bits keeps that defined for negatives. */
          const int32_t x1 = (int32_t)((uint32_t)((int32_t)a[tmcu_broadcast_index(a_dims, n, h, w, c)] + p->input1_offset) << p->left_shift);
          const int32_t x2 = (int32_t)((uint32_t)((int32_t)b[tmcu_broadcast_index(b_dims, n, h, w, c)] + p->input2_offset) << p->left_shift);
          const int32_t sum = (int32_t)((uint32_t)tmcu_requantize(x1, p->input1_multiplier, p->input1_shift) +
                                        (uint32_t)tmcu_requantize(x2, p->input2_multiplier, p->input2_shift));
          const int32_t result = tmcu_requantize(sum, p->output_multiplier, p->output_shift) + p->output_offset;
          output[index] = (int8_t)tmcu_clamp(result, p->act_min, p->act_max);
        }
      }
    }
  }
  return TMCU_OK;
}
