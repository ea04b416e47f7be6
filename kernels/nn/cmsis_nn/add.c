/* tmcu_add_s8 -> arm_elementwise_add_s8 for equal shapes; broadcasting goes to the portable kernel. */
#include "cmsis_nn.h"

tmcu_status tmcu_add_s8(const tmcu_add_params* p, const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims,
                        const int8_t* b, const tmcu_dims* out, int8_t* output) {
  if (!tmcu_check_add(p, a_dims, a, b_dims, b, out, output)) {
    return TMCU_ERR_ARG;
  }
  /* CMSIS-NN adds flat vectors, and its DSP path equals the scalar one only for left_shift >= 16. */
  if (!tmcu_same_dims(a_dims, b_dims) || p->left_shift < 16) {
    return TMCU_FALLBACK(add, tmcu_portable_add_s8(p, a_dims, a, b_dims, b, out, output));
  }
  return tmcu_cmsis_status(arm_elementwise_add_s8(
      a, b, p->input1_offset, p->input1_multiplier, p->input1_shift, p->input2_offset, p->input2_multiplier,
      p->input2_shift, p->left_shift, output, p->output_offset, p->output_multiplier, p->output_shift, p->act_min,
      p->act_max, tmcu_elements(out)));
}
