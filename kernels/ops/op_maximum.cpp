/* torchmcu::maximum.out -> tmcu_maximum_s8 (arm_maximum_s8). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& maximum_out(KernelRuntimeContext& ctx, const Tensor& input1, const Tensor& input2, Tensor& out) {
  constexpr const char* op = "maximum";
  TMCU_CHECK(ctx, input1.dim() <= 4 && input2.dim() <= 4 && out.dim() <= 4 && is_dtype(input1, ScalarType::Char) &&
                      is_dtype(input2, ScalarType::Char) && is_dtype(out, ScalarType::Char), out, op,
             "int8 tensors of rank <= 4");
  const tmcu_dims d1 = dims_of(input1), d2 = dims_of(input2), d_out = dims_of(out);
  TMCU_CALL(ctx, out, op,
            tmcu_maximum_s8(&d1, input1.const_data_ptr<int8_t>(), &d2, input2.const_data_ptr<int8_t>(), &d_out,
                            out.mutable_data_ptr<int8_t>()));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(maximum, torchmcu::ops::maximum_out)
