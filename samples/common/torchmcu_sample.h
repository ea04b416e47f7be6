/*
 * What every torchmcu sample does: load the embedded program into the planned
 * memory, feed one input, run (optionally op by op with cycle counts), print
 * the outputs and their FNV-1a checksums in the format `torchmcu run` prints,
 * so a board and the host can be compared line by line.
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

/* The samples' built-in input, identical to `torchmcu run --pattern`:
 * x[i] = ((37 i) mod 255 - 127) / 128, exact in float. */
inline void fill_pattern(float* data, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    data[i] = (float)((int32_t)((37u * i) % 255u) - 127) / 128.0f;
  }
}

#if defined(CONFIG_TORCHMCU_PROFILE)
inline uint64_t cycles(void*) { return k_cycle_get_64(); }
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

/* Loads, runs once on `input` (float32, `input_nbytes`), prints; 0 on success. */
inline int run(const char* name, const uint8_t* program, size_t program_size, uint8_t* arena, size_t arena_size,
               uint8_t* method_pool, size_t method_pool_size, const float* input, size_t input_nbytes) {
  static torchmcu::Runner runner;
  const torchmcu::RunnerMemory memory{arena, arena_size, method_pool, method_pool_size};
  if (runner.load(program, program_size, memory) != 0) {
    printk("%s: load failed: %s\n", name, runner.last_error());
    return -1;
  }
  if (runner.set_input(0, input, input_nbytes) != 0) {
    printk("%s: input: %s\n", name, runner.last_error());
    return -1;
  }
#if defined(CONFIG_TORCHMCU_PROFILE)
  static uint64_t per_op[256];
  size_t ops = 0;
  const int status = runner.run_profiled(cycles, nullptr, per_op, 256, &ops);
#else
  const int status = runner.run();
#endif
  if (status != 0) {
    printk("%s: run failed: %s\n", name, runner.last_error());
    return -1;
  }
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
  return 0;
}

}  // namespace torchmcu_sample

#endif /* TORCHMCU_SAMPLE_H_ */
