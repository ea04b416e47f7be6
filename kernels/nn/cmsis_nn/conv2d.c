/* tmcu_conv2d_s8 -> arm_convolve_wrapper_s8 (1x1 fast / strided, 1xN, or im2col; grouped included). */
#include "cmsis_nn.h"

#if defined(ARM_MATH_MVEI)
/* The wrapper's choice of arm_convolve_1_x_n_s8: one input row, not its 1x1 path. */
static int takes_1xn_path(const tmcu_conv_params* p, const tmcu_dims* in, const tmcu_dims* filter) {
  const int one_by_one = p->pad_h == 0 && p->pad_w == 0 && filter->h == 1 && filter->w == 1 && p->dilation_h == 1 &&
                         p->dilation_w == 1 && in->c == filter->c;
  return !one_by_one && in->h == 1 && p->dilation_w == 1 && filter->h == 1 && (p->stride_w * in->c) % 4 == 0 &&
         in->c == filter->c;
}

/*
 * The Helium arm_convolve_1_x_n_s8 (zephyr-v7.0.0 through 99f736a6) only
 * computes TFLite-style SAME/VALID padding of one output row:
 *  - total padding T = (out_w - 1) * stride + k - in_w, split as pad_w on the
 *    left and R = T - pad_w on the right, must satisfy 2 * pad_w + T % 2 == T;
 *    otherwise it returns ARM_CMSIS_NN_FAILURE (PyTorch's stride 2, pad 1 on
 *    an even width leaves R = 0: the voice_activity sample);
 *  - T < 0 (input columns left over) passes that test but is computed as padding;
 *  - its right-edge column buffer holds k - 1 input columns then padding, which
 *    is the right window only when (R - 1) is a multiple of the stride, and is
 *    long enough only when T is even, the stride is 1 or pad_w is 0;
 *  - its left-edge buffer copies k input columns; pad_h is ignored.
 * Any other shape gives wrong numbers or the failure; it goes to the portable
 * kernel. The DSP and scalar builds run arm_convolve_s8 there, which is exact.
 */
static int helium_1xn_exact(const tmcu_conv_params* p, const tmcu_dims* in, const tmcu_dims* filter,
                            const tmcu_dims* out) {
  const int32_t stride = p->stride_w, pad = p->pad_w;
  const int32_t total = (out->w - 1) * stride + filter->w - in->w;
  if (p->pad_h != 0 || out->h != 1 || total < 0 || 2 * pad + total % 2 != total) {
    return 0;
  }
  const int32_t right = total - pad;
  const int32_t left_rows = pad > 0 ? (pad + stride - 1) / stride : 0;
  const int32_t right_rows = right > 0 ? (right + stride - 1) / stride : 0;
  if (left_rows + right_rows > out->w || (pad > 0 && filter->w > in->w)) {
    return 0;
  }
  return right == 0 || ((right - 1) % stride == 0 && (total % 2 == 0 || stride == 1 || pad == 0));
}
#endif

/*
 * Whether arm_convolve_wrapper_s8 computes this call exactly with the planned
 * scratch. Grouped: arm_convolve_s8 steps its bias pointer per group even when
 * it is NULL, then reads through it; and the wrapper runs arm_convolve_s8 for
 * every grouped convolution, but zephyr-v7.0.0's sizer prices grouped 1x1 and
 * 1xN shapes for the 1x1 / 1xN kernels (99f736a6 prices arm_convolve_s8), so a
 * plan from the older sizer can be smaller than the kernel writes.
 */
static int cmsis_nn_exact(const tmcu_conv_params* p, const tmcu_dims* in, const tmcu_dims* filter,
                          const int32_t* bias, const tmcu_dims* out, tmcu_buf scratch) {
  if (filter->c != in->c) {
    const cmsis_nn_dims input_dims = tmcu_cmsis_dims(in), weight_dims = tmcu_cmsis_dims(filter);
    return bias != 0 && tmcu_scratch_fits(scratch, arm_convolve_s8_get_buffer_size(&input_dims, &weight_dims));
  }
#if defined(ARM_MATH_MVEI)
  return !takes_1xn_path(p, in, filter) || helium_1xn_exact(p, in, filter, out);
#else
  (void)p;
  (void)out;
  return 1;
#endif
}

tmcu_status tmcu_conv2d_s8(const tmcu_conv_params* p, const tmcu_quant_params* quant, const tmcu_dims* in,
                           const int8_t* input, const tmcu_dims* filter_dims, const int8_t* filter,
                           const int32_t* bias, const tmcu_dims* out, int8_t* output, tmcu_buf scratch) {
  if (!tmcu_check_conv2d(p, quant, in, input, filter_dims, filter, out, output)) {
    return TMCU_ERR_ARG;
  }
  if (!cmsis_nn_exact(p, in, filter_dims, bias, out, scratch)) {
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
