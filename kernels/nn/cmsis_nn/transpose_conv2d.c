/* tmcu_transpose_conv2d_s8 -> arm_transpose_conv_wrapper_s8 (reverse conv or column buffer). */
#include "cmsis_nn.h"

/* CMSIS-NN's REVERSE_TCOL_EFFICIENT_THRESHOLD: the wrapper's reverse-conv path is taken above it. */
#define TMCU_REVERSE_CONV_ABOVE_C_IN 16

/* The reverse conv pads by k - 1 - pad, which must not go negative. */
static int reverse_conv_exact(const tmcu_conv_params* p, const tmcu_dims* filter) {
  return p->pad_h <= filter->h - 1 && p->pad_w <= filter->w - 1;
}

/*
 * Up to zephyr-v7.0.0 arm_transpose_conv_s8 flushes stride_h finished output
 * rows per input row from the first one whose window reaches the output; when
 * pad_h is not a multiple of stride_h that over-counts the first flush and every
 * later row lands in the wrong place (CMSIS-NN issue #230, fixed in
 * arm_transpose_conv_s8.c V.2.0.1). No header says which release a build has:
 * torchmcu_cmsis_nn_definitions() (kernels/torchmcu_sources.cmake) reads the
 * checkout and defines TORCHMCU_CMSIS_NN_TRANSPOSE_ROW_FLUSH_FIXED; without it
 * those shapes go to the portable kernel.
 */
#if defined(TORCHMCU_CMSIS_NN_TRANSPOSE_ROW_FLUSH_FIXED)
#define TMCU_ROW_FLUSH_EXACT(p) 1
#else
#define TMCU_ROW_FLUSH_EXACT(p) ((p)->pad_h % (p)->stride_h == 0)
#endif

/*
 * arm_transpose_conv_s8 (column buffer) flushes in.h * stride_h - pad_h output
 * rows without checking them against out.h (writing past the output when the
 * kernel is smaller than the stride), and leaves rows below the scattered map
 * unwritten; each flushed row reads out.w + pad_w columns of a buffer row.
 * Its buffer rows span max(k_w, stride_w) columns past the input while its
 * sizer counts max(k_w, stride_h): with stride_w > stride_h it would write past
 * the planned scratch. Shapes outside that envelope go to the portable kernel.
 */
static int column_buffer_exact(const tmcu_conv_params* p, const tmcu_dims* in, const tmcu_dims* filter,
                               const tmcu_dims* out, tmcu_buf scratch) {
  const int64_t flushed_rows = (int64_t)in->h * p->stride_h - p->pad_h;
  const int64_t leftover_rows = filter->h > p->stride_h ? filter->h - p->stride_h : 0;
  const int64_t buffer_columns =
      (int64_t)(in->w - 1) * p->stride_w + (filter->w > p->stride_w ? filter->w : p->stride_w);
  const int64_t buffer_bytes =
      buffer_columns * out->c * (filter->h > p->stride_h ? filter->h : p->stride_h) * (int64_t)sizeof(int32_t);
  return TMCU_ROW_FLUSH_EXACT(p) && flushed_rows <= out->h && out->h <= flushed_rows + leftover_rows &&
         (int64_t)out->w + p->pad_w <= buffer_columns && buffer_bytes <= scratch.size;
}

tmcu_status tmcu_transpose_conv2d_s8(const tmcu_conv_params* p, const tmcu_quant_params* quant, const tmcu_dims* in,
                                     const int8_t* input, const tmcu_dims* filter_dims, const int8_t* filter,
                                     const int32_t* bias, const tmcu_dims* out, int8_t* output, tmcu_buf scratch,
                                     tmcu_buf reverse_scratch) {
  if (!tmcu_check_transpose_conv2d(p, quant, in, input, filter_dims, filter, out, output)) {
    return TMCU_ERR_ARG;
  }
  const cmsis_nn_transpose_conv_params params = tmcu_cmsis_transpose_conv_params(p);
  const cmsis_nn_per_channel_quant_params quant_params = tmcu_cmsis_per_channel(quant);
  const cmsis_nn_dims input_dims = tmcu_cmsis_dims(in), weight_dims = tmcu_cmsis_dims(filter_dims);
  const cmsis_nn_dims bias_dims = {1, 1, 1, out->c}, output_dims = tmcu_cmsis_dims(out);
  if (!tmcu_scratch_fits(scratch, arm_transpose_conv_s8_get_buffer_size(&params, &input_dims, &weight_dims,
                                                                          &output_dims)) ||
      !tmcu_scratch_fits(reverse_scratch, arm_transpose_conv_s8_get_reverse_conv_buffer_size(
                                              &params, &input_dims, &weight_dims))) {
    return TMCU_ERR_SCRATCH;
  }
  const int reverse_conv = p->stride_h <= 2 && p->stride_w <= 2 && in->c > TMCU_REVERSE_CONV_ABOVE_C_IN;
  if (reverse_conv ? !reverse_conv_exact(p, filter_dims) : !column_buffer_exact(p, in, filter_dims, out, scratch)) {
    return TMCU_FALLBACK(transpose_conv2d,
                         tmcu_portable_transpose_conv2d_s8(p, quant, in, input, filter_dims, filter, bias, out, output,
                                                           scratch, reverse_scratch));
  }
  int8_t empty = 0, empty_reverse = 0;
  const cmsis_nn_context ctx = tmcu_cmsis_context(scratch, &empty);
  const cmsis_nn_context reverse_ctx = tmcu_cmsis_context(reverse_scratch, &empty_reverse);
  return tmcu_cmsis_status(arm_transpose_conv_wrapper_s8(&ctx, &reverse_ctx, &params, &quant_params, &input_dims,
                                                         input, &weight_dims, filter, &bias_dims, bias, &output_dims,
                                                         output));
}
