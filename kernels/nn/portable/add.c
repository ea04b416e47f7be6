/* Portable arm_elementwise_add_s8 with NumPy broadcasting. */
#include "portable.h"

tmcu_status TMCU_PORTABLE(add_s8)(const tmcu_add_params* p, const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims,
                                  const int8_t* b, const tmcu_dims* out, int8_t* output) {
  if (!tmcu_check_add(p, a_dims, a, b_dims, b, out, output)) {
    return TMCU_ERR_ARG;
  }
  tmcu_broadcast it = tmcu_broadcast_start(a_dims, b_dims, out);
  for (int32_t i = 0; i < tmcu_elements(out); ++i, tmcu_broadcast_step(&it)) {
    /* CMSIS-NN shifts left in int32; shifting the unsigned bits keeps that defined for negatives. */
    const int32_t x1 = (int32_t)((uint32_t)((int32_t)a[it.a] + p->input1_offset) << p->left_shift);
    const int32_t x2 = (int32_t)((uint32_t)((int32_t)b[it.b] + p->input2_offset) << p->left_shift);
    const int32_t sum = (int32_t)((uint32_t)tmcu_requantize(x1, p->input1_multiplier, p->input1_shift) +
                                  (uint32_t)tmcu_requantize(x2, p->input2_multiplier, p->input2_shift));
    const int32_t result = tmcu_requantize(sum, p->output_multiplier, p->output_shift) + p->output_offset;
    output[i] = (int8_t)tmcu_clamp(result, p->act_min, p->act_max);
  }
  return TMCU_OK;
}
