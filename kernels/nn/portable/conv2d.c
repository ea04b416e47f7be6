/* Portable arm_convolve_wrapper_s8: direct convolution, grouped when filter C < input C. */
#include "portable.h"

tmcu_status TMCU_PORTABLE(conv2d_s8)(const tmcu_conv_params* p, const tmcu_quant_params* quant, const tmcu_dims* in,
                                     const int8_t* input, const tmcu_dims* filter_dims, const int8_t* filter,
                                     const int32_t* bias, const tmcu_dims* out, int8_t* output, tmcu_buf scratch) {
  (void)scratch; /* the direct loop needs none */
  if (!tmcu_check_conv2d(p, quant, in, input, filter_dims, filter, out, output)) {
    return TMCU_ERR_ARG;
  }
  const int32_t per_group = out->c / (in->c / filter_dims->c);
  for (int32_t b = 0; b < out->n; ++b) {
    for (int32_t oy = 0; oy < out->h; ++oy) {
      for (int32_t ox = 0; ox < out->w; ++ox) {
        for (int32_t o = 0; o < out->c; ++o) {
          const int32_t first_channel = (o / per_group) * filter_dims->c;
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
              const int8_t* in_px = input + ((b * in->h + y) * in->w + x) * in->c + first_channel;
              const int8_t* w_px = filter + ((o * filter_dims->h + ky) * filter_dims->w + kx) * filter_dims->c;
              for (int32_t i = 0; i < filter_dims->c; ++i) {
                acc += ((int32_t)in_px[i] + p->input_offset) * (int32_t)w_px[i];
              }
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
