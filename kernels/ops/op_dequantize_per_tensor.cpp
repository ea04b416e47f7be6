/* torchmcu::dequantize_per_tensor.out -> tmcu_dequantize_s8_f32 (model output boundary). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& dequantize_per_tensor_out(KernelRuntimeContext& ctx, const Tensor& input, double scale, int64_t zero_point,
                                  Tensor& out) {
  constexpr const char* op = "dequantize_per_tensor";
  TMCU_CHECK(ctx, is_dtype(input, ScalarType::Char) && is_dtype(out, ScalarType::Float) &&
                      input.numel() == out.numel(), out, op, "int8 input and float32 out of the same size");
  TMCU_CHECK(ctx, zero_point >= -128 && zero_point <= 127, out, op, "zero point %ld not in [-128, 127]", log_long(zero_point));
  TMCU_CALL(ctx, out, op,
            tmcu_dequantize_s8_f32(input.const_data_ptr<int8_t>(), static_cast<int32_t>(input.numel()),
                                   static_cast<float>(scale), static_cast<int32_t>(zero_point),
                                   out.mutable_data_ptr<float>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(dequantize_per_tensor, torchmcu::ops::dequantize_per_tensor_out)
