/* Model-boundary float <-> int8 conversion (no CMSIS-NN function exists for it). */
#include <math.h>
#include <string.h>

#include "arith.h"

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 2)
#include <arm_mve.h>

/* Helium, four lanes a step, with the scalar loop's arithmetic: VCVTN rounds half to even (as nearbyintf
 * in the default rounding mode), saturates and turns NaN into 0 so NaN lands on the zero point, and the
 * zero point is added with saturation before the clamp. The model input is the one float loop of an
 * inference: scalar, it costs about 20 instructions an element on the M55. */
static inline int32x4_t quantize_lanes(float32x4_t values, float inverse_scale, int32_t zero_point) {
  const int32x4_t shifted = vqaddq_n_s32(vcvtnq_s32_f32(vmulq_n_f32(values, inverse_scale)), zero_point);
  return vminq_s32(vmaxq_s32(shifted, vdupq_n_s32(-128)), vdupq_n_s32(127));
}

/* Whole vectors unpredicated, then one predicated step for the rest: GCC 12 moves a loop's predicate
 * through a core register (vmrs, sxth, vmsr) on every step, six of 17 instructions a step. */
static void quantize_mve(const float* input, int32_t size, float inverse_scale, int32_t zero_point, int8_t* output) {
  int32_t i = 0;
  for (; i + 4 <= size; i += 4) {
    vstrbq_s32(output + i, quantize_lanes(vld1q_f32(input + i), inverse_scale, zero_point));
  }
  if (i < size) {
    const mve_pred16_t active = vctp32q((uint32_t)(size - i));
    vstrbq_p_s32(output + i, quantize_lanes(vldrwq_z_f32(input + i, active), inverse_scale, zero_point), active);
  }
}

/* One channel plane of an NCHW input into NHWC: contiguous float loads as above, each int8 lane stored
 * `channels` bytes after the previous one (byte scatter), so no separate transpose pass is needed. */
static void quantize_plane_strided_mve(const float* input, int32_t plane, int32_t channels, float inverse_scale,
                                       int32_t zero_point, int8_t* output) {
  const uint32x4_t offsets = vmulq_n_u32(vidupq_n_u32(0u, 1), (uint32_t)channels);
  const int32_t step = 4 * channels;
  int32_t i = 0;
  for (; i + 4 <= plane; i += 4, output += step) {
    vstrbq_scatter_offset_s32(output, offsets, quantize_lanes(vld1q_f32(input + i), inverse_scale, zero_point));
  }
  if (i < plane) {
    const mve_pred16_t active = vctp32q((uint32_t)(plane - i));
    vstrbq_scatter_offset_p_s32(output, offsets,
                                quantize_lanes(vldrwq_z_f32(input + i, active), inverse_scale, zero_point), active);
  }
}

static inline float32x4_t dequantize_lanes(int32x4_t values, float scale, int32_t zero_point) {
  return vmulq_n_f32(vcvtq_f32_s32(vsubq_n_s32(values, zero_point)), scale);
}

static void dequantize_mve(const int8_t* input, int32_t size, float scale, int32_t zero_point, float* output) {
  int32_t i = 0;
  for (; i + 4 <= size; i += 4) {
    vst1q_f32(output + i, dequantize_lanes(vldrbq_s32(input + i), scale, zero_point));
  }
  if (i < size) {
    const mve_pred16_t active = vctp32q((uint32_t)(size - i));
    vstrwq_p_f32(output + i, dequantize_lanes(vldrbq_z_s32(input + i, active), scale, zero_point), active);
  }
}
#else
/* nearbyintf(v) (half to even, the default rounding mode) plus the zero point, clamped to int8, NaN to
 * the zero point: in integer arithmetic on v's bits, because without VRINT (no FPU, or the M4's FPv4)
 * nearbyintf is a library call of some 300 instructions an element. */
static int8_t round_to_int8(float v, int32_t zero_point) {
  uint32_t bits;
  memcpy(&bits, &v, sizeof bits);
  const uint32_t exponent = (bits >> 23) & 0xFFu;
  const uint32_t mantissa = bits & 0x7FFFFFu;
  if (exponent == 0xFFu && mantissa != 0u) {
    return (int8_t)zero_point; /* NaN */
  }
  int32_t magnitude;
  if (exponent >= 127u + 8u) {
    magnitude = 256; /* |v| >= 256 or Inf: saturates whatever the zero point */
  } else if (exponent < 126u) {
    magnitude = 0; /* |v| < 0.5, zeros and subnormals */
  } else {
    /* 0.5 <= |v| < 256: |v| = significand / 2^shift with shift in 16..24 */
    const uint32_t significand = mantissa | 0x800000u;
    const uint32_t shift = 150u - exponent;
    const uint32_t half = 1u << (shift - 1u);
    const uint32_t remainder = significand & ((1u << shift) - 1u);
    magnitude = (int32_t)(significand >> shift);
    if (remainder > half || (remainder == half && (magnitude & 1) != 0)) {
      magnitude++;
    }
  }
  const int32_t q = ((bits >> 31) != 0u ? -magnitude : magnitude) + zero_point;
  return (int8_t)(q < -128 ? -128 : (q > 127 ? 127 : q));
}
#endif

tmcu_status tmcu_quantize_f32_s8(const float* input, int32_t size, float scale, int32_t zero_point, int8_t* output) {
  if (input == 0 || output == 0 || size < 0 || size > TMCU_MAX_ELEMENTS || !(scale > 0.0f) || !isfinite(scale) || zero_point < -128 ||
      zero_point > 127) {
    return TMCU_ERR_ARG;
  }
  /* The reference multiplies by 1.0f/scale in float32 and rounds half to even. */
  const float inverse_scale = 1.0f / scale;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 2)
  quantize_mve(input, size, inverse_scale, zero_point, output);
#else
  for (int32_t i = 0; i < size; ++i) {
    output[i] = round_to_int8(input[i] * inverse_scale, zero_point);
  }
#endif
  return TMCU_OK;
}

tmcu_status tmcu_quantize_f32_s8_nhwc(const float* input, int32_t batches, int32_t channels, int32_t plane, float scale,
                                     int32_t zero_point, int8_t* output) {
  if (batches < 1 || channels < 1 || plane < 1 || (int64_t)batches * channels * plane > TMCU_MAX_ELEMENTS) {
    return TMCU_ERR_ARG;
  }
  if (channels == 1) {
    /* NCHW and NHWC hold the same bytes: the contiguous loop. */
    return tmcu_quantize_f32_s8(input, batches * plane, scale, zero_point, output);
  }
  if (input == 0 || output == 0 || !(scale > 0.0f) || !isfinite(scale) || zero_point < -128 || zero_point > 127) {
    return TMCU_ERR_ARG;
  }
  const float inverse_scale = 1.0f / scale;
  for (int32_t n = 0; n < batches; ++n) {
    for (int32_t c = 0; c < channels; ++c) {
      /* In int32: the element count was checked against TMCU_MAX_ELEMENTS (2^28). */
      const float* source = input + (n * channels + c) * plane;
      int8_t* target = output + n * plane * channels + c;
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 2)
      quantize_plane_strided_mve(source, plane, channels, inverse_scale, zero_point, target);
#else
      for (int32_t i = 0; i < plane; ++i, target += channels) {
        *target = round_to_int8(source[i] * inverse_scale, zero_point);
      }
#endif
    }
  }
  return TMCU_OK;
}

tmcu_status tmcu_dequantize_s8_f32(const int8_t* input, int32_t size, float scale, int32_t zero_point, float* output) {
  if (input == 0 || output == 0 || size < 0 || size > TMCU_MAX_ELEMENTS || !isfinite(scale) || zero_point < -128 || zero_point > 127) {
    return TMCU_ERR_ARG;
  }
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 2)
  dequantize_mve(input, size, scale, zero_point, output);
#else
  for (int32_t i = 0; i < size; ++i) {
    output[i] = (float)((int32_t)input[i] - zero_point) * scale;
  }
#endif
  return TMCU_OK;
}
