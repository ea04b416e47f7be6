/* torchmcu::adaptive_pool2d.out -> tmcu_adaptive_pool2d_s8 (kernels/nn/common/adaptive_pool2d.c). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& adaptive_pool2d_out(KernelRuntimeContext& ctx, const Tensor& input, IntArrayRef output_size, int64_t average,
                            Tensor& out) {
  constexpr const char* op = "adaptive_pool2d";
  TMCU_CHECK(ctx, input.dim() == 4 && out.dim() == 4 && is_dtype(input, ScalarType::Char) &&
                      is_dtype(out, ScalarType::Char), out, op, "input and out must be 4-D int8 (NHWC)");
  TMCU_CHECK(ctx, output_size.size() == 2 && output_size[0] == out.size(1) && output_size[1] == out.size(2), out, op,
             "output_size must be out's [H, W]");
  TMCU_CHECK(ctx, average == 0 || average == 1, out, op, "average must be 0 or 1, got %ld", log_long(average));
  const tmcu_dims input_dims = dims_of(input), output_dims = dims_of(out);
  TMCU_CALL(ctx, out, op,
            tmcu_adaptive_pool2d_s8(&input_dims, input.const_data_ptr<int8_t>(), static_cast<int32_t>(average),
                                    &output_dims, out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(adaptive_pool2d, torchmcu::ops::adaptive_pool2d_out)
