/* torchmcu::mul.out -> tmcu_mul_s8 (arm_elementwise_mul_s8 over broadcast runs). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& mul_out(KernelRuntimeContext& ctx, const Tensor& input1, const Tensor& input2, int64_t input1_offset,
                int64_t input2_offset, int64_t output_offset, int64_t output_multiplier, int64_t output_shift,
                int64_t activation_min, int64_t activation_max, Tensor& out) {
  constexpr const char* op = "mul";
  TMCU_CHECK(ctx, input1.dim() <= 4 && input2.dim() <= 4 && out.dim() <= 4, out, op, "rank above 4");
  TMCU_CHECK(ctx, is_dtype(input1, ScalarType::Char) && is_dtype(input2, ScalarType::Char) &&
                      is_dtype(out, ScalarType::Char), out, op, "inputs and out must be int8");
  TMCU_CHECK(ctx, fits_int32(output_multiplier), out, op, "multiplier out of int32 range");
  TMCU_CHECK(ctx, input1_offset >= -128 && input1_offset <= 128 && input2_offset >= -128 && input2_offset <= 128 &&
                      output_offset >= -128 && output_offset <= 127, out, op, "offsets out of range");
  const tmcu_mul_params params = {static_cast<int32_t>(input1_offset), static_cast<int32_t>(input2_offset),
                                  static_cast<int32_t>(output_offset), static_cast<int32_t>(output_multiplier),
                                  static_cast<int32_t>(output_shift), static_cast<int32_t>(activation_min),
                                  static_cast<int32_t>(activation_max)};
  const tmcu_dims d1 = dims_of(input1), d2 = dims_of(input2), d_out = dims_of(out);
  TMCU_CALL(ctx, out, op,
            tmcu_mul_s8(&params, &d1, input1.const_data_ptr<int8_t>(), &d2, input2.const_data_ptr<int8_t>(), &d_out,
                        out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(mul, torchmcu::ops::mul_out)
