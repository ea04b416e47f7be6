/* torchmcu::avg_pool2d.out -> tmcu_avg_pool2d_s8 (arm_avgpool_s8). */
#include "op_pooling_util.h"

namespace torchmcu {
namespace ops {

Tensor& avg_pool2d_out(KernelRuntimeContext& ctx, const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                       IntArrayRef padding, int64_t activation_min, int64_t activation_max,
                       const OptionalTensor& scratch, Tensor& out) {
  constexpr const char* op = "avg_pool2d";
  tmcu_pool_params params;
  TMCU_CHECK(ctx, pool_params(input, out, kernel_size, stride, padding, activation_min, activation_max, &params), out,
             op, "input/out must be 4-D int8; kernel_size and stride 2 values; padding 2 or 4 non-negative values");
  const tmcu_dims input_dims = dims_of(input), output_dims = dims_of(out);
  const tmcu_buf buffer = scratch_of(scratch);
  TMCU_ASSERT_SCRATCH(ctx, out, op, "scratch",
                      tmcu_avg_pool2d_s8_scratch_needed(output_dims.w, output_dims.c), buffer.size);
  TMCU_CALL(ctx, out, op,
            tmcu_avg_pool2d_s8(&params, &input_dims, input.const_data_ptr<int8_t>(), &output_dims,
                               out.mutable_data_ptr<int8_t>(), buffer));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(avg_pool2d, torchmcu::ops::avg_pool2d_out)
