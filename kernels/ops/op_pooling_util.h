/* Shared by op_avg_pool2d.cpp and op_max_pool2d.cpp: the pool parameter checks. */
#ifndef TORCHMCU_OPS_OP_POOLING_UTIL_H_
#define TORCHMCU_OPS_OP_POOLING_UTIL_H_

#include "op_util.h"

namespace torchmcu {
namespace ops {

/* Fills `params`; false if the arguments are malformed. */
inline bool pool_params(const Tensor& input, const Tensor& out, IntArrayRef kernel_size, IntArrayRef stride,
                        IntArrayRef padding, int64_t activation_min, int64_t activation_max, tmcu_pool_params* params) {
  int32_t pad[4];
  if (input.dim() != 4 || out.dim() != 4 || !is_dtype(input, ScalarType::Char) || !is_dtype(out, ScalarType::Char) ||
      kernel_size.size() != 2 || stride.size() != 2 || !spatial_padding(padding, pad)) {
    return false;
  }
  *params = tmcu_pool_params{static_cast<int32_t>(kernel_size[0]), static_cast<int32_t>(kernel_size[1]),
                             static_cast<int32_t>(stride[0]),      static_cast<int32_t>(stride[1]),
                             pad[0],                               pad[1],
                             static_cast<int32_t>(activation_min), static_cast<int32_t>(activation_max)};
  return true;
}

}  // namespace ops
}  // namespace torchmcu

#endif /* TORCHMCU_OPS_OP_POOLING_UTIL_H_ */
