/* torchmcu::cat.out -> tmcu_cat_part_s8 once per input (kernels/nn/common/cat.c). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& cat_out(KernelRuntimeContext& ctx, TensorList inputs, int64_t dim, Tensor& out) {
  constexpr const char* op = "cat";
  const ssize_t rank = out.dim();
  TMCU_CHECK(ctx, rank >= 1 && rank <= 4 && is_dtype(out, ScalarType::Char) && inputs.size() >= 1, out, op,
             "rank 1..4 int8 out and at least one input");
  TMCU_CHECK(ctx, dim >= 0 && dim < rank, out, op, "dim %ld outside a rank-%d tensor", log_long(dim), (int)rank);
  const int32_t axis = static_cast<int32_t>(4 - rank + dim);
  const tmcu_dims out_dims = dims_of(out);
  int64_t offset = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& input = inputs[i];
    TMCU_CHECK(ctx, input.dim() == rank && is_dtype(input, ScalarType::Char), out, op,
               "input %d must be an int8 tensor of out's rank", (int)i);
    TMCU_CHECK(ctx, offset + input.size(dim) <= out.size(dim), out, op, "inputs exceed out along dim %ld",
               log_long(dim));
    const tmcu_dims input_dims = dims_of(input);
    TMCU_CALL(ctx, out, op,
              tmcu_cat_part_s8(&input_dims, input.const_data_ptr<int8_t>(), axis, static_cast<int32_t>(offset),
                               &out_dims, out.mutable_data_ptr<int8_t>()));
    offset += input.size(dim);
  }
  TMCU_CHECK(ctx, offset == out.size(dim), out, op, "inputs fill %ld of out's %ld along dim %ld", log_long(offset),
             log_long(out.size(dim)), log_long(dim));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(cat, torchmcu::ops::cat_out)
