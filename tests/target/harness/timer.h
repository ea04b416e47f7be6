/* SysTick at the processor clock, extended to 64 bits by counting wraps. Under
 * QEMU -icount shift=0 one instruction takes 1 ns of virtual time, so ticks are
 * an exact, repeatable instruction count (instructions = ticks * 1e9 / clock). */
#ifndef TORCHMCU_TARGET_TIMER_H_
#define TORCHMCU_TARGET_TIMER_H_

#include <stdint.h>

uint64_t timer_ticks(void);

#endif /* TORCHMCU_TARGET_TIMER_H_ */
