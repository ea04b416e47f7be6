/* Portable arm_depthwise_conv_wrapper_s8: output channel o reads input channel o / multiplier. */
#include "portable.h"

tmcu_status TMCU_PORTABLE(depthwise_conv2d_s8)(const tmcu_conv_params* p, int32_t depth_multiplier,
                                               const tmcu_quant_params* quant, const tmcu_dims* in, const int8_t* input,
                                               const tmcu_dims* filter_dims, const int8_t* filter, const int32_t* bias,
                                               const tmcu_dims* out, int8_t* output, tmcu_buf scratch) {
  (void)scratch;
  if (!tmcu_check_depthwise_conv2d(p, depth_multiplier, quant, in, input, filter_dims, filter, out, output)) {
    return TMCU_ERR_ARG;
  }
  for (int32_t b = 0; b < out->n; ++b) {
    for (int32_t oy = 0; oy < out->h; ++oy) {
      for (int32_t ox = 0; ox < out->w; ++ox) {
        for (int32_t o = 0; o < out->c; ++o) {
          const int32_t channel = o / depth_multiplier;
          int32_t acc = bias != 0 ? bias[o] : 0;
          for (int32_t ky = 0; ky < filter_dims->h; ++ky) {
            const int32_t y = oy * p->stride_h - p->pad_h + ky * p->dilation_h;
            if (y < 0 || y >= in->h) {
              continue;
            }
            for (int32_t kx = 0; kx < filter_dims->w; ++kx) {
              const int32_t x = ox * p->stride_w - p->pad_w + kx * p->dilation_w;
              if (x < 0 || x >= in->w) {
                continue;
              }
              const int32_t value = input[((b * in->h + y) * in->w + x) * in->c + channel];
              acc += (value + p->input_offset) * (int32_t)filter[(ky * filter_dims->w + kx) * out->c + o];
            }
          }
          const int32_t q = quant->count == 1 ? 0 : o;
          acc = tmcu_requantize(acc, quant->multiplier[q], quant->shift[q]) + p->output_offset;
          output[((b * out->h + oy) * out->w + ox) * out->c + o] = (int8_t)tmcu_clamp(acc, p->act_min, p->act_max);
        }
      }
    }
  }
  return TMCU_OK;
}
