/*
 * torchmcu runner: load a program from bytes, run it in caller-provided memory.
 *
 * The same code runs in Zephyr firmware and in host tests. It never touches
 * the heap: the program stays where the caller keeps it (flash or RAM), every
 * activation and CMSIS-NN scratch buffer lives in one caller-provided arena at
 * the offsets the host planned, ExecuTorch's bookkeeping goes in a
 * caller-provided method pool, and the temp allocator is empty (kernels get all
 * scratch from the plan).
 *
 * Errors are negative errno values; last_error() says what failed and, for a
 * buffer that is too small, how many bytes are needed.
 */
#ifndef TORCHMCU_RUNNER_H_
#define TORCHMCU_RUNNER_H_

#include <stddef.h>
#include <stdint.h>

#include <optional>

#include <executorch/extension/data_loader/buffer_data_loader.h>
#include <executorch/runtime/core/hierarchical_allocator.h>
#include <executorch/runtime/core/memory_allocator.h>
#include <executorch/runtime/executor/memory_manager.h>
#include <executorch/runtime/executor/method.h>
#include <executorch/runtime/executor/program.h>

namespace torchmcu {

/* Caller-owned memory for one loaded program. */
struct RunnerMemory {
  void* arena;             /* planned activations + scratch; 16-byte aligned */
  size_t arena_size;
  void* method_pool;       /* ExecuTorch method allocator (values, kernels table) */
  size_t method_pool_size;
};

/*
 * The method allocator with a guard tail. ExecuTorch 1.5.1's Method::parse_values
 * writes through some allocations without checking them for NULL, so running
 * out of method pool mid-load would crash. Allocations that reach into the last
 * kGuardBytes of the pool succeed but mark the pool as overflowed; the runner
 * then abandons the load and reports "method pool too small". Only an
 * allocation larger than the guard itself can still see NULL.
 */
class GuardedPoolAllocator : public executorch::runtime::MemoryAllocator {
 public:
  static constexpr uint32_t kGuardBytes = 1024;

  GuardedPoolAllocator(uint32_t size, uint8_t* base) : MemoryAllocator(size, base), base_(base), size_(size) {}

  void* allocate(size_t size, size_t alignment = kDefaultAlignment) override {
    void* memory = MemoryAllocator::allocate(size, alignment);
    const uint32_t soft_limit = size_ > kGuardBytes ? size_ - kGuardBytes : 0;
    if (memory == nullptr || static_cast<uint8_t*>(memory) + size > base_ + soft_limit) {
      overflowed_ = true;
    }
    return memory;
  }

  bool overflowed() const { return overflowed_; }

 private:
  uint8_t* base_;
  uint32_t size_;
  bool overflowed_ = false;
};

/* Reads a monotonically increasing counter (cycles, ticks, ns): for profiling. */
typedef uint64_t (*RunnerClock)(void* context);

class Runner {
 public:
  static constexpr size_t kMaxPlannedBuffers = 4;
  static constexpr size_t kErrorSize = 192;

  Runner() = default;
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  /* Loads method "forward" of the program at `program` (kept, not copied). */
  int load(const void* program, size_t program_size, const RunnerMemory& memory);

  size_t num_inputs() const;
  size_t num_outputs() const;
  /* Bytes input `index` expects (0 if out of range or not loaded). */
  size_t input_nbytes(size_t index) const;

  /* Copies `nbytes` of input `index` into its planned place in the arena. */
  int set_input(size_t index, const void* data, size_t nbytes);

  /* Runs the method once. */
  int run();

  /* Runs the method instruction by instruction; per_instruction[i] receives
   * the clock delta of instruction i (up to `capacity`). */
  int run_profiled(RunnerClock clock, void* clock_context, uint64_t* per_instruction, size_t capacity,
                   size_t* instructions_run);

  /* Points at output `index` inside the arena. */
  int output(size_t index, const void** data, size_t* nbytes) const;

  /* Arena bytes the loaded program plans (sum of its planned buffers, aligned). */
  size_t planned_arena_bytes() const { return planned_arena_bytes_; }
  /* Method-pool bytes the load actually used. */
  size_t method_pool_used() const;

  const char* last_error() const { return error_; }

 private:
  int fail(int code, const char* format, ...);
  /* Refuses a program planned for another ISA, CMSIS-NN or operator set. */
  int check_record(const RunnerMemory& memory);
  bool loaded() const { return method_.has_value(); }

  std::optional<executorch::extension::BufferDataLoader> loader_;
  std::optional<executorch::runtime::Program> program_;
  std::optional<GuardedPoolAllocator> method_allocator_;
  executorch::runtime::MemoryAllocator temp_allocator_{0, nullptr};
  executorch::runtime::Span<uint8_t> planned_spans_[kMaxPlannedBuffers];
  std::optional<executorch::runtime::HierarchicalAllocator> planned_memory_;
  std::optional<executorch::runtime::MemoryManager> memory_manager_;
  std::optional<executorch::runtime::Method> method_;
  size_t planned_arena_bytes_ = 0;
  char error_[kErrorSize] = "";
};

/* 32-bit FNV-1a over bytes: the checksum samples print and `torchmcu run` prints. */
uint32_t fnv1a32(const void* data, size_t nbytes);

}  // namespace torchmcu

#endif /* TORCHMCU_RUNNER_H_ */
