/* torchmcu::transpose.out -> tmcu_transpose_s8 (arm_transpose_s8). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& transpose_out(KernelRuntimeContext& ctx, const Tensor& input, IntArrayRef perm, Tensor& out) {
  constexpr const char* op = "transpose";
  TMCU_CHECK(ctx, input.dim() >= 1 && input.dim() <= 4 && perm.size() == static_cast<size_t>(input.dim()) &&
                      out.dim() == input.dim() && is_dtype(input, ScalarType::Char) && is_dtype(out, ScalarType::Char) &&
                      input.numel() == out.numel(), out, op, "rank 1..4 int8 tensors and one perm entry per dim");
  int32_t permutation[4];
  for (size_t i = 0; i < perm.size(); ++i) {
    TMCU_CHECK(ctx, perm[i] >= 0 && perm[i] < input.dim() && out.size(i) == input.size(perm[i]), out, op,
               "perm[%d] = %d does not map input to out", (int)i, (int)perm[i]);
    permutation[i] = static_cast<int32_t>(perm[i]);
  }
  const tmcu_dims input_dims = dims_of(input);
  TMCU_CALL(ctx, out, op,
            tmcu_transpose_s8(&input_dims, static_cast<int32_t>(input.dim()), permutation,
                              input.const_data_ptr<int8_t>(), out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(transpose, torchmcu::ops::transpose_out)
