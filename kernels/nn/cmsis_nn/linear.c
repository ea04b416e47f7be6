/* tmcu_linear_s8 -> arm_fully_connected_s8 (per-tensor) / arm_fully_connected_per_channel_s8. */
#include "cmsis_nn.h"

tmcu_status tmcu_linear_s8(int32_t input_offset, int32_t output_offset, int32_t act_min, int32_t act_max,
                           const tmcu_quant_params* quant, int32_t batches, int32_t in_features, const int8_t* input,
                           int32_t out_features, const int8_t* filter, const int32_t* bias, const int32_t* kernel_sum,
                           int8_t* output) {
  if (!tmcu_check_linear(input_offset, output_offset, act_min, act_max, quant, batches, in_features, input,
                         out_features, filter, output)) {
    return TMCU_ERR_ARG;
  }
#if defined(ARM_MATH_MVEI)
  if (kernel_sum == 0) {
    /* MVE reads bias + input_offset * row sums from ctx.buf; without them the direct loop gives the same numbers. */
    return TMCU_FALLBACK(linear, tmcu_portable_linear_s8(input_offset, output_offset, act_min, act_max, quant, batches,
                                                         in_features, input, out_features, filter, bias, kernel_sum,
                                                         output));
  }
#endif
  /* MVE reads the kernel sums (bias + input_offset * row sums) from ctx.buf and no bias. Scalar and DSP
   * builds ignore ctx: given kernel sums, they add them as the bias to the raw products (offset 0). */
  const cmsis_nn_context ctx = {(void*)kernel_sum, kernel_sum != 0 ? out_features * (int32_t)sizeof(int32_t) : 0};
#if !defined(ARM_MATH_MVEI)
  if (kernel_sum != 0) {
    bias = kernel_sum;
    input_offset = 0;
  }
#endif
  const cmsis_nn_fc_params fc_params = {input_offset, 0, output_offset, {act_min, act_max}};
  const cmsis_nn_dims input_dims = {batches, 1, 1, in_features}, weight_dims = {in_features, 1, 1, out_features};
  const cmsis_nn_dims bias_dims = {1, 1, 1, out_features}, output_dims = {batches, 1, 1, out_features};
  if (quant->count == 1) {
    const cmsis_nn_per_tensor_quant_params quant_params = {quant->multiplier[0], quant->shift[0]};
    return tmcu_cmsis_status(arm_fully_connected_s8(&ctx, &fc_params, &quant_params, &input_dims, input, &weight_dims,
                                                    filter, &bias_dims, bias, &output_dims, output));
  }
  const cmsis_nn_per_channel_quant_params quant_params = tmcu_cmsis_per_channel(quant);
  return tmcu_cmsis_status(arm_fully_connected_per_channel_s8(&ctx, &fc_params, &quant_params, &input_dims, input,
                                                              &weight_dims, filter, &bias_dims, bias, &output_dims,
                                                              output));
}
