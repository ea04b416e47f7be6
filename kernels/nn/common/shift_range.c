/* The per-channel shift check every convolution and fully connected call makes (op adapter and kernel). */
#include "arith.h"

#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>
#endif

/* Whether every shift lies in CMSIS-NN's [-31, 30]. It runs on every call over up to one shift per output
 * channel, so it is written for the code GCC makes of it: biased by 31, a shift is in range when it is at
 * most 61 as an unsigned number, and the largest of them decides. Helium reduces four a step; elsewhere one
 * compare and a conditional move an element. A loop that returned at the first bad shift kept its index on
 * the stack and cost some 12 instructions a channel on the M55 (1,500 per 128-channel layer). */
int tmcu_valid_shifts(const int32_t* shift, int32_t count) {
  uint32_t largest = 0u;
  int32_t i = 0;
#if defined(__ARM_FEATURE_MVE)
  for (; i + 4 <= count; i += 4) {
    largest = vmaxvq_u32(largest, vaddq_n_u32(vreinterpretq_u32_s32(vldrwq_s32(shift + i)), 31u));
  }
#endif
  for (; i < count; ++i) {
    const uint32_t biased = (uint32_t)shift[i] + 31u;
    largest = biased > largest ? biased : largest;
  }
  return largest <= 61u;
}
