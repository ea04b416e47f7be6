/* torchmcu::quantize_per_tensor.out -> tmcu_quantize_f32_s8 (model input boundary). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& quantize_per_tensor_out(KernelRuntimeContext& ctx, const Tensor& input, double scale, int64_t zero_point,
                                Tensor& out) {
  constexpr const char* op = "quantize_per_tensor";
  TMCU_CHECK(ctx, is_dtype(input, ScalarType::Float) && is_dtype(out, ScalarType::Char) &&
                      input.numel() == out.numel(), out, op, "float32 input and int8 out of the same size");
  TMCU_CHECK(ctx, scale > 0.0 && zero_point >= -128 && zero_point <= 127, out, op, "scale must be > 0 and zero point in [-128, 127] (zero point %ld)",
             log_long(zero_point));
  TMCU_CALL(ctx, out, op,
            tmcu_quantize_f32_s8(input.const_data_ptr<float>(), static_cast<int32_t>(input.numel()),
                                 static_cast<float>(scale), static_cast<int32_t>(zero_point),
                                 out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(quantize_per_tensor, torchmcu::ops::quantize_per_tensor_out)
