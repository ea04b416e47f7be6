/* torchmcu::reduce_sum.out -> tmcu_reduce_sum_s8 (mean and sum over any axes). */
#include "op_reduce_util.h"

namespace torchmcu {
namespace ops {

Tensor& reduce_sum_out(KernelRuntimeContext& ctx, const Tensor& input, IntArrayRef dims, int64_t input_offset,
                       int64_t output_offset, int64_t multiplier, int64_t shift, Tensor& out) {
  constexpr const char* op = "reduce_sum";
  TMCU_CHECK(ctx, is_dtype(input, ScalarType::Char) && is_dtype(out, ScalarType::Char), out, op,
             "input and out must be int8");
  const int32_t axes = reduced_axes(input, dims, out);
  TMCU_CHECK(ctx, axes >= 0, out, op, "dims must name axes of a rank 1..4 input, out its shape with those set to 1");
  TMCU_CHECK(ctx, fits_int32(input_offset) && fits_int32(output_offset) && fits_int32(multiplier) &&
                      fits_int32(shift), out, op, "offsets, multiplier and shift must fit int32");
  const tmcu_dims input_dims = dims_of(input);
  TMCU_CALL(ctx, out, op,
            tmcu_reduce_sum_s8(&input_dims, axes, input.const_data_ptr<int8_t>(), static_cast<int32_t>(input_offset),
                               static_cast<int32_t>(output_offset), static_cast<int32_t>(multiplier),
                               static_cast<int32_t>(shift), out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(reduce_sum, torchmcu::ops::reduce_sum_out)
