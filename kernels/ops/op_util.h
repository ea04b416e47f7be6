/*
 * Shared by the ExecuTorch adapters in kernels/ops/op_<op>.cpp: argument
 * checks that name the op and argument, tensor -> CMSIS-NN-style dims, and
 * the planned scratch buffer. Adapters stay thin: check, fill the parameter
 * struct of kernels/include/torchmcu/nn.h, call, check the status.
 */
#ifndef TORCHMCU_OPS_OP_UTIL_H_
#define TORCHMCU_OPS_OP_UTIL_H_

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <executorch/extension/kernel_util/make_boxed_from_unboxed_functor.h>
#include <executorch/runtime/kernel/kernel_includes.h>
#include <torchmcu/nn.h>

#include "nn/common/selection.h"

#if defined(__ZEPHYR__)
#include <zephyr/sys/printk.h>
#endif

/*
 * A kernel's error line. On Zephyr it goes straight to the console through
 * printk, kept only when CONFIG_TORCHMCU_LOG_LEVEL is at least "error"
 * (TORCHMCU_LOG_LEVEL, set by the module's CMakeLists.txt): the firmware can
 * then build ExecuTorch without its logging (CONFIG_EXECUTORCH_ENABLE_LOGGING=n,
 * torchmcu's default, docs/flash.md) and still name the op that failed. On the
 * host it is ExecuTorch's ET_LOG, as the runtime from the wheel prints it.
 */
#if defined(__ZEPHYR__)
#if defined(TORCHMCU_LOG_LEVEL) && TORCHMCU_LOG_LEVEL >= 1
#define TMCU_LOG_ERROR(fmt, ...) printk("E " fmt "\n", ##__VA_ARGS__)
#else
#define TMCU_LOG_ERROR(fmt, ...) ((void)0)
#endif
#else
#define TMCU_LOG_ERROR(fmt, ...) ET_LOG(Error, fmt, ##__VA_ARGS__)
#endif

namespace torchmcu {
namespace ops {

using executorch::aten::IntArrayRef;
using executorch::aten::ScalarType;
using executorch::aten::Tensor;
using executorch::runtime::Error;
using executorch::runtime::KernelRuntimeContext;
using OptionalTensor = std::optional<Tensor>;
using TensorList = executorch::aten::ArrayRef<Tensor>;

/*
 * Log formats stay inside what every device printf prints (Zephyr's cbprintf,
 * newlib-nano, picolibc, the minimal libc): %d, %ld, %u, %lu and %s of a string
 * that is never NULL; no %zu, %lld or %f. Cast int32 values to int, and pass
 * int64 ones through log_long. Every message starts with the op's name
 * ("torchmcu::conv2d: ..."), so it reads the same where __func__ is unavailable.
 */
inline long log_long(int64_t value) {
  return value > LONG_MAX ? LONG_MAX : (value < LONG_MIN ? LONG_MIN : static_cast<long>(value));
}

/* Fails the kernel call with a message naming the op; returns `out` from the adapter. */
#define TMCU_CHECK(ctx, cond, out, op, fmt, ...)                                                  \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      TMCU_LOG_ERROR("torchmcu::%s: " fmt, op, ##__VA_ARGS__);                                     \
      (ctx).fail(::executorch::runtime::Error::InvalidArgument);                                  \
      return out;                                                                                 \
    }                                                                                             \
  } while (0)

/* Calls a numeric-core function and fails the kernel with its status name on error. */
#define TMCU_CALL(ctx, out, op, call) TMCU_CALL_EXPLAINED(ctx, out, op, call, tmcu_status_str)

/* TMCU_CALL whose error line is explain(status), a const char* naming what the kernel refused. */
#define TMCU_CALL_EXPLAINED(ctx, out, op, call, explain)                                          \
  do {                                                                                            \
    const tmcu_status tmcu_status_ = (call);                                                      \
    if (tmcu_status_ != TMCU_OK) {                                                                \
      TMCU_LOG_ERROR("torchmcu::%s: %s", op, explain(tmcu_status_));                               \
      (ctx).fail(::executorch::runtime::Error::InvalidArgument);                                  \
      return out;                                                                                 \
    }                                                                                             \
  } while (0)

inline const char* isa_name(int32_t isa) {
  return isa == TORCHMCU_ISA_MVE ? "MVE" : (isa == TORCHMCU_ISA_DSP ? "DSP" : "scalar");
}

/* The runtime assert (docs/scratch.md): planned scratch must equal what CMSIS-NN asks for. */
#if defined(TORCHMCU_RUNTIME_ASSERTS)
#define TMCU_ASSERT_SCRATCH(ctx, out, op, argument, expected, given)                                     \
  do {                                                                                                    \
    const int32_t tmcu_expected_ = (expected);                                                            \
    const int32_t tmcu_given_ = (given);                                                                  \
    if (tmcu_expected_ != tmcu_given_) {                                                                  \
      TMCU_LOG_ERROR("torchmcu::%s: runtime assert: planned %s is %d bytes, CMSIS-NN (%s) needs %d bytes; "  \
             "recompile the model for this firmware's target", op, argument, (int)tmcu_given_,             \
             ::torchmcu::ops::isa_name(TORCHMCU_BUILD_ISA), (int)tmcu_expected_);                         \
      (ctx).fail(::executorch::runtime::Error::InvalidArgument);                                          \
      return out;                                                                                         \
    }                                                                                                     \
  } while (0)
#else
#define TMCU_ASSERT_SCRATCH(ctx, out, op, argument, expected, given) \
  do {                                                                \
  } while (0)
#endif

inline bool is_dtype(const Tensor& t, ScalarType type) { return t.scalar_type() == type; }

/* [n, h, w, c] of a rank <= 4 tensor, right-aligned as CMSIS-NN dims (leading 1s). */
inline tmcu_dims dims_of(const Tensor& t) {
  int32_t d[4] = {1, 1, 1, 1};
  const ssize_t rank = t.dim();
  for (ssize_t i = 0; i < rank && i < 4; ++i) {
    d[4 - rank + i] = static_cast<int32_t>(t.size(i));
  }
  return tmcu_dims{d[0], d[1], d[2], d[3]};
}

/* The planned scratch of `scratch` (none -> {NULL, 0}). */
inline tmcu_buf scratch_of(const OptionalTensor& scratch) {
  if (!scratch.has_value()) {
    return tmcu_buf{nullptr, 0};
  }
  return tmcu_buf{scratch->mutable_data_ptr(), static_cast<int32_t>(scratch->nbytes())};
}

inline bool fits_int32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* CMSIS-NN's requantization shifts (arm_nn_requantize) lie in [-31, 30]. */
inline bool shifts_in_range(const Tensor& shift) {
  return tmcu_valid_shifts(shift.const_data_ptr<int32_t>(), static_cast<int32_t>(shift.numel())) != 0;
}

/* The checks every convolution adapter shares (int8 NHWC tensors, per-channel
 * requantization, int32 bias, CMSIS-NN offset ranges). Logs and fails the call
 * and returns false on the first violation. The shift range is the kernel's to
 * check (tmcu_valid_quant, on every call anyway): a refused call is explained by
 * convolution_refusal. */
inline bool check_convolution(KernelRuntimeContext& ctx, const char* op, const Tensor& input, const Tensor& weight,
                              const OptionalTensor& bias, const Tensor& multiplier, const Tensor& shift,
                              int64_t input_offset, int64_t output_offset, const Tensor& out) {
  const char* problem = nullptr;
  if (input.dim() != 4 || weight.dim() != 4 || out.dim() != 4) {
    problem = "input, weight and out must be 4-D";
  } else if (!is_dtype(input, ScalarType::Char) || !is_dtype(weight, ScalarType::Char) ||
             !is_dtype(out, ScalarType::Char)) {
    problem = "input, weight and out must be int8";
  } else if (!is_dtype(multiplier, ScalarType::Int) || !is_dtype(shift, ScalarType::Int) ||
             multiplier.numel() != out.size(3) || shift.numel() != out.size(3)) {
    problem = "multiplier and shift must be int32 with one value per output channel";
  } else if (bias.has_value() && (!is_dtype(*bias, ScalarType::Int) || bias->numel() != out.size(3))) {
    problem = "bias must be int32 [C_out]";
  } else if (input_offset < -127 || input_offset > 128 || output_offset < -128 || output_offset > 127) {
    problem = "input_offset must be in [-127, 128] and output_offset in [-128, 127]";
  }
  if (problem != nullptr) {
    TMCU_LOG_ERROR("torchmcu::%s: %s", op, problem);
    ctx.fail(Error::InvalidArgument);
    return false;
  }
  return true;
}

/* Why a convolution kernel refused a call check_convolution let through: the one
 * argument it checks itself, named, or its status. */
inline const char* convolution_refusal(const Tensor& shift, tmcu_status status) {
  return status == TMCU_ERR_ARG && !shifts_in_range(shift) ? "shift values must be in [-31, 30]"
                                                           : tmcu_status_str(status);
}

/* TMCU_CALL of a convolution kernel, explained by convolution_refusal. */
#define TMCU_CALL_CONVOLUTION(ctx, out, op, shift, call) \
  TMCU_CALL_EXPLAINED(ctx, out, op, call,               \
                      [&](tmcu_status status_) { return ::torchmcu::ops::convolution_refusal(shift, status_); })

/* CMSIS-NN's conv parameters from the op's arguments (stride/pad/dilation as [h, w]). */
inline tmcu_conv_params conv_params(IntArrayRef stride, const int32_t pad[4], int32_t dilation_h, int32_t dilation_w,
                                    int64_t input_offset, int64_t output_offset, int64_t activation_min,
                                    int64_t activation_max) {
  return tmcu_conv_params{static_cast<int32_t>(input_offset), static_cast<int32_t>(output_offset),
                          static_cast<int32_t>(stride[0]),   static_cast<int32_t>(stride[1]),
                          pad[0],                            pad[1],
                          dilation_h,                        dilation_w,
                          static_cast<int32_t>(activation_min), static_cast<int32_t>(activation_max)};
}

inline tmcu_quant_params quant_params(const Tensor& multiplier, const Tensor& shift) {
  return tmcu_quant_params{multiplier.const_data_ptr<int32_t>(), shift.const_data_ptr<int32_t>(),
                           static_cast<int32_t>(multiplier.numel())};
}

#if TORCHMCU_BUILD_USES_CMSIS_NN && TORCHMCU_BUILD_ISA == TORCHMCU_ISA_MVE
/*
 * Helium CMSIS-NN firmware has no expansion: the compiler stores compact requantization only for
 * DSP and scalar targets (lowering/linear.py), and the runner refuses a program planned for another
 * ISA before any kernel runs (runner.cpp's record check, tests/runtime/test_record.py), so no
 * program that reaches this adapter carries it. Keeping it cost AD on the M55 321 B of code and
 * about 44 instructions a linear call (docs/benchmarks.md). Portable firmware on a Helium core runs
 * programs planned for any core, so it keeps the expansion, as the host does.
 */
inline const char* expand_quant_params(const Tensor& multiplier, const Tensor& shift, tmcu_buf /*scratch*/,
                                       tmcu_quant_params* quant) {
  if (is_dtype(multiplier, ScalarType::Int) && is_dtype(shift, ScalarType::Int) &&
      shift.numel() == multiplier.numel()) {
    *quant = quant_params(multiplier, shift);
    return nullptr;
  }
  if (is_dtype(multiplier, ScalarType::Short) || shift.numel() == 1) {
    return "compact (int16) requantization is for DSP and scalar targets; compile the program for this CPU";
  }
  return "multiplier and shift must be int32, one shift per multiplier";
}
#else
/*
 * The two loops of expand_quant_params, run on every call of a compact layer: blocks of four, no
 * per-element checks, about 3.5 and 1.5 instructions a channel in an -Os Cortex-M4 build, which the
 * ratio to direct CMSIS-NN calls must absorb (docs/memory.md). out[i] = q[i] << 16, out[i] = value.
 * The compiler emits compact requantization for DSP and scalar targets only (lowering/linear.py).
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "expand_q15 reads two int16 channels per 32-bit word, the lower channel in the low half"
#endif
inline void expand_q15(const int16_t* q, int32_t count, int32_t* out) {
  const int16_t* const end = q + count;
  for (const int16_t* const blocks_end = q + (count & ~3); q != blocks_end; q += 4, out += 4) {
    uint32_t low, high;  // two channels each: shifting the word up keeps the lower, masking it the upper
    memcpy(&low, q, sizeof(low));
    memcpy(&high, q + 2, sizeof(high));
    out[0] = static_cast<int32_t>(low << 16);
    out[1] = static_cast<int32_t>(low & 0xFFFF0000u);
    out[2] = static_cast<int32_t>(high << 16);
    out[3] = static_cast<int32_t>(high & 0xFFFF0000u);
  }
  for (; q != end; ++q, ++out) {
    *out = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint16_t>(*q)) << 16);
  }
}

inline void fill_int32(int32_t value, int32_t count, int32_t* out) {
  int32_t* const end = out + count;
  for (int32_t* const blocks_end = out + (count & ~3); out != blocks_end; out += 4) {
    out[0] = value;
    out[1] = value;
    out[2] = value;
    out[3] = value;
  }
  for (; out != end; ++out) {
    *out = value;
  }
}

/*
 * Requantization as CMSIS-NN's per-channel kernels read it, an int32 multiplier and shift per
 * channel, from a compact one: Q15 multipliers (int16, the high half: q << 16) and one shift for
 * every channel are written out into `scratch` just before the call, multipliers first. The host
 * sizes the scratch for exactly that (torchmcu.ops._common.requantization_scratch_bytes). Returns
 * the problem, or nullptr with `quant` filled.
 */
inline const char* expand_quant_params(const Tensor& multiplier, const Tensor& shift, tmcu_buf scratch,
                                       tmcu_quant_params* quant) {
  const int32_t channels = static_cast<int32_t>(multiplier.numel());
  const bool q15 = is_dtype(multiplier, ScalarType::Short);
  const bool one_shift = shift.numel() == 1 && channels > 1;
  if (!(q15 || is_dtype(multiplier, ScalarType::Int)) || !is_dtype(shift, ScalarType::Int) ||
      (!one_shift && shift.numel() != channels)) {
    return "multiplier must be int32 or int16 (Q15) and shift int32, one value or one per multiplier";
  }
  if (scratch.size != 4 * channels * (int32_t{q15} + int32_t{one_shift})) {
    return "scratch does not hold the expanded multipliers and shifts";
  }
  int32_t* expanded = static_cast<int32_t*>(scratch.data);
  quant->count = channels;
  if (q15) {
    expand_q15(multiplier.const_data_ptr<int16_t>(), channels, expanded);
    quant->multiplier = expanded;
    expanded += channels;
  } else {
    quant->multiplier = multiplier.const_data_ptr<int32_t>();
  }
  quant->shift = shift.const_data_ptr<int32_t>();
  if (one_shift) {
    fill_int32(*quant->shift, channels, expanded);
    quant->shift = expanded;
  }
  return nullptr;
}
#endif

/* [top, left, bottom, right] from the op's 2- or 4-value padding. */
inline bool spatial_padding(IntArrayRef padding, int32_t out[4]) {
  if (padding.size() == 2) {
    out[0] = out[2] = static_cast<int32_t>(padding[0]);
    out[1] = out[3] = static_cast<int32_t>(padding[1]);
    return padding[0] >= 0 && padding[1] >= 0;
  }
  if (padding.size() == 4) {
    for (size_t i = 0; i < 4; ++i) {
      out[i] = static_cast<int32_t>(padding[i]);
      if (padding[i] < 0) {
        return false;
      }
    }
    return true;
  }
  return false;
}

}  // namespace ops
}  // namespace torchmcu

#include "op_register.h"

#endif /* TORCHMCU_OPS_OP_UTIL_H_ */
