/*
 * Host-only C entry points to the runner, for Python (ctypes): `torchmcu run`,
 * the host tests and the fuzzer drive the very Runner the firmware uses.
 * This shim is the only place that allocates (one Runner object per handle).
 */
#include <torchmcu/runner.h>

#include "../runner/program_checks.h"

#include <chrono>
#include <new>

namespace {

uint64_t steady_ns(void*) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

torchmcu::Runner* as_runner(void* handle) { return static_cast<torchmcu::Runner*>(handle); }

}  // namespace

extern "C" {

void* tmcu_runner_new(void) { return new (std::nothrow) torchmcu::Runner(); }

void tmcu_runner_free(void* handle) { delete as_runner(handle); }

int tmcu_runner_load(void* handle, const void* program, size_t program_size, void* arena, size_t arena_size,
                     void* method_pool, size_t method_pool_size) {
  torchmcu::RunnerMemory memory{arena, arena_size, method_pool, method_pool_size};
  return as_runner(handle)->load(program, program_size, memory);
}

size_t tmcu_runner_num_inputs(void* handle) { return as_runner(handle)->num_inputs(); }

size_t tmcu_runner_num_outputs(void* handle) { return as_runner(handle)->num_outputs(); }

size_t tmcu_runner_input_nbytes(void* handle, size_t index) { return as_runner(handle)->input_nbytes(index); }

int tmcu_runner_set_input(void* handle, size_t index, const void* data, size_t nbytes) {
  return as_runner(handle)->set_input(index, data, nbytes);
}

int tmcu_runner_run(void* handle) { return as_runner(handle)->run(); }

int tmcu_runner_run_profiled(void* handle, uint64_t* per_instruction_ns, size_t capacity, size_t* count) {
  return as_runner(handle)->run_profiled(steady_ns, nullptr, per_instruction_ns, capacity, count);
}

int tmcu_runner_output(void* handle, size_t index, const void** data, size_t* nbytes) {
  return as_runner(handle)->output(index, data, nbytes);
}

size_t tmcu_runner_planned_arena_bytes(void* handle) { return as_runner(handle)->planned_arena_bytes(); }

size_t tmcu_runner_method_pool_used(void* handle) { return as_runner(handle)->method_pool_used(); }

const char* tmcu_runner_last_error(void* handle) { return as_runner(handle)->last_error(); }

uint32_t tmcu_fnv1a32(const void* data, size_t nbytes) { return torchmcu::fnv1a32(data, nbytes); }

const char* tmcu_recompile_target(int64_t cpu, int64_t firmware_isa) {
  return torchmcu::recompile_target(cpu, firmware_isa);
}

}  // extern "C"
