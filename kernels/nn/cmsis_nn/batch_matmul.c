/* tmcu_batch_matmul_s8 -> arm_batch_matmul_s8 (rhs transposed; n and h broadcast). */
#include "cmsis_nn.h"

tmcu_status tmcu_batch_matmul_s8(const tmcu_bmm_params* p, const tmcu_dims* lhs_dims, const int8_t* lhs,
                                 const tmcu_dims* rhs_dims, const int8_t* rhs, const tmcu_dims* out, int8_t* output,
                                 tmcu_buf scratch) {
  if (!tmcu_check_batch_matmul(p, lhs_dims, lhs, rhs_dims, rhs, out, output)) {
    return TMCU_ERR_ARG;
  }
  const cmsis_nn_bmm_params bmm_params = {0, 0, {p->lhs_offset, p->rhs_offset, p->output_offset,
                                                  {p->act_min, p->act_max}}};
  const cmsis_nn_per_tensor_quant_params quant_params = {p->multiplier, p->shift};
  const cmsis_nn_dims input_lhs_dims = tmcu_cmsis_dims(lhs_dims), input_rhs_dims = tmcu_cmsis_dims(rhs_dims);
  const cmsis_nn_dims output_dims = tmcu_cmsis_dims(out);
  /* CMSIS-NN's own tests size this buffer with the fully-connected sizer on the output dims. */
  if (!tmcu_scratch_fits(scratch, arm_fully_connected_s8_get_buffer_size(&output_dims))) {
    return TMCU_ERR_SCRATCH;
  }
  int8_t empty = 0;
  const cmsis_nn_context ctx = tmcu_cmsis_context(scratch, &empty);
  return tmcu_cmsis_status(arm_batch_matmul_s8(&ctx, &bmm_params, &quant_params, &input_lhs_dims, lhs,
                                               &input_rhs_dims, rhs, &output_dims, output));
}
