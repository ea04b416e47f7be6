/*
 * What every torchmcu sample does: load the embedded program into the planned
 * memory, feed one input, run (optionally op by op with cycle counts), print
 * the outputs, then compare them byte for byte with the host runner's outputs
 * for the same program and input (<name>_expected.h, written at build time by
 * torchmcu_add_model()) and print one verdict line:
 *
 *   <name>: output matches host (<n> bytes)
 *   <name>: MISMATCH at byte <i>: device 0x<x> host 0x<y>     (non-zero exit)
 *
 * In Zephyr it also prints "<name>: inference <t> ticks", the cycle counter across the run:
 * under QEMU -icount shift=0 that is an exact instruction count (docs/benchmarks.md).
 *
 * Builds in Zephyr and, with a small printk shim, on the host
 * (tests/zephyr/host_project).
 */
#ifndef TORCHMCU_SAMPLE_H_
#define TORCHMCU_SAMPLE_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <zephyr/kernel.h>

#include <torchmcu/runner.h>

#include "pattern.h"

#if defined(CONFIG_TORCHMCU_ARENA_IN_SECTION)
#define TORCHMCU_ARENA_PLACEMENT __attribute__((section(CONFIG_TORCHMCU_ARENA_SECTION)))
#elif defined(CONFIG_TORCHMCU_ARENA_IN_REGION)
#include <zephyr/devicetree.h>
#include <zephyr/linker/devicetree_regions.h>
#define TORCHMCU_ARENA_PLACEMENT Z_GENERIC_SECTION(LINKER_DT_NODE_REGION_NAME(DT_CHOSEN(torchmcu_arena_region)))
#elif defined(__ZEPHYR__)
#define TORCHMCU_ARENA_PLACEMENT __noinit
#else
#define TORCHMCU_ARENA_PLACEMENT
#endif

/* Declares the arena and method pool a model's plan asks for (<name>_memory.h). */
#define TORCHMCU_SAMPLE_MEMORY(arena_bytes, pool_bytes)                                      \
  static uint8_t torchmcu_arena[arena_bytes] __attribute__((aligned(16))) TORCHMCU_ARENA_PLACEMENT; \
  static uint8_t torchmcu_method_pool[pool_bytes] __attribute__((aligned(16)))

namespace torchmcu_sample {

/* The samples' built-in input (pattern.h), identical to `torchmcu run --pattern`. */
inline void fill_pattern(float* data, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    data[i] = torchmcu_pattern_value(i);
  }
}

#if defined(CONFIG_TORCHMCU_PROFILE)
/* k_cycle_get_64() returns 0 without a 64-bit system timer (Cortex-M SysTick has
 * none), so the 32-bit cycle counter is widened here, counting its wraps. */
struct CycleClock {
  uint32_t last = 0;
  uint64_t wrapped = 0;
};

inline uint64_t cycles(void* state) {
  CycleClock* clock = static_cast<CycleClock*>(state);
  const uint32_t now = k_cycle_get_32();
  if (now < clock->last) {
    clock->wrapped += uint64_t{1} << 32;
  }
  clock->last = now;
  return clock->wrapped + now;
}
#endif

inline void print_output(size_t index, const void* data, size_t nbytes) {
  printk("output %u: %u bytes checksum 0x%08x\n", (unsigned)index, (unsigned)nbytes,
         (unsigned)torchmcu::fnv1a32(data, nbytes));
  /* Programs torchmcu writes return float outputs (dequantized at the boundary). */
  const float* values = static_cast<const float*>(data);
  const size_t count = nbytes / sizeof(float);
  for (size_t i = 0; i < count && i < 16; ++i) {
    const int32_t milli = (int32_t)(values[i] * 1000.0f + (values[i] < 0 ? -0.5f : 0.5f));
    printk("  [%u] %s%d.%03d\n", (unsigned)i, milli < 0 ? "-" : "", (int)(milli < 0 ? -milli : milli) / 1000,
           (int)(milli < 0 ? -milli : milli) % 1000);
  }
}

/* The host runner's outputs for this program and input (<name>_expected.h). */
struct Expected {
  const uint8_t* const* outputs;
  const size_t* nbytes;
  size_t count;
};

#if defined(__ZEPHYR__)
/* Cycle-counter ticks `work()` takes (one inference stays far below the 32-bit counter's wrap). */
template <typename Work>
inline uint32_t ticks(Work&& work) {
  const uint32_t start = k_cycle_get_32();
  work();
  return k_cycle_get_32() - start;
}
#endif

/* Compares every output with the host's, byte by byte; prints the verdict line, 0 if equal. */
inline int check_outputs(const char* name, const torchmcu::Runner& runner, const Expected& expected) {
  if (runner.num_outputs() != expected.count) {
    printk("%s: MISMATCH: device has %u outputs, host %u\n", name, (unsigned)runner.num_outputs(),
           (unsigned)expected.count);
    return -1;
  }
  size_t offset = 0; /* byte index over all outputs, in order */
  for (size_t i = 0; i < expected.count; ++i) {
    const void* data = nullptr;
    size_t nbytes = 0;
    runner.output(i, &data, &nbytes);
    const uint8_t* device = static_cast<const uint8_t*>(data);
    const size_t common = nbytes < expected.nbytes[i] ? nbytes : expected.nbytes[i];
    for (size_t b = 0; b < common; ++b) {
      if (device[b] != expected.outputs[i][b]) {
        printk("%s: MISMATCH at byte %u: device 0x%02x host 0x%02x\n", name, (unsigned)(offset + b),
               (unsigned)device[b], (unsigned)expected.outputs[i][b]);
        return -1;
      }
    }
    if (nbytes != expected.nbytes[i]) {
      printk("%s: MISMATCH: output %u has %u bytes on the device, %u on the host\n", name, (unsigned)i,
             (unsigned)nbytes, (unsigned)expected.nbytes[i]);
      return -1;
    }
    offset += nbytes;
  }
  printk("%s: output matches host (%u bytes)\n", name, (unsigned)offset);
  return 0;
}

/* The sample's runner, at namespace scope: as a function-local static its destructor would
 * need a thread-safe guard (__cxa_guard_acquire), which links libstdc++'s exception
 * handling and unwinder into the firmware (docs/flash.md). */
static torchmcu::Runner sample_runner;

/* Loads, runs once on `input` (float32, `input_nbytes`), prints the outputs and the verdict
 * against `expected`; 0 when the device output equals the host's. */
inline int run(const char* name, const uint8_t* program, size_t program_size, uint8_t* arena, size_t arena_size,
               uint8_t* method_pool, size_t method_pool_size, const float* input, size_t input_nbytes,
               const Expected& expected) {
  torchmcu::Runner& runner = sample_runner;
  const torchmcu::RunnerMemory memory{arena, arena_size, method_pool, method_pool_size};
  if (runner.load(program, program_size, memory) != 0) {
    printk("%s: load failed: %s\n", name, runner.last_error());
    return -1;
  }
  if (runner.set_input(0, input, input_nbytes) != 0) {
    printk("%s: input: %s\n", name, runner.last_error());
    return -1;
  }
  int status = 0;
#if defined(CONFIG_TORCHMCU_PROFILE)
  static uint64_t per_op[256];
  size_t ops = 0;
  CycleClock clock;
  auto inference = [&] { status = runner.run_profiled(cycles, &clock, per_op, 256, &ops); };
#else
  auto inference = [&] { status = runner.run(); };
#endif
#if defined(__ZEPHYR__)
  const uint32_t inference_ticks = ticks(inference);
#else
  inference();
#endif
  if (status != 0) {
    printk("%s: run failed: %s\n", name, runner.last_error());
    return -1;
  }
#if defined(__ZEPHYR__)
  printk("%s: inference %u ticks\n", name, (unsigned)inference_ticks);
#endif
#if defined(CONFIG_TORCHMCU_PROFILE)
  uint64_t total = 0;
  for (size_t i = 0; i < ops && i < 256; ++i) {
    printk("  op %u: %u cycles\n", (unsigned)i, (unsigned)per_op[i]);
    total += per_op[i];
  }
  printk("%s: %u ops, %u cycles\n", name, (unsigned)ops, (unsigned)total);
#endif
  for (size_t i = 0; i < runner.num_outputs(); ++i) {
    const void* data = nullptr;
    size_t nbytes = 0;
    runner.output(i, &data, &nbytes);
    print_output(i, data, nbytes);
  }
  printk("%s: done (arena %u of %u bytes)\n", name, (unsigned)runner.planned_arena_bytes(), (unsigned)arena_size);
  return check_outputs(name, runner, expected);
}

}  // namespace torchmcu_sample

#endif /* TORCHMCU_SAMPLE_H_ */
