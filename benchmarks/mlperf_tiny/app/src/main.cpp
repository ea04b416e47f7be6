/*
 * mlperf_tiny: one inference of an MLPerf Tiny model, timed with the cycle counter.
 *
 * Prints, for benchmarks/mlperf_tiny.py to parse:
 *   mlperf_tiny: calibration <n> instructions in <t> ticks
 *   <model>: inference <t> ticks                        (as every sample prints it)
 *   <model>: arena <a> method pool <p> (used <u>) stack <s> bytes
 * then the samples' verdict line (output equal to the host runner's, byte for byte).
 * Under QEMU -icount shift=0 one instruction is one nanosecond of virtual time, so
 * ticks x 1e9 / (the machine's SysTick clock) is the instruction count (docs/target.md).
 */
#include <torchmcu_sample.h>

#include "../../calibration/instruction_clock.h"
#include "model_expected.h"
#include "model_memory.h"
#include "model_pte.h"

TORCHMCU_SAMPLE_MEMORY(MODEL_ARENA_BYTES, MODEL_METHOD_POOL_BYTES);

namespace {

float input[MLPERF_TINY_INPUT_FLOATS];

}  // namespace

int main(void) {
  const char* name = MLPERF_TINY_MODEL;
  instruction_clock::print_calibration("mlperf_tiny");
  torchmcu::Runner& runner = torchmcu_sample::sample_runner;
  const torchmcu::RunnerMemory memory{torchmcu_arena, sizeof(torchmcu_arena), torchmcu_method_pool,
                                      sizeof(torchmcu_method_pool)};
  if (runner.load(model_pte, model_pte_len, memory) != 0) {
    printk("%s: load failed: %s\n", name, runner.last_error());
    return -1;
  }
  torchmcu_sample::fill_pattern(input, MLPERF_TINY_INPUT_FLOATS);
  if (runner.set_input(0, input, sizeof(input)) != 0) {
    printk("%s: input: %s\n", name, runner.last_error());
    return -1;
  }
  int status = 0;
  const uint32_t inference = torchmcu_sample::ticks([&] { status = runner.run(); });
  if (status != 0) {
    printk("%s: run failed: %s\n", name, runner.last_error());
    return -1;
  }
  size_t unused_stack = 0;
  k_thread_stack_space_get(k_current_get(), &unused_stack);
  printk("%s: inference %u ticks\n", name, (unsigned)inference);
  printk("%s: arena %u method pool %u (used %u) stack %u bytes\n", name, (unsigned)sizeof(torchmcu_arena),
         (unsigned)sizeof(torchmcu_method_pool), (unsigned)runner.method_pool_used(),
         (unsigned)(CONFIG_MAIN_STACK_SIZE - unused_stack));
  return torchmcu_sample::check_outputs(name, runner, {model_expected, model_expected_nbytes,
                                                        MODEL_EXPECTED_OUTPUTS});
}
