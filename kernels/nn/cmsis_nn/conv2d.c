/* tmcu_conv2d_s8 -> arm_convolve_wrapper_s8 (1x1 fast / strided, 1xN, or im2col; grouped included). */
#include "cmsis_nn.h"

tmcu_status tmcu_conv2d_s8(const tmcu_conv_params* p, const tmcu_quant_params* quant, const tmcu_dims* in,
                           const int8_t* input, const tmcu_dims* filter_dims, const int8_t* filter,
                           const int32_t* bias, const tmcu_dims* out, int8_t* output, tmcu_buf scratch) {
  if (!tmcu_check_conv2d(p, quant, in, input, filter_dims, filter, out, output)) {
    return TMCU_ERR_ARG;
  }
  if (bias == 0 && filter_dims->c != in->c) {
    /* arm_convolve_s8 steps its bias pointer per group even when it is NULL, then reads through it. */
    return TMCU_FALLBACK(conv2d,
                         tmcu_portable_conv2d_s8(p, quant, in, input, filter_dims, filter, bias, out, output, scratch));
  }
  const cmsis_nn_conv_params conv_params = tmcu_cmsis_conv_params(p);
  const cmsis_nn_per_channel_quant_params quant_params = tmcu_cmsis_per_channel(quant);
  const cmsis_nn_dims input_dims = tmcu_cmsis_dims(in), weight_dims = tmcu_cmsis_dims(filter_dims);
  const cmsis_nn_dims bias_dims = {1, 1, 1, out->c}, output_dims = tmcu_cmsis_dims(out);
  if (!tmcu_scratch_fits(scratch,
                         arm_convolve_wrapper_s8_get_buffer_size(&conv_params, &input_dims, &weight_dims, &output_dims))) {
    return TMCU_ERR_SCRATCH;
  }
  int8_t empty = 0;
  const cmsis_nn_context ctx = tmcu_cmsis_context(scratch, &empty);
  return tmcu_cmsis_status(arm_convolve_wrapper_s8(&ctx, &conv_params, &quant_params, &input_dims, input,
                                                   &weight_dims, filter, &bias_dims, bias, &output_dims, output));
}
