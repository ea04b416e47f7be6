/* Portable arm_pad_s8: constant padding before/after each of the 4 dims. */
#include "portable.h"

tmcu_status TMCU_PORTABLE(pad_s8)(const tmcu_dims* in, const int8_t* input, const tmcu_dims* pre, const tmcu_dims* post,
                                  int8_t pad_value, int8_t* output) {
  if (!tmcu_check_pad(in, input, pre, post, output)) {
    return TMCU_ERR_ARG;
  }
  const tmcu_dims out = {in->n + pre->n + post->n, in->h + pre->h + post->h, in->w + pre->w + post->w,
                         in->c + pre->c + post->c};
  int32_t index = 0;
  for (int32_t n = 0; n < out.n; ++n) {
    for (int32_t h = 0; h < out.h; ++h) {
      for (int32_t w = 0; w < out.w; ++w) {
        for (int32_t c = 0; c < out.c; ++c, ++index) {
          const int32_t sn = n - pre->n, sh = h - pre->h, sw = w - pre->w, sc = c - pre->c;
          const int inside = sn >= 0 && sn < in->n && sh >= 0 && sh < in->h && sw >= 0 && sw < in->w && sc >= 0 &&
                             sc < in->c;
          output[index] = inside ? input[((sn * in->h + sh) * in->w + sw) * in->c + sc] : pad_value;
        }
      }
    }
  }
  return TMCU_OK;
}
