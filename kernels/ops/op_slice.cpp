/* torchmcu::slice.out -> tmcu_slice_s8 (strided copy; kernels/nn/common/slice.c). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& slice_out(KernelRuntimeContext& ctx, const Tensor& input, IntArrayRef start, IntArrayRef step,
                  IntArrayRef size, Tensor& out) {
  constexpr const char* op = "slice";
  const ssize_t rank = input.dim();
  TMCU_CHECK(ctx, rank >= 1 && rank <= 4 && out.dim() == rank && is_dtype(input, ScalarType::Char) &&
                      is_dtype(out, ScalarType::Char), out, op, "rank 1..4 int8 input and out of the same rank");
  TMCU_CHECK(ctx, start.size() == static_cast<size_t>(rank) && step.size() == static_cast<size_t>(rank) &&
                      size.size() == static_cast<size_t>(rank), out, op, "start, step and size need one entry per dim");
  int32_t first[4] = {0, 0, 0, 0}, stride[4] = {1, 1, 1, 1};
  for (ssize_t i = 0; i < rank; ++i) {
    TMCU_CHECK(ctx, size[i] == out.size(i) && start[i] >= 0 && start[i] < input.size(i) && step[i] >= 1 &&
                        step[i] <= INT32_MAX, out, op, "dim %d: start %ld, step %ld, size %ld do not fit the tensors",
               (int)i, log_long(start[i]), log_long(step[i]), log_long(size[i]));
    first[4 - rank + i] = static_cast<int32_t>(start[i]);
    stride[4 - rank + i] = static_cast<int32_t>(step[i]);
  }
  const tmcu_dims input_dims = dims_of(input), out_dims = dims_of(out);
  const tmcu_dims start_dims = {first[0], first[1], first[2], first[3]};
  const tmcu_dims step_dims = {stride[0], stride[1], stride[2], stride[3]};
  TMCU_CALL(ctx, out, op,
            tmcu_slice_s8(&input_dims, input.const_data_ptr<int8_t>(), &start_dims, &step_dims, &out_dims,
                          out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(slice, torchmcu::ops::slice_out)
