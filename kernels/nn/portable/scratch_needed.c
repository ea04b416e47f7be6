/* The portable kernels need no scratch; the runtime assert still holds a program to
 * the plan CMSIS-NN would want on this build's ISA, so the same program runs on a
 * CMSIS-NN build of the same core. */
#include "portable.h"

int32_t TMCU_PORTABLE(conv2d_s8_scratch_needed)(const tmcu_conv_params* p, const tmcu_dims* in,
                                                const tmcu_dims* filter, const tmcu_dims* out) {
  return tmcu_conv2d_s8_scratch_size(TORCHMCU_BUILD_ISA, p, in, filter, out);
}

int32_t TMCU_PORTABLE(depthwise_conv2d_s8_scratch_needed)(const tmcu_conv_params* p, int32_t depth_multiplier,
                                                          const tmcu_dims* in, const tmcu_dims* filter,
                                                          const tmcu_dims* out) {
  (void)depth_multiplier;
  return tmcu_depthwise_conv2d_s8_scratch_size(TORCHMCU_BUILD_ISA, p, in, filter, out);
}

int32_t TMCU_PORTABLE(transpose_conv2d_s8_scratch_needed)(const tmcu_conv_params* p, const tmcu_dims* in,
                                                          const tmcu_dims* filter, const tmcu_dims* out,
                                                          int32_t* reverse_size) {
  return tmcu_transpose_conv2d_s8_scratch_size(TORCHMCU_BUILD_ISA, p, in, filter, out, reverse_size);
}

int32_t TMCU_PORTABLE(batch_matmul_s8_scratch_needed)(const tmcu_dims* out) {
  return tmcu_batch_matmul_s8_scratch_size(TORCHMCU_BUILD_ISA, out);
}

int32_t TMCU_PORTABLE(avg_pool2d_s8_scratch_needed)(int32_t output_w, int32_t channels) {
  return tmcu_avg_pool2d_s8_scratch_size(TORCHMCU_BUILD_ISA, output_w, channels);
}
