/*
 * The samples' built-in input, identical to `torchmcu run --pattern` (host/torchmcu/run.py):
 * x[i] = ((37 i) mod 255 - 127) / 128, exact in float. Header-only and free of torchmcu's
 * headers, so upstream ExecuTorch's benchmark app (benchmarks/upstream) feeds the same input.
 */
#ifndef TORCHMCU_PATTERN_H_
#define TORCHMCU_PATTERN_H_

#include <stddef.h>
#include <stdint.h>

static inline float torchmcu_pattern_value(size_t i) {
  return (float)((int32_t)((37u * i) % 255u) - 127) / 128.0f;
}

#endif /* TORCHMCU_PATTERN_H_ */
