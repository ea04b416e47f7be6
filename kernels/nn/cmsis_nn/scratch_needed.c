/* Scratch bytes from the linked CMSIS-NN's own *_get_buffer_size: what its kernels will use. */
#include "cmsis_nn.h"

int32_t tmcu_conv2d_s8_scratch_needed(const tmcu_conv_params* p, const tmcu_dims* in, const tmcu_dims* filter,
                                      const tmcu_dims* out) {
  const cmsis_nn_conv_params conv_params = tmcu_cmsis_conv_params(p);
  const cmsis_nn_dims input_dims = tmcu_cmsis_dims(in), filter_dims = tmcu_cmsis_dims(filter);
  const cmsis_nn_dims output_dims = tmcu_cmsis_dims(out);
  return arm_convolve_wrapper_s8_get_buffer_size(&conv_params, &input_dims, &filter_dims, &output_dims);
}

int32_t tmcu_depthwise_conv2d_s8_scratch_needed(const tmcu_conv_params* p, int32_t depth_multiplier,
                                                const tmcu_dims* in, const tmcu_dims* filter, const tmcu_dims* out) {
  const cmsis_nn_dw_conv_params dw_params = tmcu_cmsis_dw_conv_params(p, depth_multiplier);
  const cmsis_nn_dims input_dims = tmcu_cmsis_dims(in), filter_dims = tmcu_cmsis_dims(filter);
  const cmsis_nn_dims output_dims = tmcu_cmsis_dims(out);
  return arm_depthwise_conv_wrapper_s8_get_buffer_size(&dw_params, &input_dims, &filter_dims, &output_dims);
}

int32_t tmcu_transpose_conv2d_s8_scratch_needed(const tmcu_conv_params* p, const tmcu_dims* in,
                                                const tmcu_dims* filter, const tmcu_dims* out,
                                                int32_t* reverse_size) {
  const cmsis_nn_transpose_conv_params params = tmcu_cmsis_transpose_conv_params(p);
  const cmsis_nn_dims input_dims = tmcu_cmsis_dims(in), filter_dims = tmcu_cmsis_dims(filter);
  const cmsis_nn_dims output_dims = tmcu_cmsis_dims(out);
  *reverse_size = arm_transpose_conv_s8_get_reverse_conv_buffer_size(&params, &input_dims, &filter_dims);
  return arm_transpose_conv_s8_get_buffer_size(&params, &input_dims, &filter_dims, &output_dims);
}

int32_t tmcu_batch_matmul_s8_scratch_needed(const tmcu_dims* out) {
  const cmsis_nn_dims output_dims = tmcu_cmsis_dims(out);
  return arm_fully_connected_s8_get_buffer_size(&output_dims);
}

int32_t tmcu_avg_pool2d_s8_scratch_needed(int32_t output_w, int32_t channels) {
  return arm_avgpool_s8_get_buffer_size(output_w, channels);
}
