/* torchmcu::linear.out -> tmcu_linear_s8 (arm_fully_connected_s8 / _per_channel_s8). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& linear_out(KernelRuntimeContext& ctx, const Tensor& input, const Tensor& weight, const OptionalTensor& bias,
                   const OptionalTensor& kernel_sum, int64_t input_offset, int64_t output_offset,
                   const Tensor& multiplier, const Tensor& shift, int64_t activation_min, int64_t activation_max,
                   const OptionalTensor& scratch, Tensor& out) {
  constexpr const char* op = "linear";
  TMCU_CHECK(ctx, weight.dim() == 2 && input.dim() >= 1 && out.dim() == input.dim(), out, op,
             "weight must be 2-D [out, in] and out the rank of input");
  TMCU_CHECK(ctx, is_dtype(input, ScalarType::Char) && is_dtype(weight, ScalarType::Char) &&
                      is_dtype(out, ScalarType::Char), out, op, "input, weight and out must be int8");
  const int64_t in_features = weight.size(1), out_features = weight.size(0);
  TMCU_CHECK(ctx, input.size(input.dim() - 1) == in_features && out.size(out.dim() - 1) == out_features, out, op,
             "input features %d / output features %d do not match weight [%d, %d]",
             (int)input.size(input.dim() - 1), (int)out.size(out.dim() - 1), (int)out_features, (int)in_features);
  TMCU_CHECK(ctx, multiplier.numel() == 1 || multiplier.numel() == out_features, out, op,
             "multiplier must have 1 or %d values", (int)out_features);
  tmcu_quant_params quant;
  const char* problem = expand_quant_params(multiplier, shift, scratch_of(scratch), &quant);
  TMCU_CHECK(ctx, problem == nullptr, out, op, "%s", problem);
  TMCU_CHECK(ctx, !bias.has_value() || (is_dtype(*bias, ScalarType::Int) && bias->numel() == out_features), out, op,
             "bias must be int32 [out_features]");
  TMCU_CHECK(ctx, !kernel_sum.has_value() || (is_dtype(*kernel_sum, ScalarType::Int) &&
                                              kernel_sum->numel() == out_features), out, op,
             "kernel_sum must be int32 [out_features]");
  TMCU_CHECK(ctx, input_offset >= -127 && input_offset <= 128 && output_offset >= -128 && output_offset <= 127, out,
             op, "input_offset %d or output_offset %d out of range", (int)input_offset, (int)output_offset);
  /* The rows as the product of the leading dims: numel() / in_features would be a 64-bit division, a library
   * call on Cortex-M (some 55 instructions on each call). */
  int64_t batches = 1;
  for (ssize_t d = 0; d + 1 < input.dim(); ++d) {
    batches *= input.size(d);
  }
  TMCU_CALL(ctx, out, op,
            tmcu_linear_s8(static_cast<int32_t>(input_offset), static_cast<int32_t>(output_offset),
                           static_cast<int32_t>(activation_min), static_cast<int32_t>(activation_max), &quant,
                           static_cast<int32_t>(batches), static_cast<int32_t>(in_features),
                           input.const_data_ptr<int8_t>(), static_cast<int32_t>(out_features),
                           weight.const_data_ptr<int8_t>(), bias.has_value() ? bias->const_data_ptr<int32_t>() : nullptr,
                           kernel_sum.has_value() ? kernel_sum->const_data_ptr<int32_t>() : nullptr,
                           out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(linear, torchmcu::ops::linear_out)
