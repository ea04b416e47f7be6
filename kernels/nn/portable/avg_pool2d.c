/* Portable arm_avgpool_s8: average over in-bounds elements, rounded half away from zero. */
#include "portable.h"

tmcu_status TMCU_PORTABLE(avg_pool2d_s8)(const tmcu_pool_params* p, const tmcu_dims* in, const int8_t* input,
                                         const tmcu_dims* out, int8_t* output, tmcu_buf scratch) {
  (void)scratch;
  if (!tmcu_check_pool(p, in, input, out, output)) {
    return TMCU_ERR_ARG;
  }
  for (int32_t b = 0; b < out->n; ++b) {
    for (int32_t oy = 0; oy < out->h; ++oy) {
      const tmcu_span rows = tmcu_window_span(oy, p->stride_h, p->pad_h, p->kernel_h, in->h);
      for (int32_t ox = 0; ox < out->w; ++ox) {
        const tmcu_span cols = tmcu_window_span(ox, p->stride_w, p->pad_w, p->kernel_w, in->w);
        const int32_t count = (rows.end - rows.first) * (cols.end - cols.first);
        for (int32_t c = 0; c < out->c; ++c) {
          int32_t sum = 0;
          for (int32_t y = rows.first; y < rows.end; ++y) {
            for (int32_t x = cols.first; x < cols.end; ++x) {
              sum += input[((b * in->h + y) * in->w + x) * in->c + c];
            }
          }
          output[((b * out->h + oy) * out->w + ox) * out->c + c] =
              (int8_t)tmcu_clamp(tmcu_rounded_average(sum, count), p->act_min, p->act_max);
        }
      }
    }
  }
  return TMCU_OK;
}
