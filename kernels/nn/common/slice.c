/* Strided copy (slicing with steps, select, split/chunk/unbind parts): CMSIS-NN has no such kernel. */
#include "arith.h"

static int valid_axis(int32_t size, int32_t start, int32_t step, int32_t count) {
  return start >= 0 && step >= 1 && step <= TMCU_MAX_DIM && count >= 1 &&
         (int64_t)start + (int64_t)(count - 1) * step < size;
}

tmcu_status tmcu_slice_s8(const tmcu_dims* in, const int8_t* input, const tmcu_dims* start, const tmcu_dims* step,
                          const tmcu_dims* out, int8_t* output) {
  if (in == 0 || input == 0 || start == 0 || step == 0 || out == 0 || output == 0 || !tmcu_valid_dims(in) ||
      !tmcu_valid_dims(out) || !valid_axis(in->n, start->n, step->n, out->n) ||
      !valid_axis(in->h, start->h, step->h, out->h) || !valid_axis(in->w, start->w, step->w, out->w) ||
      !valid_axis(in->c, start->c, step->c, out->c)) {
    return TMCU_ERR_ARG;
  }
  int32_t index = 0;
  for (int32_t n = 0; n < out->n; ++n) {
    for (int32_t h = 0; h < out->h; ++h) {
      const int32_t row = ((start->n + n * step->n) * in->h + start->h + h * step->h) * in->w;
      for (int32_t w = 0; w < out->w; ++w) {
        const int8_t* pixel = input + (row + start->w + w * step->w) * in->c + start->c;
        for (int32_t c = 0; c < out->c; ++c, ++index) {
          output[index] = pixel[c * step->c];
        }
      }
    }
  }
  return TMCU_OK;
}
