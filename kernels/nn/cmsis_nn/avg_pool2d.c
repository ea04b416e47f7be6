/* tmcu_avg_pool2d_s8 -> arm_avgpool_s8. */
#include "cmsis_nn.h"

tmcu_status tmcu_avg_pool2d_s8(const tmcu_pool_params* p, const tmcu_dims* in, const int8_t* input,
                               const tmcu_dims* out, int8_t* output, tmcu_buf scratch) {
  if (!tmcu_check_pool(p, in, input, out, output)) {
    return TMCU_ERR_ARG;
  }
  if (!tmcu_scratch_fits(scratch, arm_avgpool_s8_get_buffer_size(out->w, out->c))) {
    return TMCU_ERR_SCRATCH;
  }
  const cmsis_nn_pool_params params = tmcu_cmsis_pool_params(p);
  const cmsis_nn_dims input_dims = tmcu_cmsis_dims(in), window_dims = {1, p->kernel_h, p->kernel_w, 1};
  const cmsis_nn_dims output_dims = tmcu_cmsis_dims(out);
  const cmsis_nn_context ctx = {scratch.data, scratch.size};
  return tmcu_cmsis_status(arm_avgpool_s8(&ctx, &params, &input_dims, input, &window_dims, &output_dims, output));
}
