/* torchmcu::quantize_per_tensor_nhwc.out -> tmcu_quantize_f32_s8_nhwc (model input boundary, NCHW float in,
 * NHWC int8 out: the input quantize with its layout transpose folded in). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& quantize_per_tensor_nhwc_out(KernelRuntimeContext& ctx, const Tensor& input, double scale, int64_t zero_point,
                                     Tensor& out) {
  constexpr const char* op = "quantize_per_tensor_nhwc";
  TMCU_CHECK(ctx, is_dtype(input, ScalarType::Float) && is_dtype(out, ScalarType::Char) && input.dim() == 4 &&
                      out.dim() == 4 && out.size(0) == input.size(0) && out.size(1) == input.size(2) &&
                      out.size(2) == input.size(3) && out.size(3) == input.size(1),
             out, op, "float32 NCHW input and int8 out of its NHWC shape");
  TMCU_CHECK(ctx, scale > 0.0 && zero_point >= -128 && zero_point <= 127, out, op,
             "scale must be > 0 and zero point in [-128, 127] (zero point %ld)", log_long(zero_point));
  TMCU_CALL(ctx, out, op,
            tmcu_quantize_f32_s8_nhwc(input.const_data_ptr<float>(), static_cast<int32_t>(input.size(0)),
                                      static_cast<int32_t>(input.size(1)),
                                      static_cast<int32_t>(input.size(2) * input.size(3)), static_cast<float>(scale),
                                      static_cast<int32_t>(zero_point), out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(quantize_per_tensor_nhwc, torchmcu::ops::quantize_per_tensor_nhwc_out)
