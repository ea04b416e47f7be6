/* Portable arm_elementwise_mul_s8 with NumPy broadcasting. */
#include "portable.h"

tmcu_status TMCU_PORTABLE(mul_s8)(const tmcu_mul_params* p, const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims,
                                  const int8_t* b, const tmcu_dims* out, int8_t* output) {
  if (!tmcu_check_mul(p, a_dims, a, b_dims, b, out, output)) {
    return TMCU_ERR_ARG;
  }
  tmcu_broadcast it = tmcu_broadcast_start(a_dims, b_dims, out);
  for (int32_t i = 0; i < tmcu_elements(out); ++i, tmcu_broadcast_step(&it)) {
    const int32_t x1 = (int32_t)a[it.a] + p->input1_offset;
    const int32_t x2 = (int32_t)b[it.b] + p->input2_offset;
    const int32_t result = tmcu_requantize(x1 * x2, p->output_multiplier, p->output_shift) + p->output_offset;
    output[i] = (int8_t)tmcu_clamp(result, p->act_min, p->act_max);
  }
  return TMCU_OK;
}
