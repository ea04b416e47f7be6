/* Model-boundary float <-> int8 conversion (no CMSIS-NN function exists for it). */
#include <math.h>

#include "arith.h"

tmcu_status tmcu_quantize_f32_s8(const float* input, int32_t size, float scale, int32_t zero_point, int8_t* output) {
  if (input == 0 || output == 0 || size < 0 || size > TMCU_MAX_ELEMENTS || !(scale > 0.0f) || !isfinite(scale) || zero_point < -128 ||
      zero_point > 127) {
    return TMCU_ERR_ARG;
  }
  /* The reference multiplies by 1.0f/scale in float32 and rounds half to even. */
  const float inverse_scale = 1.0f / scale;
  for (int32_t i = 0; i < size; ++i) {
    const float scaled = nearbyintf(input[i] * inverse_scale);
    float q = scaled + (float)zero_point;
    q = q < -128.0f ? -128.0f : (q > 127.0f ? 127.0f : q);
    output[i] = (int8_t)(isnan(q) ? zero_point : (int32_t)q);
  }
  return TMCU_OK;
}

tmcu_status tmcu_dequantize_s8_f32(const int8_t* input, int32_t size, float scale, int32_t zero_point, float* output) {
  if (input == 0 || output == 0 || size < 0 || size > TMCU_MAX_ELEMENTS || !isfinite(scale) || zero_point < -128 || zero_point > 127) {
    return TMCU_ERR_ARG;
  }
  for (int32_t i = 0; i < size; ++i) {
    output[i] = (float)((int32_t)input[i] - zero_point) * scale;
  }
  return TMCU_OK;
}
