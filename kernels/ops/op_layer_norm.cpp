/* torchmcu::layer_norm.out -> tmcu_layer_norm_s8 (LayerNorm / RMSNorm over the last dim). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& layer_norm_out(KernelRuntimeContext& ctx, const Tensor& input, const Tensor& multiplier, const Tensor& shift,
                       const Tensor& bias, int64_t input_offset, int64_t output_offset, int64_t epsilon,
                       int64_t centered, Tensor& out) {
  constexpr const char* op = "layer_norm";
  TMCU_CHECK(ctx, input.dim() >= 1 && input.numel() == out.numel() && is_dtype(input, ScalarType::Char) &&
                      is_dtype(out, ScalarType::Char), out, op, "input and out must be int8 of the same size");
  const int64_t row_size = input.size(input.dim() - 1);
  TMCU_CHECK(ctx, is_dtype(multiplier, ScalarType::Int) && is_dtype(shift, ScalarType::Int) &&
                      is_dtype(bias, ScalarType::Int) && multiplier.numel() == row_size &&
                      shift.numel() == row_size && bias.numel() == row_size, out, op,
             "multiplier, shift and bias must be int32 with one value per element of the last dim (%ld)",
             log_long(row_size));
  TMCU_CHECK(ctx, fits_int32(input_offset) && fits_int32(output_offset) && (centered == 0 || centered == 1), out,
             op, "offsets must fit int32 and centered be 0 or 1");
  TMCU_CALL(ctx, out, op,
            tmcu_layer_norm_s8(input.const_data_ptr<int8_t>(), static_cast<int32_t>(input.numel() / row_size),
                               static_cast<int32_t>(row_size), multiplier.const_data_ptr<int32_t>(),
                               shift.const_data_ptr<int32_t>(), bias.const_data_ptr<int32_t>(),
                               static_cast<int32_t>(input_offset), static_cast<int32_t>(output_offset), epsilon,
                               static_cast<int32_t>(centered), out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(layer_norm, torchmcu::ops::layer_norm_out)
