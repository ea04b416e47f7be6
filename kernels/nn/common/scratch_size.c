/*
 * Scratch bytes CMSIS-NN's *_get_buffer_size functions return for each ISA
 * (GCC build), the C twin of host/torchmcu/scratch_sizes.py. Kernels compare
 * it with their planned scratch under TORCHMCU_RUNTIME_ASSERTS.
 */
#include "arith.h"

#define TMCU_CH_IN_BLOCK_MVE 124
#define TMCU_REVERSE_TCOL_EFFICIENT_THRESHOLD 16
#define TMCU_DW_ONE_INPUT_CH_AS_CONV_ABOVE 1

static int32_t max32(int32_t a, int32_t b) { return a > b ? a : b; }

static int32_t convolve_s8_scalar_dsp(int32_t input_c, int32_t kh, int32_t kw) {
  const int32_t rhs_cols = kw * kh * input_c;
  const int32_t aligned = rhs_cols + (4 - rhs_cols % 4) % 4;
  return 2 * aligned * 2;
}

static int32_t convolve_s8_mve(int32_t input_c, int32_t kh, int32_t kw) {
  return 4 * ((input_c * kw * kh + 15) / 16) * 16;
}

static int32_t convolve_1_x_n_mve(const tmcu_conv_params* p, const tmcu_dims* in, const tmcu_dims* filter,
                                  const tmcu_dims* out) {
  const int32_t total_pad = (out->w - 1) * p->stride_w + filter->w - in->w;
  const int32_t asym_pad = total_pad % 2;
  const int32_t right_pad_num = p->pad_w + asym_pad != 0 ? max32(1, (p->pad_w + asym_pad + p->stride_w - 1) / p->stride_w) : 0;
  const int32_t left_pad_num = p->pad_w != 0 ? max32(1, (p->pad_w + p->stride_w - 1) / p->stride_w) : 0;
  const int32_t no_pad_num = max32(out->w - (right_pad_num + left_pad_num), 0);
  if (right_pad_num + no_pad_num + left_pad_num != out->w) {
    return convolve_s8_mve(in->c, filter->h, filter->w);
  }
  const int32_t pad_size_left = p->pad_w * in->c;
  const int32_t pad_size_right = asym_pad ? right_pad_num * in->c : pad_size_left;
  const int32_t num_elem_left = filter->w * in->c;
  return max32(num_elem_left + pad_size_left, num_elem_left - in->c + pad_size_right);
}

int32_t tmcu_conv2d_s8_scratch_size(int32_t isa, const tmcu_conv_params* p, const tmcu_dims* in,
                                    const tmcu_dims* filter, const tmcu_dims* out) {
  const int is_1x1 = p->pad_h == 0 && p->pad_w == 0 && filter->h == 1 && filter->w == 1 && p->dilation_h == 1 &&
                     p->dilation_w == 1 && in->c == filter->c;
  if (is_1x1) {
    return 0; /* fast (GCC) and strided 1x1 paths need no buffer */
  }
  const int is_1_x_n = in->h == 1 && p->dilation_w == 1 && filter->h == 1 && (p->stride_w * in->c) % 4 == 0 &&
                       in->c == filter->c;
  if (is_1_x_n && isa == TORCHMCU_ISA_MVE) {
    return convolve_1_x_n_mve(p, in, filter, out);
  }
  return isa == TORCHMCU_ISA_MVE ? convolve_s8_mve(in->c, filter->h, filter->w)
                                 : convolve_s8_scalar_dsp(in->c, filter->h, filter->w);
}

int32_t tmcu_depthwise_conv2d_s8_scratch_size(int32_t isa, const tmcu_conv_params* p, const tmcu_dims* in,
                                              const tmcu_dims* filter, const tmcu_dims* out) {
  if (isa == TORCHMCU_ISA_MVE && in->c == 1 && out->c > TMCU_DW_ONE_INPUT_CH_AS_CONV_ABOVE) {
    const tmcu_dims conv_filter = {filter->c, filter->h, filter->w, filter->n};
    return tmcu_conv2d_s8_scratch_size(isa, p, in, &conv_filter, out) + out->c * filter->h * filter->w * filter->n;
  }
  if (!(in->c == out->c && in->n == 1 && p->dilation_h == 1 && p->dilation_w == 1)) {
    return 0;
  }
  if (isa == TORCHMCU_ISA_MVE) {
    return 4 * TMCU_CH_IN_BLOCK_MVE * filter->w * filter->h;
  }
  if (filter->h == 3 && filter->w == 3 && p->pad_h <= 1 && p->pad_w <= 1) {
    return 0;
  }
  return isa == TORCHMCU_ISA_DSP ? in->c * filter->w * filter->h * 2 : 0;
}

int32_t tmcu_transpose_conv2d_s8_scratch_size(int32_t isa, const tmcu_conv_params* p, const tmcu_dims* in,
                                              const tmcu_dims* filter, const tmcu_dims* out, int32_t* reverse_size) {
  const int reverse = p->stride_w <= 2 && p->stride_h <= 2 && in->c > TMCU_REVERSE_TCOL_EFFICIENT_THRESHOLD;
  if (reverse) {
    *reverse_size = in->c * filter->w * filter->h * filter->n;
    return isa == TORCHMCU_ISA_MVE ? convolve_s8_mve(in->c, filter->h, filter->w)
                                   : convolve_s8_scalar_dsp(in->c, filter->h, filter->w);
  }
  *reverse_size = 0;
  /* CMSIS-NN compares the filter width with stride.h here; reproduced as is. */
  const int32_t buf_x = ((in->w - 1) * p->stride_w + max32(filter->w, p->stride_h)) * out->c;
  return buf_x * max32(filter->h, p->stride_h) * 4;
}

int32_t tmcu_batch_matmul_s8_scratch_size(int32_t isa, const tmcu_dims* out) {
  return isa == TORCHMCU_ISA_MVE ? out->c * 4 : 0;
}

int32_t tmcu_avg_pool2d_s8_scratch_size(int32_t isa, int32_t output_w, int32_t channels) {
  (void)output_w;
  return isa == TORCHMCU_ISA_DSP ? channels * 4 : 0;
}

/* The LSTM's two int16 gate buffers and int16 cell state, B*H each (ops/lstm.py scratch_bytes). */
int32_t tmcu_lstm_s8_scratch_needed(int32_t batch, int32_t hidden_size) { return 6 * batch * hidden_size; }
