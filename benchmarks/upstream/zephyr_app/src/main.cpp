/*
 * Benchmark runner for upstream ExecuTorch's Cortex-M programs (benchmarks/upstream).
 *
 * Loads the embedded .pte from flash, plans its buffers in one static pool,
 * feeds the samples' built-in input pattern (samples/common/pattern.h) in the input's
 * dim order, runs the method once
 * between two k_cycle_get_32() reads, and prints what the host side parses:
 *
 *   upstream: calibration 2000000 instructions in <t> ticks  (../../mlperf_tiny/calibration)
 *   upstream: planned <bytes> method-pool <used bytes>
 *   upstream: output <i> <nbytes> <hex bytes...>
 *   upstream: cycles <n> hz <sys clock hz>
 *   upstream: done                                  (or "upstream: failed: ...")
 */
#include <stdint.h>
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>

#include <executorch/extension/data_loader/buffer_data_loader.h>
#include <executorch/runtime/core/memory_allocator.h>
#include <executorch/runtime/executor/method.h>
#include <executorch/runtime/executor/program.h>
#include <executorch/runtime/platform/runtime.h>

#include "../../../mlperf_tiny/calibration/instruction_clock.h"
#include "../../../../samples/common/pattern.h"
#include "upstream_program.h"

using executorch::extension::BufferDataLoader;
using executorch::runtime::Error;
using executorch::runtime::HierarchicalAllocator;
using executorch::runtime::MemoryAllocator;
using executorch::runtime::MemoryManager;
using executorch::runtime::Method;
using executorch::runtime::MethodMeta;
using executorch::runtime::Program;
using executorch::runtime::Result;
using executorch::runtime::Span;

namespace {

/* Sizes come from the host (benchmarks/upstream/zephyr_build.py), which reads them from the program. */
alignas(16) uint8_t planned_pool[UPSTREAM_PLANNED_BYTES];
alignas(16) uint8_t method_pool[UPSTREAM_METHOD_POOL_BYTES];
/* The float input, filled on the device: as torchmcu's app, no input bytes in flash. */
alignas(16) float input[UPSTREAM_INPUT_FLOATS];
constexpr size_t kMaxPlannedBuffers = 8;
constexpr size_t kMaxRank = 8;

int failed(const char* what, Error error) {
  printk("upstream: failed: %s (error 0x%x)\n", what, static_cast<unsigned>(error));
  return -1;
}

void print_bytes(size_t index, const uint8_t* data, size_t nbytes) {
  printk("upstream: output %u %u ", static_cast<unsigned>(index), static_cast<unsigned>(nbytes));
  for (size_t i = 0; i < nbytes; ++i) {
    printk("%02x", data[i]);
  }
  printk("\n");
}

int run() {
  executorch::runtime::runtime_init();
  BufferDataLoader loader(upstream_pte, sizeof(upstream_pte));
  Result<Program> program = Program::load(&loader, Program::Verification::Minimal);
  if (!program.ok()) {
    return failed("Program::load", program.error());
  }
  Result<const char*> name = program->get_method_name(0);
  if (!name.ok()) {
    return failed("get_method_name", name.error());
  }
  Result<MethodMeta> meta = program->method_meta(*name);
  if (!meta.ok()) {
    return failed("method_meta", meta.error());
  }

  /* One span per planned buffer, carved out of planned_pool in order. */
  Span<uint8_t> spans[kMaxPlannedBuffers];
  const size_t count = meta->num_memory_planned_buffers();
  if (count > kMaxPlannedBuffers) {
    return failed("too many planned buffers", Error::NotSupported);
  }
  size_t used = 0;
  for (size_t i = 0; i < count; ++i) {
    const size_t size = static_cast<size_t>(meta->memory_planned_buffer_size(i).get());
    if (used + size > sizeof(planned_pool)) {
      return failed("planned buffers exceed UPSTREAM_PLANNED_BYTES", Error::MemoryAllocationFailed);
    }
    spans[i] = Span<uint8_t>(planned_pool + used, size);
    used += (size + 15u) & ~size_t{15};
  }
  HierarchicalAllocator planned({spans, count});
  MemoryAllocator method_allocator(sizeof(method_pool), method_pool);
  MemoryManager memory(&method_allocator, &planned);

  Result<Method> method = program->load_method(*name, &memory);
  if (!method.ok()) {
    return failed("load_method", method.error());
  }
  printk("upstream: planned %u method-pool %u\n", static_cast<unsigned>(used),
         static_cast<unsigned>(method_allocator.used_size()));

  /* The input as a tensor of the shape and dim order the program declares; set_input copies
   * it into the planned input buffer. */
  Result<executorch::runtime::TensorInfo> info = meta->input_tensor_meta(0);
  if (!info.ok() || info->nbytes() != sizeof(input) || info->sizes().size() > kMaxRank) {
    return failed("input 0 is not UPSTREAM_INPUT_FLOATS floats", Error::InvalidArgument);
  }
  const size_t rank = info->sizes().size();
  executorch::aten::SizesType sizes[kMaxRank];
  executorch::aten::DimOrderType dim_order[kMaxRank];
  executorch::aten::StridesType strides[kMaxRank];
  for (size_t i = 0; i < rank; ++i) {
    sizes[i] = info->sizes()[i];
    dim_order[i] = info->dim_order()[i];
  }
  executorch::aten::StridesType stride = 1;
  for (size_t i = rank; i-- > 0;) { /* innermost dimension in memory last */
    strides[dim_order[i]] = stride;
    stride *= sizes[dim_order[i]];
  }
  /* Element i in the input's logical (row-major) order is pattern value i, as torchmcu feeds it;
   * it is stored where the dim order puts it. */
  for (size_t i = 0; i < UPSTREAM_INPUT_FLOATS; ++i) {
    size_t rest = i, offset = 0;
    for (size_t d = rank; d-- > 0;) {
      offset += (rest % static_cast<size_t>(sizes[d])) * static_cast<size_t>(strides[d]);
      rest /= static_cast<size_t>(sizes[d]);
    }
    input[offset] = torchmcu_pattern_value(i);
  }
  executorch::aten::TensorImpl impl(info->scalar_type(), static_cast<ssize_t>(rank), sizes,
                                    input, dim_order, strides);
  Error set = method->set_input(executorch::runtime::EValue(executorch::aten::Tensor(&impl)), 0);
  if (set != Error::Ok) {
    return failed("set_input", set);
  }

  const uint32_t start = k_cycle_get_32();
  const Error status = method->execute();
  const uint32_t cycles = k_cycle_get_32() - start;
  if (status != Error::Ok) {
    return failed("execute", status);
  }
  for (size_t i = 0; i < method->outputs_size(); ++i) {
    const executorch::aten::Tensor output = method->get_output(i).toTensor();
    print_bytes(i, static_cast<const uint8_t*>(output.const_data_ptr()), output.nbytes());
  }
  printk("upstream: cycles %u hz %u\n", static_cast<unsigned>(cycles),
         static_cast<unsigned>(sys_clock_hw_cycles_per_sec()));
  printk("upstream: done\n");
  return 0;
}

}  // namespace

int main(void) {
  instruction_clock::print_calibration("upstream");
  return run();
}
