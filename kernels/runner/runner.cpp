/* torchmcu runner: see include/torchmcu/runner.h. */
#include <torchmcu/runner.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__ZEPHYR__)
#include <zephyr/sys/printk.h>
#endif

#include <executorch/runtime/platform/runtime.h>
#include <torchmcu/build_info.h>

#include "program_checks.h"

namespace torchmcu {

using executorch::aten::ScalarType;
using executorch::aten::Tensor;
using executorch::aten::TensorImpl;
using executorch::runtime::Error;
using executorch::runtime::EValue;
using executorch::runtime::HierarchicalAllocator;
using executorch::runtime::MemoryAllocator;
using executorch::runtime::MemoryManager;
using executorch::runtime::Method;
using executorch::runtime::MethodMeta;
using executorch::runtime::Program;
using executorch::runtime::Result;
using executorch::runtime::Span;

namespace {

constexpr const char* kMethodName = "forward";
constexpr const char* kRecordMethodName = "torchmcu_record";
constexpr size_t kRecordFields = 9;
const char* const kIsaNames[] = {"scalar", "DSP", "MVE"};
const char* const kCpuNames[] = {"cortex-m0", "cortex-m0plus", "cortex-m3", "cortex-m4", "cortex-m7",
                                 "cortex-m23", "cortex-m33", "cortex-m35p", "cortex-m55", "cortex-m85"};

const char* isa_name(int64_t isa) { return (isa >= 0 && isa <= 2) ? kIsaNames[isa] : "unknown"; }

const char* cpu_name(int64_t cpu) { return (cpu >= 0 && cpu <= 9) ? kCpuNames[cpu] : "cortex-m?"; }

constexpr size_t kArenaAlignment = 16;
constexpr size_t kMaxRank = 8;

size_t align_up(size_t value, size_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

const char* error_name(Error error) {
  switch (error) {
    case Error::Ok: return "Ok";
    case Error::InvalidArgument: return "InvalidArgument";
    case Error::InvalidProgram: return "InvalidProgram";
    case Error::InvalidState: return "InvalidState";
    case Error::NotFound: return "NotFound";
    case Error::NotSupported: return "NotSupported";
    case Error::NotImplemented: return "NotImplemented";
    case Error::MemoryAllocationFailed: return "MemoryAllocationFailed";
    case Error::OperatorMissing: return "OperatorMissing";
    case Error::AccessFailed: return "AccessFailed";
    case Error::Internal: return "Internal";
    default: return "Error";
  }
}

int errno_of(Error error) {
  switch (error) {
    case Error::MemoryAllocationFailed: return -ENOMEM;
    case Error::NotFound: return -ENOENT;
    case Error::NotSupported:
    case Error::NotImplemented:
    case Error::OperatorMissing: return -ENOTSUP;
    case Error::InvalidProgram: return -EBADMSG;
    default: return -EINVAL;
  }
}

}  // namespace

int Runner::fail(int code, const char* format, ...) {
  va_list args;
  va_start(args, format);
#if defined(__ZEPHYR__)
  /* Zephyr's cbprintf, which printk links anyway: newlib's vsnprintf would add its float printf. */
  vsnprintk(error_, sizeof(error_), format, args);
#else
  vsnprintf(error_, sizeof(error_), format, args);
#endif
  va_end(args);
  return code;
}

int Runner::load(const void* program, size_t program_size, const RunnerMemory& memory) {
  method_.reset();
  memory_manager_.reset();
  planned_memory_.reset();
  method_allocator_.reset();
  program_.reset();
  loader_.reset();
  planned_arena_bytes_ = 0;
  error_[0] = '\0';

  if (program == nullptr || program_size == 0) {
    return fail(-EINVAL, "program: null or empty buffer");
  }
  if ((memory.arena == nullptr && memory.arena_size > 0) ||
      (memory.method_pool == nullptr && memory.method_pool_size > 0)) {
    return fail(-EINVAL, "memory: null buffer with a non-zero size");
  }
  if (reinterpret_cast<uintptr_t>(memory.arena) % kArenaAlignment != 0) {
    return fail(-EINVAL, "memory: arena at %p is not %u-byte aligned", memory.arena,
                static_cast<unsigned>(kArenaAlignment));
  }
  executorch::runtime::runtime_init();

  const ProgramTrailer trailer = read_trailer(static_cast<const uint8_t*>(program), program_size);
  if (trailer.present && !trailer.intact) {
    return fail(-EBADMSG, "program corrupted: CRC-32 of its %u bytes does not match the one it carries",
                static_cast<unsigned>(trailer.program_size));
  }
  program_size = trailer.program_size;
  loader_.emplace(program, program_size);
  // Full verification: a corrupted or truncated program is refused here.
  Result<Program> loaded_program = Program::load(&*loader_, Program::Verification::InternalConsistency);
  if (!loaded_program.ok()) {
    return fail(errno_of(loaded_program.error()), "program: not a valid ExecuTorch program (%s, %u bytes)",
                error_name(loaded_program.error()), static_cast<unsigned>(program_size));
  }
  program_.emplace(std::move(loaded_program.get()));
  if (!operators_well_formed(static_cast<const uint8_t*>(program), program_size)) {
    return fail(-EBADMSG, "program: an operator, instruction or input/output index is malformed (corrupted program)");
  }

  Result<MethodMeta> meta = program_->method_meta(kMethodName);
  if (!meta.ok()) {
    return fail(errno_of(meta.error()), "program: no method \"%s\" (%s)", kMethodName, error_name(meta.error()));
  }
  const size_t buffers = meta->num_memory_planned_buffers();
  if (buffers > kMaxPlannedBuffers) {
    return fail(-ENOTSUP, "program: %u planned buffers, the runner supports %u", static_cast<unsigned>(buffers),
                static_cast<unsigned>(kMaxPlannedBuffers));
  }
  size_t needed = 0;
  size_t sizes[kMaxPlannedBuffers] = {0};
  for (size_t i = 0; i < buffers; ++i) {
    Result<int64_t> size = meta->memory_planned_buffer_size(i);
    if (!size.ok() || size.get() < 0) {
      return fail(-EBADMSG, "program: planned buffer %u has no valid size", static_cast<unsigned>(i));
    }
    sizes[i] = static_cast<size_t>(size.get());
    needed = align_up(needed, kArenaAlignment) + sizes[i];
  }
  planned_arena_bytes_ = needed;
  if (needed > memory.arena_size) {
    return fail(-ENOMEM, "arena too small: the program plans %u bytes, the arena has %u bytes",
                static_cast<unsigned>(needed), static_cast<unsigned>(memory.arena_size));
  }
  uint8_t* cursor = static_cast<uint8_t*>(memory.arena);
  size_t offset = 0;
  for (size_t i = 0; i < buffers; ++i) {
    offset = align_up(offset, kArenaAlignment);
    planned_spans_[i] = Span<uint8_t>(cursor + offset, sizes[i]);
    offset += sizes[i];
  }
  planned_memory_.emplace(Span<Span<uint8_t>>(planned_spans_, buffers));
  int record_status = check_record(memory);
  if (record_status != 0) {
    return record_status;
  }
  if (TORCHMCU_VERIFY_PROGRAM && !trailer.present) {
    return fail(-EBADMSG, "program corrupted or from an older torchmcu: no CRC-32 trailer (recompile it)");
  }
  // A fresh allocator over the whole pool: the record check's allocations are dropped.
  method_allocator_.emplace(static_cast<uint32_t>(memory.method_pool_size),
                            static_cast<uint8_t*>(memory.method_pool));
  memory_manager_.emplace(&*method_allocator_, &*planned_memory_, &temp_allocator_);

  Result<Method> method = program_->load_method(kMethodName, &*memory_manager_);
  if (method_allocator_->overflowed() || (!method.ok() && method.error() == Error::MemoryAllocationFailed)) {
    return fail(-ENOMEM, "method pool too small: %u bytes given (the plan's method_allocator_bytes is enough)",
                static_cast<unsigned>(memory.method_pool_size));
  }
  if (!method.ok()) {
    return fail(errno_of(method.error()), "program: loading method \"%s\" failed (%s)", kMethodName,
                error_name(method.error()));
  }
  method_.emplace(std::move(method.get()));
  return 0;
}

int Runner::check_record(const RunnerMemory& memory) {
  GuardedPoolAllocator allocator(static_cast<uint32_t>(memory.method_pool_size),
                                 static_cast<uint8_t*>(memory.method_pool));
  MemoryManager manager(&allocator, &*planned_memory_, &temp_allocator_);
  Result<Method> record = program_->load_method(kRecordMethodName, &manager);
  if (allocator.overflowed() || !record.ok()) {
    if (allocator.overflowed() || record.error() == Error::MemoryAllocationFailed) {
      return fail(-ENOMEM, "method pool too small: %u bytes given", static_cast<unsigned>(memory.method_pool_size));
    }
    return fail(-EBADMSG, "program: no %s method: not compiled by torchmcu (compile it with `torchmcu compile`)",
                kRecordMethodName);
  }
  int64_t field[kRecordFields] = {0};
  if (record->outputs_size() < kRecordFields) {
    return fail(-EBADMSG, "program: torchmcu record has %u fields, expected %u",
                static_cast<unsigned>(record->outputs_size()), static_cast<unsigned>(kRecordFields));
  }
  for (size_t i = 0; i < kRecordFields; ++i) {
    const EValue& value = record->get_output(i);
    if (!value.isInt()) {
      return fail(-EBADMSG, "program: torchmcu record field %u is not an integer", static_cast<unsigned>(i));
    }
    field[i] = value.toInt();
  }
  const int64_t magic = field[0], format = field[1], version = field[2], cpu = field[3], isa = field[4],
                sizing_version = field[6], opset = field[7], method_pool_needed = field[8];
  if (magic != TORCHMCU_RECORD_MAGIC || format > TORCHMCU_RECORD_FORMAT) {
    return fail(-EBADMSG, "program: torchmcu record format %d is newer than this firmware's (%d): update the firmware",
                static_cast<int>(format), TORCHMCU_RECORD_FORMAT);
  }
  const int64_t program_major = version >> 16, program_minor = (version >> 8) & 0xff;
  if (program_major != TORCHMCU_VERSION_MAJOR || program_minor > TORCHMCU_VERSION_MINOR) {
    return fail(-EPROTO, "program from torchmcu %d.%d.%d, firmware is torchmcu %d.%d.%d: recompile the model with "
                "torchmcu %d.%d", static_cast<int>(program_major), static_cast<int>(program_minor),
                static_cast<int>(version & 0xff), TORCHMCU_VERSION_MAJOR, TORCHMCU_VERSION_MINOR,
                TORCHMCU_VERSION_PATCH, TORCHMCU_VERSION_MAJOR, TORCHMCU_VERSION_MINOR);
  }
  if (static_cast<uint32_t>(opset) != TORCHMCU_OPSET_HASH) {
    return fail(-EPROTO, "program operator set 0x%08x differs from the firmware's 0x%08x: compile the model with the "
                "torchmcu release the firmware was built from", static_cast<unsigned>(opset),
                static_cast<unsigned>(TORCHMCU_OPSET_HASH));
  }
  if (method_pool_needed > 0 && memory.method_pool_size < static_cast<uint64_t>(method_pool_needed)) {
    // Checked before ExecuTorch allocates: it does not survive running out mid-load.
    return fail(-ENOMEM, "method pool too small: %u bytes given, the program needs %u (measured on the host, an upper "
                "bound on Cortex-M)", static_cast<unsigned>(memory.method_pool_size),
                static_cast<unsigned>(method_pool_needed));
  }
  if (TORCHMCU_BUILD_USES_CMSIS_NN) {
    if (isa != TORCHMCU_BUILD_ISA) {
      return fail(-EPROTO, "program planned for %s (%s scratch sizes), firmware runs CMSIS-NN's %s path: recompile "
                  "with --target %s", cpu_name(cpu), isa_name(isa), isa_name(TORCHMCU_BUILD_ISA),
                  recompile_target(cpu, TORCHMCU_BUILD_ISA));
    }
    if (TORCHMCU_CMSIS_NN_SIZING_VERSION != 0u &&
        static_cast<uint32_t>(sizing_version) != TORCHMCU_CMSIS_NN_SIZING_VERSION) {
      return fail(-EPROTO, "program scratch sized for CMSIS-NN 0x%08x, firmware links CMSIS-NN 0x%08x: recompile "
                  "with the CMSIS-NN checkout the firmware uses (CMSIS_NN_PATH)", static_cast<unsigned>(sizing_version),
                  static_cast<unsigned>(TORCHMCU_CMSIS_NN_SIZING_VERSION));
    }
  }
  return 0;
}

size_t Runner::num_inputs() const { return loaded() ? method_->inputs_size() : 0; }

size_t Runner::num_outputs() const { return loaded() ? method_->outputs_size() : 0; }

size_t Runner::input_nbytes(size_t index) const {
  if (!loaded() || index >= method_->inputs_size()) {
    return 0;
  }
  auto info = method_->method_meta().input_tensor_meta(index);
  return info.ok() ? info->nbytes() : 0;
}

size_t Runner::method_pool_used() const {
  return method_allocator_.has_value() ? method_allocator_->used_size() : 0;
}

int Runner::set_input(size_t index, const void* data, size_t nbytes) {
  if (!loaded()) {
    return fail(-EINVAL, "set_input: no program loaded");
  }
  if (index >= method_->inputs_size()) {
    return fail(-EINVAL, "set_input: input %u does not exist (the program has %u)", static_cast<unsigned>(index),
                static_cast<unsigned>(method_->inputs_size()));
  }
  auto info = method_->method_meta().input_tensor_meta(index);
  if (!info.ok()) {
    return fail(-EINVAL, "set_input: input %u is not a tensor", static_cast<unsigned>(index));
  }
  if (data == nullptr || nbytes != info->nbytes()) {
    return fail(-EINVAL, "set_input: input %u needs %u bytes, got %u", static_cast<unsigned>(index),
                static_cast<unsigned>(info->nbytes()), static_cast<unsigned>(nbytes));
  }
  const auto sizes = info->sizes();
  const auto dim_order = info->dim_order();
  if (sizes.size() > kMaxRank) {
    return fail(-ENOTSUP, "set_input: rank %u above %u", static_cast<unsigned>(sizes.size()),
                static_cast<unsigned>(kMaxRank));
  }
  // Wrap the caller's bytes in a tensor with the planned metadata: Method
  // copies them into the planned input buffer.
  TensorImpl::SizesType tensor_sizes[kMaxRank];
  TensorImpl::DimOrderType tensor_dim_order[kMaxRank];
  TensorImpl::StridesType strides[kMaxRank];
  const size_t rank = sizes.size();
  for (size_t i = 0; i < rank; ++i) {
    tensor_sizes[i] = sizes[i];
    tensor_dim_order[i] = dim_order[i];
  }
  TensorImpl::StridesType stride = 1;
  for (size_t i = rank; i-- > 0;) {
    strides[tensor_dim_order[i]] = stride;
    stride *= tensor_sizes[tensor_dim_order[i]];
  }
  TensorImpl impl(info->scalar_type(), static_cast<ssize_t>(rank), tensor_sizes, const_cast<void*>(data),
                  tensor_dim_order, strides);
  Error status = method_->set_input(EValue(Tensor(&impl)), index);
  if (status != Error::Ok) {
    return fail(errno_of(status), "set_input: input %u rejected (%s)", static_cast<unsigned>(index),
                error_name(status));
  }
  return 0;
}

int Runner::run() {
  if (!loaded()) {
    return fail(-EINVAL, "run: no program loaded");
  }
  Error status = method_->execute();
  if (status != Error::Ok) {
    return fail(errno_of(status), "run: execution failed (%s); a kernel logged the cause", error_name(status));
  }
  return 0;
}

int Runner::run_profiled(RunnerClock clock, void* clock_context, uint64_t* per_instruction, size_t capacity,
                         size_t* instructions_run) {
  if (!loaded()) {
    return fail(-EINVAL, "run_profiled: no program loaded");
  }
  if (clock == nullptr) {
    return fail(-EINVAL, "run_profiled: no clock");
  }
  size_t count = 0;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  // Method::step() is ExecuTorch's (experimental) single-instruction API.
  for (;;) {
    const uint64_t start = clock(clock_context);
    Error status = method_->step();
    const uint64_t end = clock(clock_context);
    if (status == Error::EndOfMethod) {
      break;
    }
    if (status != Error::Ok) {
      if (instructions_run != nullptr) {
        *instructions_run = count;
      }
      return fail(errno_of(status), "run_profiled: instruction %u failed (%s)", static_cast<unsigned>(count),
                  error_name(status));
    }
    if (per_instruction != nullptr && count < capacity) {
      per_instruction[count] = end - start;
    }
    ++count;
  }
  Error reset = method_->reset_execution();
#pragma GCC diagnostic pop
  if (instructions_run != nullptr) {
    *instructions_run = count;
  }
  return reset == Error::Ok ? 0 : fail(errno_of(reset), "run_profiled: reset failed (%s)", error_name(reset));
}

int Runner::output(size_t index, const void** data, size_t* nbytes) const {
  if (!loaded() || index >= method_->outputs_size() || data == nullptr || nbytes == nullptr) {
    return -EINVAL;
  }
  const EValue& value = method_->get_output(index);
  if (!value.isTensor()) {
    return -EINVAL;
  }
  const Tensor& tensor = value.toTensor();
  *data = tensor.const_data_ptr();
  *nbytes = tensor.nbytes();
  return 0;
}

uint32_t fnv1a32(const void* data, size_t nbytes) {
  const uint8_t* bytes = static_cast<const uint8_t*>(data);
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < nbytes; ++i) {
    hash ^= bytes[i];
    hash *= 16777619u;
  }
  return hash;
}

}  // namespace torchmcu
