/*
 * What the CMSIS-NN backend's wrappers share: struct conversion, status
 * mapping, scratch contexts, and the portable kernels it hands the calls
 * CMSIS-NN cannot take.
 *
 * Each wrapper reads like CMSIS-NN's own TFLM glue: check the arguments (the
 * same checks as the portable backend, nn/common/checks.h), fill the CMSIS-NN
 * structs, make sure the planned scratch is at least what CMSIS-NN's
 * *_get_buffer_size asks for on this build, call, map the status.
 */
#ifndef TORCHMCU_NN_CMSIS_NN_CMSIS_NN_H_
#define TORCHMCU_NN_CMSIS_NN_CMSIS_NN_H_

#include <arm_nnfunctions.h>

#include "../common/checks.h"
#include "../common/selection.h"

static inline cmsis_nn_dims tmcu_cmsis_dims(const tmcu_dims* d) {
  const cmsis_nn_dims dims = {d->n, d->h, d->w, d->c};
  return dims;
}

static inline tmcu_status tmcu_cmsis_status(arm_cmsis_nn_status status) {
  return status == ARM_CMSIS_NN_SUCCESS ? TMCU_OK : TMCU_ERR_BACKEND;
}

/* CMSIS-NN's per-channel API takes non-const pointers it only reads. */
static inline cmsis_nn_per_channel_quant_params tmcu_cmsis_per_channel(const tmcu_quant_params* quant) {
  const cmsis_nn_per_channel_quant_params params = {(int32_t*)quant->multiplier, (int32_t*)quant->shift};
  return params;
}

static inline cmsis_nn_conv_params tmcu_cmsis_conv_params(const tmcu_conv_params* p) {
  const cmsis_nn_conv_params params = {p->input_offset, p->output_offset, {p->stride_w, p->stride_h},
                                       {p->pad_w, p->pad_h}, {p->dilation_w, p->dilation_h},
                                       {p->act_min, p->act_max}};
  return params;
}

static inline cmsis_nn_dw_conv_params tmcu_cmsis_dw_conv_params(const tmcu_conv_params* p, int32_t depth_multiplier) {
  const cmsis_nn_dw_conv_params params = {p->input_offset,         p->output_offset,
                                          depth_multiplier,        {p->stride_w, p->stride_h},
                                          {p->pad_w, p->pad_h},    {p->dilation_w, p->dilation_h},
                                          {p->act_min, p->act_max}};
  return params;
}

/* padding_offsets (TFLM's bottom/right remainder) is not read by the s8 kernels: output dims carry it. */
static inline cmsis_nn_transpose_conv_params tmcu_cmsis_transpose_conv_params(const tmcu_conv_params* p) {
  const cmsis_nn_transpose_conv_params params = {p->input_offset, p->output_offset, {p->stride_w, p->stride_h},
                                                 {p->pad_w, p->pad_h}, {0, 0}, {1, 1}, {p->act_min, p->act_max}};
  return params;
}

static inline cmsis_nn_pool_params tmcu_cmsis_pool_params(const tmcu_pool_params* p) {
  const cmsis_nn_pool_params params = {{p->stride_w, p->stride_h}, {p->pad_w, p->pad_h}, {p->act_min, p->act_max}};
  return params;
}

/*
 * The context CMSIS-NN gets for planned scratch. Transpose conv and MVE batch
 * matmul refuse a NULL buf even when they need 0 bytes: `empty` (a byte of
 * the caller's stack frame) stands in then; it is never written.
 */
static inline cmsis_nn_context tmcu_cmsis_context(tmcu_buf scratch, int8_t* empty) {
  cmsis_nn_context ctx;
  ctx.buf = scratch.data != 0 ? scratch.data : (void*)empty;
  ctx.size = scratch.data != 0 ? scratch.size : 0;
  return ctx;
}

/* The planned scratch holds what this build of CMSIS-NN asks for. */
static inline int tmcu_scratch_fits(tmcu_buf scratch, int32_t needed) {
  return needed <= 0 || (scratch.data != 0 && scratch.size >= needed);
}

/* Portable kernels (nn/portable, renamed in this build) for the calls CMSIS-NN cannot take. */
tmcu_status tmcu_portable_conv2d_s8(const tmcu_conv_params* params, const tmcu_quant_params* quant,
                                    const tmcu_dims* input_dims, const int8_t* input, const tmcu_dims* filter_dims,
                                    const int8_t* filter, const int32_t* bias, const tmcu_dims* output_dims,
                                    int8_t* output, tmcu_buf scratch);
tmcu_status tmcu_portable_depthwise_conv2d_s8(const tmcu_conv_params* params, int32_t depth_multiplier,
                                              const tmcu_quant_params* quant, const tmcu_dims* input_dims,
                                              const int8_t* input, const tmcu_dims* filter_dims, const int8_t* filter,
                                              const int32_t* bias, const tmcu_dims* output_dims, int8_t* output,
                                              tmcu_buf scratch);
tmcu_status tmcu_portable_transpose_conv2d_s8(const tmcu_conv_params* params, const tmcu_quant_params* quant,
                                              const tmcu_dims* input_dims, const int8_t* input,
                                              const tmcu_dims* filter_dims, const int8_t* filter,
                                              const int32_t* bias, const tmcu_dims* output_dims, int8_t* output,
                                              tmcu_buf scratch, tmcu_buf reverse_scratch);
tmcu_status tmcu_portable_linear_s8(int32_t input_offset, int32_t output_offset, int32_t act_min, int32_t act_max,
                                    const tmcu_quant_params* quant, int32_t batches, int32_t in_features,
                                    const int8_t* input, int32_t out_features, const int8_t* filter,
                                    const int32_t* bias, const int32_t* kernel_sum, int8_t* output);
tmcu_status tmcu_portable_add_s8(const tmcu_add_params* params, const tmcu_dims* input1_dims, const int8_t* input1,
                                 const tmcu_dims* input2_dims, const int8_t* input2, const tmcu_dims* output_dims,
                                 int8_t* output);
tmcu_status tmcu_portable_mul_s8(const tmcu_mul_params* params, const tmcu_dims* input1_dims, const int8_t* input1,
                                 const tmcu_dims* input2_dims, const int8_t* input2, const tmcu_dims* output_dims,
                                 int8_t* output);
tmcu_status tmcu_portable_minimum_s8(const tmcu_dims* input1_dims, const int8_t* input1, const tmcu_dims* input2_dims,
                                     const int8_t* input2, const tmcu_dims* output_dims, int8_t* output);
tmcu_status tmcu_portable_maximum_s8(const tmcu_dims* input1_dims, const int8_t* input1, const tmcu_dims* input2_dims,
                                     const int8_t* input2, const tmcu_dims* output_dims, int8_t* output);
tmcu_status tmcu_portable_transpose_s8(const tmcu_dims* input_dims, int32_t rank, const int32_t* perm,
                                       const int8_t* input, int8_t* output);

static inline int tmcu_same_dims(const tmcu_dims* a, const tmcu_dims* b) {
  return a->n == b->n && a->h == b->h && a->w == b->w && a->c == b->c;
}

#endif /* TORCHMCU_NN_CMSIS_NN_CMSIS_NN_H_ */
