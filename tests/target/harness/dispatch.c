/*
 * One entry per torchmcu numeric-core function. Parameter and buffer layouts
 * are listed beside each op and mirrored by OPS in tests/target/harness.py.
 */
#include <string.h>

#include <torchmcu/nn.h>

#include "cases.h"

static tmcu_dims dims_at(const int32_t* p) {
  const tmcu_dims d = {p[0], p[1], p[2], p[3]};
  return d;
}

static tmcu_conv_params conv_at(const int32_t* p) {
  const tmcu_conv_params params = {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]};
  return params;
}

static tmcu_buf buf(const test_case* c, int32_t i) {
  const tmcu_buf b = {c->data[i], c->nbytes[i]};
  return b;
}

static tmcu_quant_params quant(const test_case* c, int32_t multiplier, int32_t shift) {
  const tmcu_quant_params q = {(const int32_t*)c->data[multiplier], (const int32_t*)c->data[shift],
                               c->nbytes[multiplier] / 4};
  return q;
}

static float float_at(int32_t bits) {
  float value;
  memcpy(&value, &bits, sizeof value);
  return value;
}

#define EXPECT(params, buffers)                                \
  if (c->n_params != (params) || c->n_buffers != (buffers)) { \
    return BAD_CASE;                                           \
  }
#define IN(i) ((const void*)c->data[i])
#define OUT(i) (c->data[i])

int32_t dispatch(const test_case* c) {
  const int32_t* p = c->params;
  switch (c->op) {
    case 1: { /* conv2d: conv[10], in[4], filter[4], out[4] | input, filter, bias, mult, shift, output, scratch */
      EXPECT(22, 7);
      const tmcu_conv_params params = conv_at(p);
      const tmcu_quant_params q = quant(c, 3, 4);
      const tmcu_dims in = dims_at(p + 10), filter = dims_at(p + 14), out = dims_at(p + 18);
      return tmcu_conv2d_s8(&params, &q, &in, IN(0), &filter, IN(1), IN(2), &out, OUT(5), buf(c, 6));
    }
    case 2: { /* depthwise: conv[10], depth_multiplier, in[4], filter[4], out[4] | as conv2d */
      EXPECT(23, 7);
      const tmcu_conv_params params = conv_at(p);
      const tmcu_quant_params q = quant(c, 3, 4);
      const tmcu_dims in = dims_at(p + 11), filter = dims_at(p + 15), out = dims_at(p + 19);
      return tmcu_depthwise_conv2d_s8(&params, p[10], &q, &in, IN(0), &filter, IN(1), IN(2), &out, OUT(5),
                                      buf(c, 6));
    }
    case 3: { /* transpose_conv2d: conv[10], in[4], filter[4], out[4] | conv2d buffers + reverse scratch */
      EXPECT(22, 8);
      const tmcu_conv_params params = conv_at(p);
      const tmcu_quant_params q = quant(c, 3, 4);
      const tmcu_dims in = dims_at(p + 10), filter = dims_at(p + 14), out = dims_at(p + 18);
      return tmcu_transpose_conv2d_s8(&params, &q, &in, IN(0), &filter, IN(1), IN(2), &out, OUT(5), buf(c, 6),
                                      buf(c, 7));
    }
    case 4: { /* linear: in_off, out_off, act_min, act_max, batches, in_f, out_f
               * | input, filter, bias, kernel_sum, mult, shift, output */
      EXPECT(7, 7);
      const tmcu_quant_params q = quant(c, 4, 5);
      return tmcu_linear_s8(p[0], p[1], p[2], p[3], &q, p[4], p[5], IN(0), p[6], IN(1), IN(2), IN(3), OUT(6));
    }
    case 5: { /* batch_matmul: bmm[7], lhs[4], rhs[4], out[4] | lhs, rhs, output, scratch */
      EXPECT(19, 4);
      const tmcu_bmm_params params = {p[0], p[1], p[2], p[3], p[4], p[5], p[6]};
      const tmcu_dims lhs = dims_at(p + 7), rhs = dims_at(p + 11), out = dims_at(p + 15);
      return tmcu_batch_matmul_s8(&params, &lhs, IN(0), &rhs, IN(1), &out, OUT(2), buf(c, 3));
    }
    case 6: { /* add: add[12], a[4], b[4], out[4] | a, b, output */
      EXPECT(24, 3);
      const tmcu_add_params params = {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11]};
      const tmcu_dims a = dims_at(p + 12), b = dims_at(p + 16), out = dims_at(p + 20);
      return tmcu_add_s8(&params, &a, IN(0), &b, IN(1), &out, OUT(2));
    }
    case 7: { /* mul: mul[7], a[4], b[4], out[4] | a, b, output */
      EXPECT(19, 3);
      const tmcu_mul_params params = {p[0], p[1], p[2], p[3], p[4], p[5], p[6]};
      const tmcu_dims a = dims_at(p + 7), b = dims_at(p + 11), out = dims_at(p + 15);
      return tmcu_mul_s8(&params, &a, IN(0), &b, IN(1), &out, OUT(2));
    }
    case 8:   /* minimum: a[4], b[4], out[4] | a, b, output */
    case 9: { /* maximum */
      EXPECT(12, 3);
      const tmcu_dims a = dims_at(p), b = dims_at(p + 4), out = dims_at(p + 8);
      return c->op == 8 ? tmcu_minimum_s8(&a, IN(0), &b, IN(1), &out, OUT(2))
                        : tmcu_maximum_s8(&a, IN(0), &b, IN(1), &out, OUT(2));
    }
    case 10: { /* avg_pool2d: pool[8], in[4], out[4] | input, output, scratch */
      EXPECT(16, 3);
      const tmcu_pool_params params = {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]};
      const tmcu_dims in = dims_at(p + 8), out = dims_at(p + 12);
      return tmcu_avg_pool2d_s8(&params, &in, IN(0), &out, OUT(1), buf(c, 2));
    }
    case 11: { /* max_pool2d: pool[8], in[4], out[4] | input, output */
      EXPECT(16, 2);
      const tmcu_pool_params params = {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]};
      const tmcu_dims in = dims_at(p + 8), out = dims_at(p + 12);
      return tmcu_max_pool2d_s8(&params, &in, IN(0), &out, OUT(1));
    }
    case 12: /* softmax: rows, row_size, multiplier, shift, diff_min | input, output */
      EXPECT(5, 2);
      return tmcu_softmax_s8(IN(0), p[0], p[1], p[2], p[3], p[4], OUT(1));
    case 13: { /* pad: in[4], pre[4], post[4], pad_value | input, output */
      EXPECT(13, 2);
      const tmcu_dims in = dims_at(p), pre = dims_at(p + 4), post = dims_at(p + 8);
      return tmcu_pad_s8(&in, IN(0), &pre, &post, (int8_t)p[12], OUT(1));
    }
    case 14: { /* transpose: in[4], rank, perm[4] | input, output */
      EXPECT(9, 2);
      const tmcu_dims in = dims_at(p);
      return tmcu_transpose_s8(&in, p[4], p + 5, IN(0), OUT(1));
    }
    case 50: { /* slice: in[4], start[4], step[4], out[4] | input, output */
      EXPECT(16, 2);
      const tmcu_dims in = dims_at(p), start = dims_at(p + 4), step = dims_at(p + 8), out = dims_at(p + 12);
      return tmcu_slice_s8(&in, IN(0), &start, &step, &out, OUT(1));
    }
    case 51: { /* cat of two parts: a[4], b[4], axis, out[4] | a, b, output */
      EXPECT(13, 3);
      const tmcu_dims a = dims_at(p), b = dims_at(p + 4), out = dims_at(p + 9);
      const int32_t sizes[4] = {a.n, a.h, a.w, a.c};
      const tmcu_status first = tmcu_cat_part_s8(&a, IN(0), p[8], 0, &out, OUT(2));
      return first != TMCU_OK ? first : tmcu_cat_part_s8(&b, IN(1), p[8], sizes[p[8] & 3], &out, OUT(2));
    }
    case 15: /* quantize: size, scale bits, zero_point | input (float), output */
      EXPECT(3, 2);
      return tmcu_quantize_f32_s8(IN(0), p[0], float_at(p[1]), p[2], OUT(1));
    case 16: /* dequantize: size, scale bits, zero_point | input, output (float) */
      EXPECT(3, 2);
      return tmcu_dequantize_s8_f32(IN(0), p[0], float_at(p[1]), p[2], OUT(1));
    case 18: /* quantize_nhwc: batches, channels, plane (h*w), scale bits, zero_point | input (float NCHW), output */
      EXPECT(5, 2);
      return tmcu_quantize_f32_s8_nhwc(IN(0), p[0], p[1], p[2], float_at(p[3]), p[4], OUT(1));
    case 17: /* lut: size | input, table, output */
      EXPECT(1, 3);
      return tmcu_lut_s8(IN(0), p[0], IN(1), OUT(2));
    case 40: { /* reduce_sum: in[4], axes, input_offset, output_offset, multiplier, shift | input, output */
      EXPECT(9, 2);
      const tmcu_dims in = dims_at(p);
      return tmcu_reduce_sum_s8(&in, p[4], IN(0), p[5], p[6], p[7], p[8], OUT(1));
    }
    case 41: { /* reduce_extremum: in[4], axes, largest | input, output */
      EXPECT(6, 2);
      const tmcu_dims in = dims_at(p);
      return tmcu_reduce_extremum_s8(&in, p[4], p[5], IN(0), OUT(1));
    }
    case 42: /* layer_norm: rows, row_size, input_offset, output_offset, epsilon low, high, centered
               | input, multiplier, shift, bias, output */
      EXPECT(7, 5);
      return tmcu_layer_norm_s8(IN(0), p[0], p[1], IN(1), IN(2), IN(3), p[2], p[3],
                                (int64_t)(((uint64_t)(uint32_t)p[5] << 32) | (uint32_t)p[4]), p[6], OUT(4));
    case 43: /* log_softmax: rows, row_size, input_steps, output_offset, multiplier, shift
               | input, exp_table, log2_table, output */
      EXPECT(6, 4);
      return tmcu_log_softmax_s8(IN(0), p[0], p[1], IN(1), IN(2), p[2], p[3], p[4], p[5], OUT(3));
    case 60: { /* adaptive_pool2d: in[4], out[4], average | input, output */
      EXPECT(9, 2);
      const tmcu_dims in = dims_at(p), out = dims_at(p + 4);
      return tmcu_adaptive_pool2d_s8(&in, IN(0), p[8], &out, OUT(1));
    }
    case 61: { /* upsample_bilinear2d: in[4], out[4], align_corners | input, output */
      EXPECT(9, 2);
      const tmcu_dims in = dims_at(p), out = dims_at(p + 4);
      return tmcu_upsample_bilinear2d_s8(&in, IN(0), p[8], &out, OUT(1));
    }
    case 62: /* prelu: rows, channels, input_offset, output_offset, positive multiplier, shift
               | input, negative multiplier, negative shift, output */
      EXPECT(6, 4);
      return tmcu_prelu_s8(IN(0), p[0], p[1], IN(1), IN(2), p[2], p[3], p[4], p[5], OUT(3));
    case 70: { /* lstm: tmcu_lstm_params[15] | input, input_weights, input_bias, hidden_weights, hidden_bias,
                 gate_multiplier, gate_shift, sigmoid_table, output, scratch */
      EXPECT(15, 10);
      const tmcu_lstm_params lstm = {p[0], p[1], p[2],  p[3],  p[4],  p[5],  p[6], p[7],
                                     p[8], p[9], p[10], p[11], p[12], p[13], p[14]};
      return tmcu_lstm_s8(&lstm, IN(0), IN(1), IN(2), IN(3), IN(4), IN(5), IN(6), IN(7), OUT(8), buf(c, 9));
    }
    default:
      return -100;
  }
}
