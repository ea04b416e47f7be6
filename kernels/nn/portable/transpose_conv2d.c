/* Portable arm_transpose_conv_wrapper_s8, gathering instead of scattering (no buffer needed). */
#include "portable.h"

tmcu_status TMCU_PORTABLE(transpose_conv2d_s8)(const tmcu_conv_params* p, const tmcu_quant_params* quant, const tmcu_dims* in,
                                               const int8_t* input, const tmcu_dims* filter_dims, const int8_t* filter,
                                               const int32_t* bias, const tmcu_dims* out, int8_t* output, tmcu_buf scratch,
                                               tmcu_buf reverse_scratch) {
  (void)scratch;
  (void)reverse_scratch;
  if (!tmcu_check_transpose_conv2d(p, quant, in, input, filter_dims, filter, out, output)) {
    return TMCU_ERR_ARG;
  }
  for (int32_t b = 0; b < out->n; ++b) {
    for (int32_t oy = 0; oy < out->h; ++oy) {
      for (int32_t ox = 0; ox < out->w; ++ox) {
        for (int32_t o = 0; o < out->c; ++o) {
          int32_t acc = bias != 0 ? bias[o] : 0;
          /* full[y*stride + ky] receives input row y: gather the rows landing on oy + pad. */
          for (int32_t ky = 0; ky < filter_dims->h; ++ky) {
            const int32_t ty = oy + p->pad_h - ky;
            if (ty < 0 || ty % p->stride_h != 0 || ty / p->stride_h >= in->h) {
              continue;
            }
            for (int32_t kx = 0; kx < filter_dims->w; ++kx) {
              const int32_t tx = ox + p->pad_w - kx;
              if (tx < 0 || tx % p->stride_w != 0 || tx / p->stride_w >= in->w) {
                continue;
              }
              const int8_t* in_px = input + ((b * in->h + ty / p->stride_h) * in->w + tx / p->stride_w) * in->c;
              const int8_t* w_px = filter + ((o * filter_dims->h + ky) * filter_dims->w + kx) * in->c;
              for (int32_t i = 0; i < in->c; ++i) {
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
