/* tmcu_depthwise_conv2d_s8 -> arm_depthwise_conv_wrapper_s8 (3x3, opt or generic; MVE turns C_in == 1 into a conv). */
#include "cmsis_nn.h"

tmcu_status tmcu_depthwise_conv2d_s8(const tmcu_conv_params* p, int32_t depth_multiplier,
                                     const tmcu_quant_params* quant, const tmcu_dims* in, const int8_t* input,
                                     const tmcu_dims* filter_dims, const int8_t* filter, const int32_t* bias,
                                     const tmcu_dims* out, int8_t* output, tmcu_buf scratch) {
  if (!tmcu_check_depthwise_conv2d(p, depth_multiplier, quant, in, input, filter_dims, filter, out, output)) {
    return TMCU_ERR_ARG;
  }
  const cmsis_nn_dw_conv_params dw_params = tmcu_cmsis_dw_conv_params(p, depth_multiplier);
  const cmsis_nn_per_channel_quant_params quant_params = tmcu_cmsis_per_channel(quant);
  const cmsis_nn_dims input_dims = tmcu_cmsis_dims(in), weight_dims = tmcu_cmsis_dims(filter_dims);
  const cmsis_nn_dims bias_dims = {1, 1, 1, out->c}, output_dims = tmcu_cmsis_dims(out);
  if (!tmcu_scratch_fits(scratch, arm_depthwise_conv_wrapper_s8_get_buffer_size(&dw_params, &input_dims,
                                                                                 &weight_dims, &output_dims))) {
    return TMCU_ERR_SCRATCH;
  }
  if (p->pad_h >= filter_dims->h || p->pad_w >= filter_dims->w) {
    /* arm_depthwise_conv_s8_opt (DSP) does not clamp its kernel rows to the kernel when the
     * padding reaches past it, and clears more scratch than it asked for. */
    return TMCU_FALLBACK(depthwise_conv2d,
                         tmcu_portable_depthwise_conv2d_s8(p, depth_multiplier, quant, in, input, filter_dims, filter,
                                                           bias, out, output, scratch));
  }
  int8_t empty = 0;
  const cmsis_nn_context ctx = tmcu_cmsis_context(scratch, &empty);
  return tmcu_cmsis_status(arm_depthwise_conv_wrapper_s8(&ctx, &dw_params, &quant_params, &input_dims, input,
                                                         &weight_dims, filter, &bias_dims, bias, &output_dims,
                                                         output));
}
