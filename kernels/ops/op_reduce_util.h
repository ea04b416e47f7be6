/* What the reduction adapters (op_reduce_*.cpp) share: the axis list as a bitmask over right-aligned dims. */
#ifndef TORCHMCU_OPS_OP_REDUCE_UTIL_H_
#define TORCHMCU_OPS_OP_REDUCE_UTIL_H_

#include "op_util.h"

namespace torchmcu {
namespace ops {

/* Bit (4 - rank + d) for each d in `dims` (negative d counts from the end), or -1 for an axis out of range
 * or an out tensor that is not the input with the reduced dims set to 1. */
inline int32_t reduced_axes(const Tensor& input, IntArrayRef dims, const Tensor& out) {
  const int64_t rank = input.dim();
  if (rank < 1 || rank > 4 || out.dim() != rank) {
    return -1;
  }
  int32_t axes = 0;
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t d = dims[i] < 0 ? dims[i] + rank : dims[i];
    if (d < 0 || d >= rank) {
      return -1;
    }
    axes |= 1 << (4 - rank + d);
  }
  for (int64_t d = 0; d < rank; ++d) {
    const bool reduced = (axes >> (4 - rank + d)) & 1;
    if (out.size(d) != (reduced ? 1 : input.size(d))) {
      return -1;
    }
  }
  return axes;
}

}  // namespace ops
}  // namespace torchmcu

#endif /* TORCHMCU_OPS_OP_REDUCE_UTIL_H_ */
