/* torchmcu::log_softmax.out -> tmcu_log_softmax_s8 over the last dim. */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& log_softmax_out(KernelRuntimeContext& ctx, const Tensor& input, const Tensor& exp_table,
                        const Tensor& log2_table, int64_t input_steps, int64_t output_offset, int64_t multiplier,
                        int64_t shift, Tensor& out) {
  constexpr const char* op = "log_softmax";
  TMCU_CHECK(ctx, input.dim() >= 1 && input.numel() == out.numel() && is_dtype(input, ScalarType::Char) &&
                      is_dtype(out, ScalarType::Char), out, op, "input and out must be int8 of the same size");
  TMCU_CHECK(ctx, is_dtype(exp_table, ScalarType::Int) && exp_table.numel() == 256 &&
                      is_dtype(log2_table, ScalarType::Int) && log2_table.numel() == 257, out, op,
             "exp_table must be int32 [256] and log2_table int32 [257]");
  TMCU_CHECK(ctx, fits_int32(input_steps) && fits_int32(output_offset) && fits_int32(multiplier) &&
                      fits_int32(shift), out, op, "input_steps, output_offset, multiplier and shift must fit int32");
  const int32_t row_size = static_cast<int32_t>(input.size(input.dim() - 1));
  TMCU_CALL(ctx, out, op,
            tmcu_log_softmax_s8(input.const_data_ptr<int8_t>(), static_cast<int32_t>(input.numel() / row_size),
                                row_size, exp_table.const_data_ptr<int32_t>(), log2_table.const_data_ptr<int32_t>(),
                                static_cast<int32_t>(input_steps), static_cast<int32_t>(output_offset),
                                static_cast<int32_t>(multiplier), static_cast<int32_t>(shift),
                                out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(log_softmax, torchmcu::ops::log_softmax_out)
