/* Checks of a program's bytes the runner makes before ExecuTorch trusts them: see program_checks.h. */
#include "program_checks.h"

#include <string.h>

#include <torchmcu/build_info.h>

namespace torchmcu {
namespace {

/*
 * Minimal bounds-checked flatbuffer reads, for the one check ExecuTorch itself
 * skips: ExecuTorch 1.5.1 logs every operator's name and overload with
 * `op->overload()->c_str()` when a kernel fails, which dereferences NULL for a
 * program whose operator lacks the (optional) overload string. Such programs
 * are refused at load instead, as are plans whose input/output or instruction
 * indices point outside their values, operators or chain (ExecuTorch trusts
 * those at execution time). Field numbers follow executorch/schema/program.fbs.
 */
constexpr uint16_t kProgramExecutionPlan = 1;
constexpr uint16_t kExecutionPlanValues = 2;
constexpr uint16_t kExecutionPlanInputs = 3;
constexpr uint16_t kExecutionPlanOutputs = 4;
constexpr uint16_t kExecutionPlanChains = 5;
constexpr uint16_t kExecutionPlanOperators = 6;
constexpr uint16_t kChainInstructions = 2;
constexpr uint16_t kInstructionArgsType = 0;
constexpr uint16_t kInstructionArgs = 1;
enum : uint8_t { kKernelCall = 1, kDelegateCall = 2, kMoveCall = 3, kJumpFalseCall = 4, kFreeCall = 5 };
constexpr uint16_t kOperatorName = 0;
constexpr uint16_t kOperatorOverload = 1;

struct FlatView {
  const uint8_t* data;
  size_t size;

  bool read32(size_t at, uint32_t* out) const {
    if (at > size || size - at < 4) {
      return false;
    }
    memcpy(out, data + at, 4);
    return true;
  }
  bool read16(size_t at, uint16_t* out) const {
    if (at > size || size - at < 2) {
      return false;
    }
    memcpy(out, data + at, 2);
    return true;
  }
  /* Inline scalar field `field` of `table` (its default when absent); false if out of bounds. */
  bool scalar(size_t table, uint16_t field, uint32_t default_value, uint32_t bytes, uint32_t* out) const {
    uint32_t soffset = 0;
    uint16_t vtable_size = 0, field_offset = 0;
    *out = default_value;
    if (!read32(table, &soffset)) {
      return false;
    }
    const int64_t vtable = static_cast<int64_t>(table) - static_cast<int32_t>(soffset);
    if (vtable < 0 || !read16(static_cast<size_t>(vtable), &vtable_size)) {
      return false;
    }
    if (4u + 2u * field + 2u > vtable_size || !read16(static_cast<size_t>(vtable) + 4 + 2 * field, &field_offset) ||
        field_offset == 0) {
      return true;
    }
    if (bytes == 1) {
      if (table + field_offset >= size) {
        return false;
      }
      *out = data[table + field_offset];
      return true;
    }
    return read32(table + field_offset, out);
  }
  /* Every element of the int vector at field `field` is < limit (absent: true). */
  bool indices_below(size_t table, uint16_t field, uint32_t limit) const {
    const size_t vector = child(table, field);
    uint32_t count = 0;
    if (vector == 0) {
      return true;
    }
    if (!read32(vector, &count)) {
      return false;
    }
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t index = 0;
      if (!read32(vector + 4 + 4 * static_cast<size_t>(i), &index) || index >= limit) {
        return false;
      }
    }
    return true;
  }
  /* Position of the table at `index` of the vector of tables at `vector`, or 0 when unreadable. */
  size_t element(size_t vector, uint32_t index) const {
    const size_t slot = vector + 4 + 4 * static_cast<size_t>(index);
    uint32_t relative = 0;
    return read32(slot, &relative) ? slot + relative : 0;
  }
  /* Position of table field `field` (an offset to a child), or 0 when absent/invalid. */
  size_t child(size_t table, uint16_t field) const {
    uint32_t soffset = 0;
    uint16_t vtable_size = 0, field_offset = 0;
    if (!read32(table, &soffset)) {
      return 0;
    }
    const int64_t vtable = static_cast<int64_t>(table) - static_cast<int32_t>(soffset);
    if (vtable < 0 || !read16(static_cast<size_t>(vtable), &vtable_size) || 4u + 2u * field + 2u > vtable_size ||
        !read16(static_cast<size_t>(vtable) + 4 + 2 * field, &field_offset) || field_offset == 0) {
      return 0;
    }
    uint32_t relative = 0;
    const size_t at = table + field_offset;
    if (!read32(at, &relative) || relative == 0 || at + relative >= size) {
      return 0;
    }
    return at + relative;
  }
};

/* Every instruction's value, operator and jump indices are in range. */
bool instructions_well_formed(const FlatView& view, size_t chains, uint32_t value_count, uint32_t op_count) {
  uint32_t chain_count = 0;
  if (chains == 0) {
    return true;
  }
  if (!view.read32(chains, &chain_count)) {
    return false;
  }
  for (uint32_t c = 0; c < chain_count; ++c) {
    const size_t chain = view.element(chains, c);
    if (chain == 0) {
      return false;
    }
    const size_t instructions = view.child(chain, kChainInstructions);
    uint32_t count = 0;
    if (instructions == 0) {
      continue;
    }
    if (!view.read32(instructions, &count)) {
      return false;
    }
    for (uint32_t i = 0; i < count; ++i) {
      const size_t instruction = view.element(instructions, i);
      uint32_t type = 0, a = 0, b = 0;
      if (instruction == 0 || !view.scalar(instruction, kInstructionArgsType, 0, 1, &type)) {
        return false;
      }
      const size_t args = view.child(instruction, kInstructionArgs);
      if (args == 0) {
        return false;
      }
      switch (type) {
        case kKernelCall:
          if (!view.scalar(args, 0, 0, 4, &a) || a >= op_count || !view.indices_below(args, 1, value_count)) {
            return false;
          }
          break;
        case kMoveCall:
          if (!view.scalar(args, 0, 0, 4, &a) || !view.scalar(args, 1, 0, 4, &b) || a >= value_count ||
              b >= value_count) {
            return false;
          }
          break;
        case kJumpFalseCall:
          if (!view.scalar(args, 0, 0, 4, &a) || !view.scalar(args, 1, 0, 4, &b) || a >= value_count || b >= count) {
            return false;
          }
          break;
        case kFreeCall:
          if (!view.scalar(args, 0, 0, 4, &a) || a >= value_count) {
            return false;
          }
          break;
        default:
          return false;  // torchmcu programs have no delegates; anything else is corrupt
      }
    }
  }
  return true;
}

}  // namespace

bool operators_well_formed(const uint8_t* data, size_t size) {
  FlatView view{data, size};
  uint32_t root = 0;
  if (!view.read32(0, &root)) {
    return false;
  }
  const size_t plans = view.child(root, kProgramExecutionPlan);
  uint32_t plan_count = 0;
  if (plans == 0 || !view.read32(plans, &plan_count)) {
    return false;
  }
  for (uint32_t p = 0; p < plan_count; ++p) {
    const size_t plan = view.element(plans, p);
    if (plan == 0) {
      return false;
    }
    uint32_t value_count = 0;
    const size_t values = view.child(plan, kExecutionPlanValues);
    if (values == 0 || !view.read32(values, &value_count)) {
      return false;
    }
    if (!view.indices_below(plan, kExecutionPlanInputs, value_count) ||
        !view.indices_below(plan, kExecutionPlanOutputs, value_count)) {
      return false;
    }
    const size_t operators = view.child(plan, kExecutionPlanOperators);
    uint32_t op_count = 0;
    if (operators != 0 && !view.read32(operators, &op_count)) {
      return false;
    }
    if (!instructions_well_formed(view, view.child(plan, kExecutionPlanChains), value_count, op_count)) {
      return false;
    }
    for (uint32_t o = 0; o < op_count; ++o) {
      const size_t op = view.element(operators, o);
      if (op == 0 || view.child(op, kOperatorName) == 0 || view.child(op, kOperatorOverload) == 0) {
        return false;
      }
    }
  }
  return true;
}


const char* recompile_target(int64_t cpu, int64_t firmware_isa) {
  /* CPU indices as in record.py: m0 m0plus m3 m4 m7 m23 m33 m35p m55 m85. Scratch sizes depend only on
   * the ISA path, so any core with that path plans correctly; the program's own core is kept when it can. */
  static const char* const kSame[] = {"cortex-m0", "cortex-m0plus", "cortex-m3", "cortex-m4", "cortex-m7",
                                      "cortex-m23", "cortex-m33", "cortex-m35p", "cortex-m55", "cortex-m85"};
  const bool known = cpu >= 0 && cpu <= 9;
  const bool helium_core = cpu == 8 || cpu == 9;
  const bool optional_dsp_core = cpu == 6 || cpu == 7;
  const bool dsp_core = cpu == 3 || cpu == 4 || optional_dsp_core;
  switch (firmware_isa) {
    case TORCHMCU_ISA_MVE:
      return helium_core ? kSame[cpu] : "cortex-m55";
    case TORCHMCU_ISA_DSP:
      if (helium_core) {
        return cpu == 8 ? "cortex-m55+nomve" : "cortex-m85+nomve";
      }
      return known && dsp_core ? kSame[cpu] : "cortex-m4";
    default:
      if (optional_dsp_core) {
        return cpu == 6 ? "cortex-m33+nodsp" : "cortex-m35p+nodsp";
      }
      return "cortex-m3";
  }
}

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320, as zlib.crc32): a 16-entry table, two lookups per byte. */
uint32_t crc32(const uint8_t* data, size_t size) {
  static const uint32_t kNibble[16] = {
      0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u, 0x4db26158u, 0x5005713cu,
      0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu, 0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu};
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    crc = (crc >> 4) ^ kNibble[crc & 0xfu];
    crc = (crc >> 4) ^ kNibble[crc & 0xfu];
  }
  return ~crc;
}

ProgramTrailer read_trailer(const uint8_t* data, size_t size) {
  ProgramTrailer trailer = {size, false, false};
  uint32_t magic = 0, stored = 0;
  if (size < kTrailerBytes) {
    return trailer;
  }
  memcpy(&magic, data + size - kTrailerBytes, 4);
  memcpy(&stored, data + size - 4, 4);
  if (magic != kTrailerMagic) {
    return trailer;
  }
  trailer.present = true;
  trailer.program_size = size - kTrailerBytes;
#if TORCHMCU_VERIFY_PROGRAM
  trailer.intact = crc32(data, trailer.program_size) == stored;
#else
  trailer.intact = true;  // CONFIG_TORCHMCU_VERIFY_PROGRAM=n: boot time over integrity
#endif
  return trailer;
}

}  // namespace torchmcu
