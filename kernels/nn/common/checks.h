/*
 * Argument checks per operator family, shared by both backends so that the
 * portable and CMSIS-NN builds accept and refuse exactly the same calls.
 * The ranges are the ones CMSIS-NN documents for its s8 kernels
 * (arm_nnfunctions.h): input offsets in [-127, 128], output offsets in
 * [-128, 127], activation bounds inside int8, shifts in [-31, 30];
 * per-channel kernels take one multiplier/shift per output channel.
 */
#ifndef TORCHMCU_NN_COMMON_CHECKS_H_
#define TORCHMCU_NN_COMMON_CHECKS_H_

#include "arith.h"

static inline int tmcu_valid_input_offset(int32_t offset) { return offset >= -127 && offset <= 128; }
static inline int tmcu_valid_output_offset(int32_t offset) { return offset >= -128 && offset <= 127; }

/* What every convolution shares: pointers, dims, window, offsets, activation and
 * one requantization pair per output channel (CMSIS-NN's per-channel API). */
static inline int tmcu_check_convolution(const tmcu_conv_params* p, const tmcu_quant_params* quant,
                                         const tmcu_dims* in, const int8_t* input, const tmcu_dims* filter_dims,
                                         const int8_t* filter, const tmcu_dims* out, const int8_t* output) {
  return p != 0 && input != 0 && filter != 0 && output != 0 && tmcu_valid_dims(in) && tmcu_valid_dims(filter_dims) &&
         tmcu_valid_dims(out) && in->n == out->n && tmcu_valid_window(p) &&
         tmcu_valid_input_offset(p->input_offset) && tmcu_valid_output_offset(p->output_offset) &&
         tmcu_valid_activation(p->act_min, p->act_max) && tmcu_valid_quant(quant, out->c) && quant->count == out->c;
}

/* Regular or grouped convolution: filter [C_out, kh, kw, C_in / groups]. */
static inline int tmcu_check_conv2d(const tmcu_conv_params* p, const tmcu_quant_params* quant, const tmcu_dims* in,
                                    const int8_t* input, const tmcu_dims* filter_dims, const int8_t* filter,
                                    const tmcu_dims* out, const int8_t* output) {
  if (!tmcu_check_convolution(p, quant, in, input, filter_dims, filter, out, output) || filter_dims->n != out->c ||
      in->c % filter_dims->c != 0) {
    return 0;
  }
  return out->c % (in->c / filter_dims->c) == 0;
}

/* Depthwise: filter [1, kh, kw, C_in * depth_multiplier]. */
static inline int tmcu_check_depthwise_conv2d(const tmcu_conv_params* p, int32_t depth_multiplier,
                                              const tmcu_quant_params* quant, const tmcu_dims* in,
                                              const int8_t* input, const tmcu_dims* filter_dims,
                                              const int8_t* filter, const tmcu_dims* out, const int8_t* output) {
  return tmcu_check_convolution(p, quant, in, input, filter_dims, filter, out, output) && depth_multiplier >= 1 &&
         filter_dims->n == 1 && filter_dims->c == out->c && (int64_t)in->c * depth_multiplier == out->c;
}

/* Transposed: filter [C_out, kh, kw, C_in], dilation 1. */
static inline int tmcu_check_transpose_conv2d(const tmcu_conv_params* p, const tmcu_quant_params* quant,
                                              const tmcu_dims* in, const int8_t* input, const tmcu_dims* filter_dims,
                                              const int8_t* filter, const tmcu_dims* out, const int8_t* output) {
  return tmcu_check_convolution(p, quant, in, input, filter_dims, filter, out, output) &&
         filter_dims->c == in->c && filter_dims->n == out->c && p->dilation_h == 1 && p->dilation_w == 1;
}

static inline int tmcu_check_linear(int32_t input_offset, int32_t output_offset, int32_t act_min, int32_t act_max,
                                    const tmcu_quant_params* quant, int32_t batches, int32_t in_features,
                                    const int8_t* input, int32_t out_features, const int8_t* filter,
                                    const int8_t* output) {
  return input != 0 && filter != 0 && output != 0 && batches >= 1 && in_features >= 1 && out_features >= 1 &&
         (int64_t)batches * in_features <= TMCU_MAX_ELEMENTS &&
         (int64_t)out_features * in_features <= TMCU_MAX_ELEMENTS &&
         (int64_t)batches * out_features <= TMCU_MAX_ELEMENTS && tmcu_valid_input_offset(input_offset) &&
         tmcu_valid_output_offset(output_offset) && tmcu_valid_activation(act_min, act_max) &&
         tmcu_valid_quant(quant, out_features);
}

static inline int tmcu_check_batch_matmul(const tmcu_bmm_params* p, const tmcu_dims* lhs_dims, const int8_t* lhs,
                                          const tmcu_dims* rhs_dims, const int8_t* rhs, const tmcu_dims* out,
                                          const int8_t* output) {
  if (p == 0 || lhs == 0 || rhs == 0 || output == 0 || !tmcu_valid_dims(lhs_dims) || !tmcu_valid_dims(rhs_dims) ||
      !tmcu_valid_dims(out) || lhs_dims->c != rhs_dims->c || out->w != lhs_dims->w || out->c != rhs_dims->w ||
      !tmcu_valid_input_offset(p->lhs_offset) || !tmcu_valid_input_offset(p->rhs_offset) ||
      !tmcu_valid_output_offset(p->output_offset) || !tmcu_valid_activation(p->act_min, p->act_max) ||
      !tmcu_valid_shift(p->shift)) {
    return 0;
  }
  const tmcu_dims lhs_batch = {lhs_dims->n, lhs_dims->h, 1, 1}, rhs_batch = {rhs_dims->n, rhs_dims->h, 1, 1};
  const tmcu_dims out_batch = {out->n, out->h, 1, 1};
  return tmcu_valid_broadcast(&lhs_batch, &rhs_batch, &out_batch);
}

/* Two int8 operands broadcast NumPy-style into `out`. */
static inline int tmcu_check_binary(const tmcu_dims* a_dims, const int8_t* a, const tmcu_dims* b_dims,
                                    const int8_t* b, const tmcu_dims* out, const int8_t* output) {
  return a != 0 && b != 0 && output != 0 && tmcu_valid_dims(a_dims) && tmcu_valid_dims(b_dims) &&
         tmcu_valid_broadcast(a_dims, b_dims, out);
}

static inline int tmcu_check_add(const tmcu_add_params* p, const tmcu_dims* a_dims, const int8_t* a,
                                 const tmcu_dims* b_dims, const int8_t* b, const tmcu_dims* out,
                                 const int8_t* output) {
  return p != 0 && tmcu_check_binary(a_dims, a, b_dims, b, out, output) &&
         tmcu_valid_input_offset(p->input1_offset) && tmcu_valid_input_offset(p->input2_offset) &&
         tmcu_valid_output_offset(p->output_offset) && tmcu_valid_activation(p->act_min, p->act_max) &&
         p->left_shift >= 0 && p->left_shift <= 30 && tmcu_valid_shift(p->input1_shift) &&
         tmcu_valid_shift(p->input2_shift) && tmcu_valid_shift(p->output_shift);
}

static inline int tmcu_check_mul(const tmcu_mul_params* p, const tmcu_dims* a_dims, const int8_t* a,
                                 const tmcu_dims* b_dims, const int8_t* b, const tmcu_dims* out,
                                 const int8_t* output) {
  return p != 0 && tmcu_check_binary(a_dims, a, b_dims, b, out, output) &&
         tmcu_valid_input_offset(p->input1_offset) && tmcu_valid_input_offset(p->input2_offset) &&
         tmcu_valid_output_offset(p->output_offset) && tmcu_valid_activation(p->act_min, p->act_max) &&
         tmcu_valid_shift(p->output_shift);
}

/* Every window must hold at least one input element (CMSIS-NN's average divides by the count). */
static inline int tmcu_window_overlaps(int32_t out_size, int32_t stride, int32_t pad, int32_t kernel,
                                       int32_t in_size) {
  return pad < kernel && (int64_t)(out_size - 1) * stride - pad < in_size;
}

static inline int tmcu_check_pool(const tmcu_pool_params* p, const tmcu_dims* in, const int8_t* input,
                                  const tmcu_dims* out, const int8_t* output) {
  return input != 0 && output != 0 && tmcu_valid_pool(p, in, out) &&
         tmcu_window_overlaps(out->h, p->stride_h, p->pad_h, p->kernel_h, in->h) &&
         tmcu_window_overlaps(out->w, p->stride_w, p->pad_w, p->kernel_w, in->w);
}

/* CMSIS-NN's softmax takes shift in [0, 31); diff_min is compared with
 * non-positive differences, so any value is well defined. */
static inline int tmcu_check_softmax(const int8_t* input, int32_t rows, int32_t row_size, int32_t shift,
                                     const int8_t* output) {
  return input != 0 && output != 0 && rows >= 1 && row_size >= 1 && (int64_t)rows * row_size <= TMCU_MAX_ELEMENTS &&
         shift >= 0 && shift <= 30;
}

static inline int tmcu_valid_padding_dims(const tmcu_dims* d) {
  return d != 0 && d->n >= 0 && d->h >= 0 && d->w >= 0 && d->c >= 0 && d->n <= TMCU_MAX_WINDOW &&
         d->h <= TMCU_MAX_WINDOW && d->w <= TMCU_MAX_WINDOW && d->c <= TMCU_MAX_WINDOW;
}

static inline int tmcu_check_pad(const tmcu_dims* in, const int8_t* input, const tmcu_dims* pre,
                                 const tmcu_dims* post, const int8_t* output) {
  if (input == 0 || output == 0 || !tmcu_valid_dims(in) || !tmcu_valid_padding_dims(pre) ||
      !tmcu_valid_padding_dims(post)) {
    return 0;
  }
  const tmcu_dims out = {in->n + pre->n + post->n, in->h + pre->h + post->h, in->w + pre->w + post->w,
                         in->c + pre->c + post->c};
  return tmcu_valid_dims(&out);
}

/* Expands a permutation of the last `rank` dims to one of all 4 (leading dims
 * stay in place); 0 when perm is not a permutation of 0..rank-1. */
static inline int tmcu_full_permutation(const tmcu_dims* in, int32_t rank, const int32_t* perm, const int8_t* input,
                                        const int8_t* output, int32_t full_perm[4]) {
  if (in == 0 || perm == 0 || input == 0 || output == 0 || rank < 1 || rank > 4 || !tmcu_valid_dims(in)) {
    return 0;
  }
  int32_t seen = 0;
  for (int32_t i = 0; i < 4; ++i) {
    full_perm[i] = i;
  }
  for (int32_t i = 0; i < rank; ++i) {
    if (perm[i] < 0 || perm[i] >= rank || (seen & (1 << perm[i]))) {
      return 0;
    }
    seen |= 1 << perm[i];
    full_perm[4 - rank + i] = 4 - rank + perm[i];
  }
  return 1;
}

/* An LSTM layer the portable and CMSIS-NN kernels both take: shapes whose int32 index math is exact, CMSIS-NN's
 * shift range, and a cell scale whose tanh input shift (cell_scale_power + 12) keeps c * (3 << shift) in int32. */
static inline int tmcu_check_lstm(const tmcu_lstm_params* p, const int8_t* input, const int8_t* input_weights,
                                  const int32_t* input_bias, const int8_t* hidden_weights,
                                  const int32_t* hidden_bias, const int32_t* gate_multiplier,
                                  const int32_t* gate_shift, const uint16_t* sigmoid_table, const int8_t* output,
                                  tmcu_buf scratch) {
  if (p == 0 || input == 0 || input_weights == 0 || input_bias == 0 || hidden_weights == 0 || hidden_bias == 0 ||
      gate_multiplier == 0 || gate_shift == 0 || sigmoid_table == 0 || output == 0) {
    return 0;
  }
  if (p->batch < 1 || p->time_steps < 1 || p->input_size < 1 || p->hidden_size < 1 || p->batch > TMCU_MAX_DIM ||
      p->time_steps > TMCU_MAX_DIM || p->input_size > TMCU_MAX_DIM || p->hidden_size > TMCU_MAX_DIM ||
      (int64_t)p->batch * p->time_steps * p->input_size > TMCU_MAX_ELEMENTS ||
      (int64_t)p->batch * p->time_steps * p->hidden_size > TMCU_MAX_ELEMENTS ||
      (int64_t)4 * p->hidden_size * (p->input_size > p->hidden_size ? p->input_size : p->hidden_size) >
          TMCU_MAX_ELEMENTS) {
    return 0;
  }
  const int64_t needed = (int64_t)6 * p->batch * p->hidden_size;
  return tmcu_valid_shifts(gate_shift, 8) && (p->time_major == 0 || p->time_major == 1) && p->input_offset >= -127 &&
         p->input_offset <= 128 && p->output_offset >= -128 && p->output_offset <= 127 && tmcu_valid_shift(p->forget_to_cell_shift) &&
         tmcu_valid_shift(p->input_to_cell_shift) && tmcu_valid_shift(p->output_shift) && p->cell_clip >= 0 &&
         p->cell_clip <= 32767 && p->cell_scale_power >= -27 && p->cell_scale_power <= 3 &&
         scratch.data != 0 && scratch.size >= needed;
}

#endif /* TORCHMCU_NN_COMMON_CHECKS_H_ */
