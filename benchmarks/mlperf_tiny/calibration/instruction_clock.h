/*
 * The clock check of the MLPerf Tiny benchmark, shared by torchmcu's app (benchmarks/mlperf_tiny/app)
 * and upstream ExecuTorch's (benchmarks/upstream/zephyr_app) so both are converted the same way:
 * a subs/bne loop of exactly 2,000,000 instructions timed with the cycle counter, printed as
 *
 *   <prefix>: calibration 2000000 instructions in <t> ticks
 *
 * benchmarks/mlperf_tiny/firmware.py turns ticks into instructions with the board's SysTick clock
 * only when this loop reads as 2,000,000 of them (under QEMU -icount shift=0, 1 ns each).
 */
#ifndef MLPERF_TINY_INSTRUCTION_CLOCK_H_
#define MLPERF_TINY_INSTRUCTION_CLOCK_H_

#include <stdint.h>

#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>

namespace instruction_clock {

constexpr uint32_t kSpinIterations = 1000000;  // 2 instructions each

inline void spin(uint32_t iterations) {
  __asm__ volatile("1: subs %0, %0, #1\n bne 1b" : "+r"(iterations) : : "cc");
}

inline void print_calibration(const char* prefix) {
  const uint32_t start = k_cycle_get_32();
  spin(kSpinIterations);
  const uint32_t ticks = k_cycle_get_32() - start;
  printk("%s: calibration %u instructions in %u ticks\n", prefix, (unsigned)(2 * kSpinIterations), (unsigned)ticks);
}

}  // namespace instruction_clock

#endif  // MLPERF_TINY_INSTRUCTION_CLOCK_H_
