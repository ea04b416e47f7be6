/* Portable arm_max_pool_s8: maximum over in-bounds elements. */
#include "portable.h"

tmcu_status TMCU_PORTABLE(max_pool2d_s8)(const tmcu_pool_params* p, const tmcu_dims* in, const int8_t* input,
                                         const tmcu_dims* out, int8_t* output) {
  if (!tmcu_check_pool(p, in, input, out, output)) {
    return TMCU_ERR_ARG;
  }
  for (int32_t b = 0; b < out->n; ++b) {
    for (int32_t oy = 0; oy < out->h; ++oy) {
      for (int32_t ox = 0; ox < out->w; ++ox) {
        for (int32_t c = 0; c < out->c; ++c) {
          int32_t best = -129;
          for (int32_t ky = 0; ky < p->kernel_h; ++ky) {
            const int32_t y = oy * p->stride_h - p->pad_h + ky;
            for (int32_t kx = 0; kx < p->kernel_w && y >= 0 && y < in->h; ++kx) {
              const int32_t x = ox * p->stride_w - p->pad_w + kx;
              if (x >= 0 && x < in->w) {
                const int32_t v = input[((b * in->h + y) * in->w + x) * in->c + c];
                best = v > best ? v : best;
              }
            }
          }
          if (best == -129) {
            return TMCU_ERR_ARG; /* a window entirely in padding */
          }
          output[((b * out->h + oy) * out->w + ox) * out->c + c] = (int8_t)tmcu_clamp(best, p->act_min, p->act_max);
        }
      }
    }
  }
  return TMCU_OK;
}
