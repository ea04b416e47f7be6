/* torchmcu::lut.out -> tmcu_lut_s8 (activation tables computed on the host). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& lut_out(KernelRuntimeContext& ctx, const Tensor& input, const Tensor& table, Tensor& out) {
  constexpr const char* op = "lut";
  TMCU_CHECK(ctx, is_dtype(input, ScalarType::Char) && is_dtype(out, ScalarType::Char) &&
                      input.numel() == out.numel(), out, op, "int8 input and out of the same size");
  TMCU_CHECK(ctx, is_dtype(table, ScalarType::Char) && table.numel() == 256, out, op,
             "table must be int8 [256], got %d entries", (int)table.numel());
  TMCU_CALL(ctx, out, op,
            tmcu_lut_s8(input.const_data_ptr<int8_t>(), static_cast<int32_t>(input.numel()),
                        table.const_data_ptr<int8_t>(), out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(lut, torchmcu::ops::lut_out)
