/* Adaptive average / max pooling for any output size (uneven, overlapping windows): CMSIS-NN has none. */
#include "arith.h"

/* [first, end) of output `index`'s window (64-bit: index * size can pass 2^31). */
static int32_t window_first(int32_t index, int32_t size, int32_t out) {
  return (int32_t)((int64_t)index * size / out);
}

static int32_t window_end(int32_t index, int32_t size, int32_t out) {
  return (int32_t)(((int64_t)index * size + size + out - 1) / out);
}

static int8_t pool_window(const int8_t* corner, int32_t rows, int32_t cols, int32_t row_stride, int32_t channels,
                          int32_t average) {
  int32_t sum = 0, best = -128;
  for (int32_t y = 0; y < rows; ++y) {
    for (int32_t x = 0; x < cols; ++x) {
      const int32_t value = corner[(y * row_stride + x) * channels];
      sum += value;
      best = value > best ? value : best;
    }
  }
  if (!average) {
    return (int8_t)best;
  }
  return (int8_t)tmcu_rounded_average(sum, rows * cols);
}

tmcu_status tmcu_adaptive_pool2d_s8(const tmcu_dims* in, const int8_t* input, int32_t average, const tmcu_dims* out,
                                    int8_t* output) {
  if (in == 0 || input == 0 || out == 0 || output == 0 || !tmcu_valid_dims(in) || !tmcu_valid_dims(out) ||
      out->n != in->n || out->c != in->c || (average != 0 && average != 1)) {
    return TMCU_ERR_ARG;
  }
  for (int32_t b = 0; b < out->n; ++b) {
    for (int32_t oy = 0; oy < out->h; ++oy) {
      const int32_t y0 = window_first(oy, in->h, out->h), y1 = window_end(oy, in->h, out->h);
      for (int32_t ox = 0; ox < out->w; ++ox) {
        const int32_t x0 = window_first(ox, in->w, out->w), x1 = window_end(ox, in->w, out->w);
        const int8_t* corner = input + ((b * in->h + y0) * in->w + x0) * in->c;
        int8_t* pixel = output + ((b * out->h + oy) * out->w + ox) * out->c;
        for (int32_t c = 0; c < out->c; ++c) {
          pixel[c] = pool_window(corner + c, y1 - y0, x1 - x0, in->w, in->c, average);
        }
      }
    }
  }
  return TMCU_OK;
}
