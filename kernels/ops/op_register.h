/*
 * The checked boxing every adapter registers through (TMCU_REGISTER_KERNEL):
 * one pass checks that every argument on ExecuTorch's stack is of its
 * parameter's kind and every tensor has an element, then the values go to the
 * unboxed kernel without a second check of their kind. Included by op_util.h.
 */
#ifndef TORCHMCU_OPS_OP_REGISTER_H_
#define TORCHMCU_OPS_OP_REGISTER_H_

#include <stddef.h>

#include <utility>

namespace torchmcu {
namespace ops {

/* Index of the first empty (zero-element) tensor on a kernel's stack, or -1. */
inline int first_empty_tensor(executorch::runtime::Span<executorch::runtime::EValue*> stack) {
  for (size_t i = 0; i < stack.size(); ++i) {
    if (stack[i]->isTensor() && stack[i]->toTensor().numel() == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

/*
 * What an EValue must hold for an unboxed kernel parameter of type T:
 *   check(v)  of the parameter's kind;
 *   ready(v)  of its kind and, for a tensor, with at least one element (the kernels' precondition);
 *   get(v)    the value, its kind already checked by ready() (no second tag check per call).
 */
template <typename T>
struct EValueHolds;
template <>
struct EValueHolds<const Tensor&> {
  static bool check(const executorch::runtime::EValue& v) { return v.isTensor(); }
  static bool ready(const executorch::runtime::EValue& v) { return v.isTensor() && v.payload.as_tensor.numel() != 0; }
  static const Tensor& get(executorch::runtime::EValue& v) { return v.payload.as_tensor; }
};
template <>
struct EValueHolds<Tensor&> {
  static bool check(const executorch::runtime::EValue& v) { return v.isTensor(); }
  static bool ready(const executorch::runtime::EValue& v) { return EValueHolds<const Tensor&>::ready(v); }
  static Tensor& get(executorch::runtime::EValue& v) { return v.payload.as_tensor; }
};
template <>
struct EValueHolds<const OptionalTensor&> {
  static bool check(const executorch::runtime::EValue& v) { return v.isNone() || v.isTensor(); }
  static bool ready(const executorch::runtime::EValue& v) { return v.isNone() || EValueHolds<const Tensor&>::ready(v); }
  static OptionalTensor get(executorch::runtime::EValue& v) {
    return v.isNone() ? OptionalTensor() : OptionalTensor(v.payload.as_tensor);
  }
};
template <>
struct EValueHolds<int64_t> {
  static bool check(const executorch::runtime::EValue& v) { return v.isInt(); }
  static bool ready(const executorch::runtime::EValue& v) { return v.isInt(); }
  static int64_t get(executorch::runtime::EValue& v) { return v.payload.copyable_union.as_int; }
};
template <>
struct EValueHolds<double> {
  static bool check(const executorch::runtime::EValue& v) { return v.isDouble(); }
  static bool ready(const executorch::runtime::EValue& v) { return v.isDouble(); }
  static double get(executorch::runtime::EValue& v) { return v.payload.copyable_union.as_double; }
};
template <>
struct EValueHolds<TensorList> {
  static bool check(const executorch::runtime::EValue& v) { return v.isTensorList(); }
  static bool ready(const executorch::runtime::EValue& v) { return v.isTensorList(); }
  static TensorList get(executorch::runtime::EValue& v) { return v.toTensorList(); }
};
template <>
struct EValueHolds<IntArrayRef> {
  /* tryToIntList checks every element's tag too (toIntList would abort on a non-int). */
  static bool check(const executorch::runtime::EValue& v) { return v.tryToIntList().ok(); }
  static bool ready(const executorch::runtime::EValue& v) { return check(v); }
  static IntArrayRef get(executorch::runtime::EValue& v) { return v.toIntList(); }
};

template <typename F>
struct KernelArguments;
template <typename... Args>
struct KernelArguments<Tensor& (*)(KernelRuntimeContext&, Args...)> {
  /* The stack has one EValue per parameter, each of the parameter's kind, plus
   * the returned tensor (the out argument again). */
  static bool match(executorch::runtime::Span<executorch::runtime::EValue*> stack) {
    return every_argument_holds<false>(stack);
  }

  /* match() and no empty tensor on the stack, in one pass: the per-call check. A call that fails it is
   * diagnosed again by match() and first_empty_tensor(), which name the problem. */
  static bool ready(executorch::runtime::Span<executorch::runtime::EValue*> stack) {
    return every_argument_holds<true>(stack);
  }

  /* Calls `func` with the stack's values, once ready() has passed. */
  template <Tensor& (*func)(KernelRuntimeContext&, Args...)>
  static void call(KernelRuntimeContext& ctx, executorch::runtime::Span<executorch::runtime::EValue*> stack) {
    call_with<func>(ctx, stack, std::index_sequence_for<Args...>{});
  }

 private:
  /* Each parameter's EValue is of its kind (and, with NonEmpty, no tensor is empty), the out tensor last. */
  template <bool NonEmpty>
  static bool every_argument_holds(executorch::runtime::Span<executorch::runtime::EValue*> stack) {
    if (stack.size() != sizeof...(Args) + 1) {
      return false;
    }
    size_t i = 0;
    bool ok = true;
    ((ok = ok && stack[i] != nullptr && holds<Args, NonEmpty>(*stack[i]), ++i), ...);
    return ok && stack[i] != nullptr && holds<Tensor&, NonEmpty>(*stack[i]);
  }

  template <typename T, bool NonEmpty>
  static bool holds(const executorch::runtime::EValue& v) {
    if constexpr (NonEmpty) {
      return EValueHolds<T>::ready(v);
    } else {
      return EValueHolds<T>::check(v);
    }
  }

  template <Tensor& (*func)(KernelRuntimeContext&, Args...), size_t... I>
  static void call_with(KernelRuntimeContext& ctx, executorch::runtime::Span<executorch::runtime::EValue*> stack,
                        std::index_sequence<I...>) {
    func(ctx, EValueHolds<Args>::get(*stack[I])...);
  }
};

}  // namespace ops
}  // namespace torchmcu

/*
 * Registers `func` as torchmcu::<op>.out behind a type check of every argument,
 * when the firmware's kernel selection includes `op` (nn/common/selection.h);
 * otherwise nothing refers to `func` and the linker drops it.
 * ExecuTorch's own unboxing aborts (ET_CHECK) on a mistyped argument, which a
 * corrupted program can produce; here the call fails with InvalidProgram instead.
 * The kinds and the non-empty tensors are checked in one pass, and the values
 * are then read without checking their kind again (this runs on every call).
 */
#define TMCU_REGISTER_KERNEL(op, func)                                                                        \
  namespace {                                                                                                 \
  constexpr const char kTorchmcuKernelName[] = "torchmcu::" #op ".out";                                       \
  using TorchmcuArguments = ::torchmcu::ops::KernelArguments<decltype(&func)>;                                \
  void torchmcu_refuse_call(::executorch::runtime::KernelRuntimeContext& ctx,                                 \
                            ::executorch::runtime::Span<::executorch::runtime::EValue*> stack) {              \
    if (!TorchmcuArguments::match(stack)) {                                                                   \
      TMCU_LOG_ERROR("%s: arguments do not match its schema (corrupted program?)", kTorchmcuKernelName);      \
      ctx.fail(::executorch::runtime::Error::InvalidProgram);                                                 \
      return;                                                                                                 \
    }                                                                                                         \
    TMCU_LOG_ERROR("%s: argument %d is an empty tensor (a dimension of size 0); torchmcu kernels need at "      \
           "least one element", kTorchmcuKernelName, ::torchmcu::ops::first_empty_tensor(stack));             \
    ctx.fail(::executorch::runtime::Error::InvalidArgument);                                                  \
  }                                                                                                           \
  void torchmcu_checked_kernel(::executorch::runtime::KernelRuntimeContext& ctx,                              \
                               ::executorch::runtime::Span<::executorch::runtime::EValue*> stack) {           \
    if (!TorchmcuArguments::ready(stack)) {                                                                   \
      torchmcu_refuse_call(ctx, stack);                                                                       \
      return;                                                                                                 \
    }                                                                                                         \
    ::executorch::runtime::internal::EventTracerProfileOpScope event_tracer_op_scope(                         \
        ctx.internal_event_tracer(), kTorchmcuKernelName);                                                    \
    EXECUTORCH_SCOPE_PROF(kTorchmcuKernelName);                                                               \
    TorchmcuArguments::call<func>(ctx, stack);                                                                \
    ::executorch::runtime::internal::event_tracer_log_evalue(ctx.internal_event_tracer(),                     \
                                                             *stack[stack.size() - 2]);                        \
  }                                                                                                           \
  const auto torchmcu_kernel_registration = [] {                                                              \
    if constexpr (TMCU_KERNEL_SELECTED(op)) {                                                                 \
      return ::executorch::runtime::register_kernel(                                                          \
          ::executorch::runtime::Kernel(kTorchmcuKernelName, torchmcu_checked_kernel));                      \
    } else {                                                                                                  \
      return ::executorch::runtime::Error::Ok;                                                                \
    }                                                                                                         \
  }();                                                                                                        \
  }

#endif /* TORCHMCU_OPS_OP_REGISTER_H_ */
