/* torchmcu::batch_matmul.out -> tmcu_batch_matmul_s8 (arm_batch_matmul_s8). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& batch_matmul_out(KernelRuntimeContext& ctx, const Tensor& lhs, const Tensor& rhs, int64_t lhs_offset,
                         int64_t rhs_offset, int64_t output_offset, int64_t multiplier, int64_t shift,
                         int64_t activation_min, int64_t activation_max, const OptionalTensor& scratch, Tensor& out) {
  constexpr const char* op = "batch_matmul";
  TMCU_CHECK(ctx, lhs.dim() >= 2 && lhs.dim() <= 4 && rhs.dim() >= 2 && rhs.dim() <= 4 && out.dim() >= 2 &&
                      out.dim() <= 4, out, op, "lhs, rhs and out must be 2-D to 4-D");
  TMCU_CHECK(ctx, is_dtype(lhs, ScalarType::Char) && is_dtype(rhs, ScalarType::Char) && is_dtype(out, ScalarType::Char),
             out, op, "lhs, rhs and out must be int8");
  TMCU_CHECK(ctx, fits_int32(multiplier) && shift >= -31 && shift <= 30, out, op, "multiplier %ld or shift %ld out of range",
             log_long(multiplier), log_long(shift));
  TMCU_CHECK(ctx, lhs_offset >= -127 && lhs_offset <= 128 && rhs_offset >= -127 && rhs_offset <= 128 &&
                      output_offset >= -128 && output_offset <= 127, out, op, "offsets out of range");
  const tmcu_bmm_params params = {static_cast<int32_t>(lhs_offset), static_cast<int32_t>(rhs_offset),
                                  static_cast<int32_t>(output_offset), static_cast<int32_t>(multiplier),
                                  static_cast<int32_t>(shift), static_cast<int32_t>(activation_min),
                                  static_cast<int32_t>(activation_max)};
  const tmcu_dims lhs_dims = dims_of(lhs), rhs_dims = dims_of(rhs), output_dims = dims_of(out);
  const tmcu_buf buffer = scratch_of(scratch);
  TMCU_ASSERT_SCRATCH(ctx, out, op, "scratch", tmcu_batch_matmul_s8_scratch_needed(&output_dims),
                      buffer.size);
  TMCU_CALL(ctx, out, op,
            tmcu_batch_matmul_s8(&params, &lhs_dims, lhs.const_data_ptr<int8_t>(), &rhs_dims,
                                 rhs.const_data_ptr<int8_t>(), &output_dims, out.mutable_data_ptr<int8_t>(), buffer));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(batch_matmul, torchmcu::ops::batch_matmul_out)
