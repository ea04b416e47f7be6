/*
 * torchmcu numeric core: one function per operator family, int8 arithmetic
 * exactly as CMSIS-NN defines it (docs/ops.md). No ExecuTorch, heap, globals
 * or stdio: the ExecuTorch adapters (kernels/ops) and the bare-metal QEMU
 * harness (tests/target) call these directly.
 *
 * Backends: kernels/nn/portable (plain C99, any CPU) or kernels/nn/cmsis_nn
 * (CMSIS-NN, TORCHMCU_USE_CMSIS_NN) implement the same functions with the same
 * parameter structs; kernels/nn/common holds what both share.
 *
 * Conventions: activations NHWC; input_offset = -input zero point,
 * output_offset = +output zero point; multiplier/shift as arm_nn_requantize
 * takes them (shift > 0 shifts left). Every function checks its arguments and
 * returns TMCU_ERR_ARG for any it cannot honour; none reads or writes outside
 * the buffers its dims describe, or past scratch.size. Limits that keep int32
 * index math exact: each dim <= 65536, elements <= 2^28, strides, dilations,
 * paddings and pooling windows <= 4096.
 */
#ifndef TORCHMCU_NN_H_
#define TORCHMCU_NN_H_

#include <stddef.h>
#include <stdint.h>

#include <torchmcu/build_info.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TMCU_OK = 0,
  TMCU_ERR_ARG = -1,     /* an argument outside what the kernel supports */
  TMCU_ERR_SCRATCH = -2, /* scratch smaller than the kernel needs */
  TMCU_ERR_BACKEND = -3, /* CMSIS-NN returned an error */
  TMCU_ERR_NOT_SELECTED = -4, /* a portable fallback the firmware's kernel selection left out */
  TMCU_ERR_TABLE = -5,        /* a program's table differs from the one this firmware's CMSIS-NN uses */
} tmcu_status;

const char* tmcu_status_str(tmcu_status status);

/* CMSIS-NN's dims: batch (or output channels for filters), height, width, channels. */
typedef struct {
  int32_t n, h, w, c;
} tmcu_dims;

/* A planned scratch buffer (data may be NULL when size is 0). */
typedef struct {
  void* data;
  int32_t size;
} tmcu_buf;

typedef struct {
  const int32_t* multiplier; /* per output channel (or 1 entry when count == 1) */
  const int32_t* shift;
  int32_t count;
} tmcu_quant_params;

/* 1 when every shift[i] lies in CMSIS-NN's [-31, 30] (the kernels and op adapters check each call's). */
int tmcu_valid_shifts(const int32_t* shift, int32_t count);

typedef struct {
  int32_t input_offset, output_offset;
  int32_t stride_h, stride_w;
  int32_t pad_h, pad_w; /* top / left; output dims imply bottom / right */
  int32_t dilation_h, dilation_w;
  int32_t act_min, act_max;
} tmcu_conv_params;

typedef struct {
  int32_t input1_offset, input1_multiplier, input1_shift;
  int32_t input2_offset, input2_multiplier, input2_shift;
  int32_t left_shift;
  int32_t output_offset, output_multiplier, output_shift;
  int32_t act_min, act_max;
} tmcu_add_params;

typedef struct {
  int32_t input1_offset, input2_offset, output_offset;
  int32_t output_multiplier, output_shift;
  int32_t act_min, act_max;
} tmcu_mul_params;

typedef struct {
  int32_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
  int32_t act_min, act_max;
} tmcu_pool_params;

typedef struct {
  int32_t lhs_offset, rhs_offset, output_offset;
  int32_t multiplier, shift;
  int32_t act_min, act_max;
} tmcu_bmm_params;

/* Convolution, grouped when filter->c < input->c. filter is OHWI. */
tmcu_status tmcu_conv2d_s8(const tmcu_conv_params* params, const tmcu_quant_params* quant, const tmcu_dims* input_dims,
                           const int8_t* input, const tmcu_dims* filter_dims, const int8_t* filter,
                           const int32_t* bias, const tmcu_dims* output_dims, int8_t* output, tmcu_buf scratch);

/* Depthwise: filter [1, kh, kw, C_out], C_out = C_in * depth_multiplier. */
tmcu_status tmcu_depthwise_conv2d_s8(const tmcu_conv_params* params, int32_t depth_multiplier,
                                     const tmcu_quant_params* quant, const tmcu_dims* input_dims, const int8_t* input,
                                     const tmcu_dims* filter_dims, const int8_t* filter, const int32_t* bias,
                                     const tmcu_dims* output_dims, int8_t* output, tmcu_buf scratch);

/* Transposed convolution: filter [C_out, kh, kw, C_in]; pad_h/pad_w are cropped from the
 * top/left of the full (in-1)*stride+k map; dilation must be 1. */
tmcu_status tmcu_transpose_conv2d_s8(const tmcu_conv_params* params, const tmcu_quant_params* quant,
                                     const tmcu_dims* input_dims, const int8_t* input, const tmcu_dims* filter_dims,
                                     const int8_t* filter, const int32_t* bias, const tmcu_dims* output_dims,
                                     int8_t* output, tmcu_buf scratch, tmcu_buf reverse_scratch);

/* Fully connected: input [batches, in], filter [out, in]; quant count 1 or out.
 * kernel_sum (bias + input_offset * row sums, MVE's ctx.buf) may be NULL; when given, it is the
 * whole constant term and bias is not read (MVE programs pass none). */
tmcu_status tmcu_linear_s8(int32_t input_offset, int32_t output_offset, int32_t act_min, int32_t act_max,
                           const tmcu_quant_params* quant, int32_t batches, int32_t in_features, const int8_t* input,
                           int32_t out_features, const int8_t* filter, const int32_t* bias, const int32_t* kernel_sum,
                           int8_t* output);

/* lhs [n, h, rows, cols] x rhs [n, h, rhs_rows, cols] (rhs transposed); n/h broadcast when 1. */
tmcu_status tmcu_batch_matmul_s8(const tmcu_bmm_params* params, const tmcu_dims* lhs_dims, const int8_t* lhs,
                                 const tmcu_dims* rhs_dims, const int8_t* rhs, const tmcu_dims* output_dims,
                                 int8_t* output, tmcu_buf scratch);

/* Elementwise with NumPy broadcasting over 4-D dims. */
tmcu_status tmcu_add_s8(const tmcu_add_params* params, const tmcu_dims* input1_dims, const int8_t* input1,
                        const tmcu_dims* input2_dims, const int8_t* input2, const tmcu_dims* output_dims,
                        int8_t* output);
tmcu_status tmcu_mul_s8(const tmcu_mul_params* params, const tmcu_dims* input1_dims, const int8_t* input1,
                        const tmcu_dims* input2_dims, const int8_t* input2, const tmcu_dims* output_dims,
                        int8_t* output);
tmcu_status tmcu_minimum_s8(const tmcu_dims* input1_dims, const int8_t* input1, const tmcu_dims* input2_dims,
                            const int8_t* input2, const tmcu_dims* output_dims, int8_t* output);
tmcu_status tmcu_maximum_s8(const tmcu_dims* input1_dims, const int8_t* input1, const tmcu_dims* input2_dims,
                            const int8_t* input2, const tmcu_dims* output_dims, int8_t* output);

/* Pooling over in-bounds elements only. */
tmcu_status tmcu_avg_pool2d_s8(const tmcu_pool_params* params, const tmcu_dims* input_dims, const int8_t* input,
                               const tmcu_dims* output_dims, int8_t* output, tmcu_buf scratch);
tmcu_status tmcu_max_pool2d_s8(const tmcu_pool_params* params, const tmcu_dims* input_dims, const int8_t* input,
                               const tmcu_dims* output_dims, int8_t* output);

/* arm_softmax_s8 over rows of row_size; output scale 1/256, zero point -128. */
tmcu_status tmcu_softmax_s8(const int8_t* input, int32_t rows, int32_t row_size, int32_t multiplier, int32_t shift,
                            int32_t diff_min, int8_t* output);

tmcu_status tmcu_pad_s8(const tmcu_dims* input_dims, const int8_t* input, const tmcu_dims* pre, const tmcu_dims* post,
                        int8_t pad_value, int8_t* output);

/* Permute a rank <= 4 tensor (dims right-aligned in input_dims; perm over the last `rank` dims). */
tmcu_status tmcu_transpose_s8(const tmcu_dims* input_dims, int32_t rank, const int32_t* perm, const int8_t* input,
                              int8_t* output);

/* Strided copy: output[i] = input[start + i * step] on each dim (slicing with steps, select, split parts). */
tmcu_status tmcu_slice_s8(const tmcu_dims* input_dims, const int8_t* input, const tmcu_dims* start,
                          const tmcu_dims* step, const tmcu_dims* output_dims, int8_t* output);

/* One part of a concatenation along dims axis (0..3 = n, h, w, c), placed at `offset` on that axis. */
tmcu_status tmcu_cat_part_s8(const tmcu_dims* input_dims, const int8_t* input, int32_t axis, int32_t offset,
                             const tmcu_dims* output_dims, int8_t* output);

tmcu_status tmcu_quantize_f32_s8(const float* input, int32_t size, float scale, int32_t zero_point, int8_t* output);
/* quantize an NCHW float input ([batches, channels, plane = H*W]) straight into NHWC int8: the model-input
 * quantize with the NCHW->NHWC transpose folded in, bit-exact with tmcu_quantize_f32_s8. */
tmcu_status tmcu_quantize_f32_s8_nhwc(const float* input, int32_t batches, int32_t channels, int32_t plane, float scale,
                                     int32_t zero_point, int8_t* output);
tmcu_status tmcu_dequantize_s8_f32(const int8_t* input, int32_t size, float scale, int32_t zero_point, float* output);
tmcu_status tmcu_lut_s8(const int8_t* input, int32_t size, const int8_t* table, int8_t* output);

/* Reductions over the axes set in `axes` (bit 0 = n ... bit 3 = c of input_dims); the output keeps the
 * input's dims with reduced ones 1. Sum: clamp(requantize(sum(x + input_offset)) + output_offset), at most
 * 2^23 terms per output. Extremum: largest 1 = max, 0 = min of the raw int8 values. */
tmcu_status tmcu_reduce_sum_s8(const tmcu_dims* input_dims, int32_t axes, const int8_t* input, int32_t input_offset,
                               int32_t output_offset, int32_t multiplier, int32_t shift, int8_t* output);
tmcu_status tmcu_reduce_extremum_s8(const tmcu_dims* input_dims, int32_t axes, int32_t largest, const int8_t* input,
                                    int8_t* output);

/* LayerNorm (centered 1) or RMSNorm (centered 0) over rows of row_size <= 4096, per-channel multiplier, shift
 * and int32 bias (gamma, beta); epsilon in [1, 2^61] in the units of the sum of squares (ops/layer_norm.py). */
tmcu_status tmcu_layer_norm_s8(const int8_t* input, int32_t rows, int32_t row_size, const int32_t* multiplier,
                               const int32_t* shift, const int32_t* bias, int32_t input_offset, int32_t output_offset,
                               int64_t epsilon, int32_t centered, int8_t* output);

/* Log-softmax over rows of row_size <= 2047 with host tables exp_table[256] (Q20, exp_table[0] = 2^20)
 * and log2_table[257] (Q16); see host/torchmcu/ops/log_softmax.py. */
tmcu_status tmcu_log_softmax_s8(const int8_t* input, int32_t rows, int32_t row_size, const int32_t* exp_table,
                                const int32_t* log2_table, int32_t input_steps, int32_t output_offset,
                                int32_t multiplier, int32_t shift, int8_t* output);

/* Adaptive pooling of NHWC input to output_dims (n, c equal): output row i reads rows
 * [i*in/out, ceil((i+1)*in/out)), columns likewise; average 1 = mean rounded half away from zero
 * (as arm_avgpool_s8), 0 = max. See host/torchmcu/ops/adaptive_pool2d.py. */
tmcu_status tmcu_adaptive_pool2d_s8(const tmcu_dims* input_dims, const int8_t* input, int32_t average,
                                    const tmcu_dims* output_dims, int8_t* output);

/* Bilinear resize of NHWC input to output_dims (n, c equal) in Q10 positions, half-pixel centres or
 * align_corners; see host/torchmcu/ops/upsample_bilinear2d.py. */
tmcu_status tmcu_upsample_bilinear2d_s8(const tmcu_dims* input_dims, const int8_t* input, int32_t align_corners,
                                        const tmcu_dims* output_dims, int8_t* output);

/* PReLU over rows of `channels` (channels last): requantize(x + input_offset) with the positive multiplier
 * and shift where x + input_offset >= 0, channel c's negative ones elsewhere, plus output_offset. */
tmcu_status tmcu_prelu_s8(const int8_t* input, int32_t rows, int32_t channels, const int32_t* negative_multiplier,
                          const int32_t* negative_shift, int32_t input_offset, int32_t output_offset,
                          int32_t positive_multiplier, int32_t positive_shift, int8_t* output);

/* Scratch bytes CMSIS-NN asks for on `isa` (TORCHMCU_ISA_*): the C twin of
 * host/torchmcu/scratch_sizes.py, for the runtime assert. */
int32_t tmcu_conv2d_s8_scratch_size(int32_t isa, const tmcu_conv_params* params, const tmcu_dims* input_dims,
                                    const tmcu_dims* filter_dims, const tmcu_dims* output_dims);
int32_t tmcu_depthwise_conv2d_s8_scratch_size(int32_t isa, const tmcu_conv_params* params,
                                              const tmcu_dims* input_dims, const tmcu_dims* filter_dims,
                                              const tmcu_dims* output_dims);
int32_t tmcu_transpose_conv2d_s8_scratch_size(int32_t isa, const tmcu_conv_params* params,
                                              const tmcu_dims* input_dims, const tmcu_dims* filter_dims,
                                              const tmcu_dims* output_dims, int32_t* reverse_size);
int32_t tmcu_batch_matmul_s8_scratch_size(int32_t isa, const tmcu_dims* output_dims);
int32_t tmcu_avg_pool2d_s8_scratch_size(int32_t isa, int32_t output_w, int32_t channels);

/* Scratch bytes this build's kernels ask for, for the runtime assert: CMSIS-NN's
 * own *_get_buffer_size in a CMSIS-NN build, the twin above for the build's ISA
 * in a portable one. */
int32_t tmcu_conv2d_s8_scratch_needed(const tmcu_conv_params* params, const tmcu_dims* input_dims,
                                      const tmcu_dims* filter_dims, const tmcu_dims* output_dims);
int32_t tmcu_depthwise_conv2d_s8_scratch_needed(const tmcu_conv_params* params, int32_t depth_multiplier,
                                                const tmcu_dims* input_dims, const tmcu_dims* filter_dims,
                                                const tmcu_dims* output_dims);
int32_t tmcu_transpose_conv2d_s8_scratch_needed(const tmcu_conv_params* params, const tmcu_dims* input_dims,
                                                const tmcu_dims* filter_dims, const tmcu_dims* output_dims,
                                                int32_t* reverse_size);
int32_t tmcu_batch_matmul_s8_scratch_needed(const tmcu_dims* output_dims);
int32_t tmcu_avg_pool2d_s8_scratch_needed(int32_t output_w, int32_t channels);

/* A unidirectional LSTM layer as arm_lstm_unidirectional_s8 (host/torchmcu/ops/lstm.py): int8 input and
 * output, int16 gates (Q3.12 in, Q0.15 out) and cell state (scale 2^cell_scale_power), zero initial
 * state. Gates in PyTorch's row order i, f, g, o. */
typedef struct {
  int32_t time_major; /* 1: input [T, B, I]; 0: [B, T, I] */
  int32_t batch, time_steps, input_size, hidden_size;
  int32_t input_offset;  /* -input zero point */
  int32_t output_offset; /* +output zero point (the hidden state's) */
  int32_t forget_to_cell_multiplier, forget_to_cell_shift;
  int32_t input_to_cell_multiplier, input_to_cell_shift;
  int32_t cell_clip; /* 0: none; else |c| <= cell_clip */
  int32_t cell_scale_power;
  int32_t output_multiplier, output_shift;
} tmcu_lstm_params;

/* input_weights [4H, I] and hidden_weights [4H, H] int8; input_bias and hidden_bias [4H] int32 effective
 * biases (bias + kernel sums times offsets); gate_multiplier/gate_shift [8]: the input path's i, f, g, o,
 * then the hidden path's. sigmoid_table [256]: CMSIS-NN's sigmoid_table_uint16 as the compiler read it
 * from its checkout; the portable kernel interpolates it, the CMSIS-NN one returns TMCU_ERR_TABLE unless
 * it equals the table CMSIS-NN was built with. Scratch: tmcu_lstm_s8_scratch_needed bytes (two gate
 * buffers, the cell state). */
tmcu_status tmcu_lstm_s8(const tmcu_lstm_params* params, const int8_t* input, const int8_t* input_weights,
                         const int32_t* input_bias, const int8_t* hidden_weights, const int32_t* hidden_bias,
                         const int32_t* gate_multiplier, const int32_t* gate_shift, const uint16_t* sigmoid_table,
                         int8_t* output, tmcu_buf scratch);
int32_t tmcu_lstm_s8_scratch_needed(int32_t batch, int32_t hidden_size);

#ifdef __cplusplus
}
#endif

#endif /* TORCHMCU_NN_H_ */
