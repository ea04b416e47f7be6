/* torchmcu::prelu.out -> tmcu_prelu_s8 (a slope per channel, channels last; kernels/nn/common/prelu.c). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& prelu_out(KernelRuntimeContext& ctx, const Tensor& input, const Tensor& negative_multiplier,
                  const Tensor& negative_shift, int64_t input_offset, int64_t output_offset,
                  int64_t positive_multiplier, int64_t positive_shift, Tensor& out) {
  constexpr const char* op = "prelu";
  TMCU_CHECK(ctx, input.dim() >= 1 && input.numel() == out.numel() && is_dtype(input, ScalarType::Char) &&
                      is_dtype(out, ScalarType::Char), out, op, "input and out must be int8 of the same size");
  const int64_t channels = input.size(input.dim() - 1);
  TMCU_CHECK(ctx, is_dtype(negative_multiplier, ScalarType::Int) && is_dtype(negative_shift, ScalarType::Int) &&
                      negative_multiplier.numel() == channels && negative_shift.numel() == channels, out, op,
             "negative_multiplier and negative_shift must be int32 with one value per channel (%ld)",
             log_long(channels));
  TMCU_CHECK(ctx, fits_int32(input_offset) && fits_int32(output_offset) && fits_int32(positive_multiplier) &&
                      fits_int32(positive_shift), out, op, "offsets, positive multiplier and shift must fit int32");
  TMCU_CALL(ctx, out, op,
            tmcu_prelu_s8(input.const_data_ptr<int8_t>(), static_cast<int32_t>(input.numel() / channels),
                          static_cast<int32_t>(channels), negative_multiplier.const_data_ptr<int32_t>(),
                          negative_shift.const_data_ptr<int32_t>(), static_cast<int32_t>(input_offset),
                          static_cast<int32_t>(output_offset), static_cast<int32_t>(positive_multiplier),
                          static_cast<int32_t>(positive_shift), out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(prelu, torchmcu::ops::prelu_out)
