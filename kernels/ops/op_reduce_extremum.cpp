/* torchmcu::reduce_extremum.out -> tmcu_reduce_extremum_s8 (amax / amin over any axes). */
#include "op_reduce_util.h"

namespace torchmcu {
namespace ops {

Tensor& reduce_extremum_out(KernelRuntimeContext& ctx, const Tensor& input, IntArrayRef dims, int64_t largest,
                            Tensor& out) {
  constexpr const char* op = "reduce_extremum";
  TMCU_CHECK(ctx, is_dtype(input, ScalarType::Char) && is_dtype(out, ScalarType::Char), out, op,
             "input and out must be int8");
  const int32_t axes = reduced_axes(input, dims, out);
  TMCU_CHECK(ctx, axes >= 0, out, op, "dims must name axes of a rank 1..4 input, out its shape with those set to 1");
  TMCU_CHECK(ctx, largest == 0 || largest == 1, out, op, "largest must be 0 or 1, got %ld", log_long(largest));
  const tmcu_dims input_dims = dims_of(input);
  TMCU_CALL(ctx, out, op,
            tmcu_reduce_extremum_s8(&input_dims, axes, static_cast<int32_t>(largest), input.const_data_ptr<int8_t>(),
                                    out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(reduce_extremum, torchmcu::ops::reduce_extremum_out)
