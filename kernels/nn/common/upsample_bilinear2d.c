/* Bilinear resize in Q10 fixed point (host/torchmcu/ops/upsample_bilinear2d.py): CMSIS-NN has none. */
#include "arith.h"

#define FRACTION_BITS 10
#define ONE (1 << FRACTION_BITS)

typedef struct {
  int32_t first, second, fraction; /* the two source indices and the second one's Q10 weight */
} source_index;

/* Output `index`'s source on an axis of `size` resized to `out` (64-bit: (2i+1) * size * 2^10 can pass 2^31). */
static source_index source_of(int32_t index, int32_t size, int32_t out, int32_t align_corners) {
  int64_t position = 0;
  if (align_corners) {
    if (out > 1) {
      position = (2 * (int64_t)index * (size - 1) * ONE + (out - 1)) / (2 * (int64_t)(out - 1));
    }
  } else {
    const int64_t numerator = (2 * (int64_t)index + 1) * size * ONE - (int64_t)out * ONE;
    position = numerator > 0 ? (numerator + out) / (2 * (int64_t)out) : 0;
  }
  source_index s;
  s.first = (int32_t)(position >> FRACTION_BITS);
  s.second = s.first + 1 < size ? s.first + 1 : size - 1;
  s.fraction = (int32_t)(position & (ONE - 1));
  return s;
}

/* Weighted sum of two int8 values shifted to 0..255 (Q10 weights summing to 2^10). */
static int32_t mix(int8_t a, int8_t b, int32_t fraction) {
  return ((int32_t)a + 128) * (ONE - fraction) + ((int32_t)b + 128) * fraction;
}

tmcu_status tmcu_upsample_bilinear2d_s8(const tmcu_dims* in, const int8_t* input, int32_t align_corners,
                                        const tmcu_dims* out, int8_t* output) {
  if (in == 0 || input == 0 || out == 0 || output == 0 || !tmcu_valid_dims(in) || !tmcu_valid_dims(out) ||
      out->n != in->n || out->c != in->c || (align_corners != 0 && align_corners != 1)) {
    return TMCU_ERR_ARG;
  }
  for (int32_t b = 0; b < out->n; ++b) {
    for (int32_t oy = 0; oy < out->h; ++oy) {
      const source_index y = source_of(oy, in->h, out->h, align_corners);
      const int8_t* top = input + (b * in->h + y.first) * in->w * in->c;
      const int8_t* bottom = input + (b * in->h + y.second) * in->w * in->c;
      for (int32_t ox = 0; ox < out->w; ++ox) {
        const source_index x = source_of(ox, in->w, out->w, align_corners);
        int8_t* pixel = output + ((b * out->h + oy) * out->w + ox) * out->c;
        for (int32_t c = 0; c < out->c; ++c) {
          const int32_t upper = mix(top[x.first * in->c + c], top[x.second * in->c + c], x.fraction);
          const int32_t lower = mix(bottom[x.first * in->c + c], bottom[x.second * in->c + c], x.fraction);
          /* At most 255 * 2^20: int32, non-negative, so the shift rounds half up as the reference does. */
          const int32_t total = upper * (ONE - y.fraction) + lower * y.fraction;
          pixel[c] = (int8_t)(((total + (1 << (2 * FRACTION_BITS - 1))) >> (2 * FRACTION_BITS)) - 128);
        }
      }
    }
  }
  return TMCU_OK;
}
