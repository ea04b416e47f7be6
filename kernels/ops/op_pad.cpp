/* torchmcu::pad.out -> tmcu_pad_s8 (arm_pad_s8). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& pad_out(KernelRuntimeContext& ctx, const Tensor& input, IntArrayRef pre_pad, IntArrayRef post_pad,
                int64_t pad_value, Tensor& out) {
  constexpr const char* op = "pad";
  TMCU_CHECK(ctx, input.dim() >= 1 && input.dim() <= 4 && out.dim() == input.dim() &&
                      pre_pad.size() == static_cast<size_t>(input.dim()) && post_pad.size() == pre_pad.size(), out, op,
             "rank 1..4 with one pre/post value per dim");
  TMCU_CHECK(ctx, is_dtype(input, ScalarType::Char) && is_dtype(out, ScalarType::Char) && pad_value >= -128 &&
                      pad_value <= 127, out, op, "int8 tensors and an int8 pad value (got %ld)", log_long(pad_value));
  int32_t pre[4] = {0, 0, 0, 0}, post[4] = {0, 0, 0, 0};
  const size_t rank = pre_pad.size();
  for (size_t i = 0; i < rank; ++i) {
    TMCU_CHECK(ctx, pre_pad[i] >= 0 && post_pad[i] >= 0 &&
                        out.size(i) == input.size(i) + pre_pad[i] + post_pad[i], out, op,
               "dim %d: %d + %d + %d != output %d", (int)i, (int)pre_pad[i], (int)input.size(i), (int)post_pad[i],
               (int)out.size(i));
    pre[4 - rank + i] = static_cast<int32_t>(pre_pad[i]);
    post[4 - rank + i] = static_cast<int32_t>(post_pad[i]);
  }
  const tmcu_dims input_dims = dims_of(input), pre_dims = {pre[0], pre[1], pre[2], pre[3]},
                  post_dims = {post[0], post[1], post[2], post[3]};
  TMCU_CALL(ctx, out, op,
            tmcu_pad_s8(&input_dims, input.const_data_ptr<int8_t>(), &pre_dims, &post_dims,
                        static_cast<int8_t>(pad_value), out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(pad, torchmcu::ops::pad_out)
