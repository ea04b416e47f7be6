/* torchmcu::softmax.out -> tmcu_softmax_s8 (arm_softmax_s8) over the last dim. */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& softmax_out(KernelRuntimeContext& ctx, const Tensor& input, int64_t multiplier, int64_t shift,
                    int64_t diff_min, Tensor& out) {
  constexpr const char* op = "softmax";
  TMCU_CHECK(ctx, input.dim() >= 1 && input.numel() == out.numel() && is_dtype(input, ScalarType::Char) &&
                      is_dtype(out, ScalarType::Char), out, op, "input and out must be int8 of the same size");
  TMCU_CHECK(ctx, fits_int32(multiplier) && fits_int32(diff_min) && shift >= 0 && shift <= 30, out, op,
             "multiplier %ld / shift %ld / diff_min %ld out of range", log_long(multiplier), log_long(shift),
             log_long(diff_min));
  const int32_t row_size = static_cast<int32_t>(input.size(input.dim() - 1));
  TMCU_CALL(ctx, out, op,
            tmcu_softmax_s8(input.const_data_ptr<int8_t>(), static_cast<int32_t>(input.numel() / row_size), row_size,
                            static_cast<int32_t>(multiplier), static_cast<int32_t>(shift),
                            static_cast<int32_t>(diff_min), out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(softmax, torchmcu::ops::softmax_out)
