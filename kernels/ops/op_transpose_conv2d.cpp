/* torchmcu::transpose_conv2d.out -> tmcu_transpose_conv2d_s8 (arm_transpose_conv_wrapper_s8). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& transpose_conv2d_out(KernelRuntimeContext& ctx, const Tensor& input, const Tensor& weight,
                             const OptionalTensor& bias, IntArrayRef stride, IntArrayRef padding,
                             IntArrayRef output_padding, int64_t input_offset, int64_t output_offset,
                             const Tensor& multiplier, const Tensor& shift, int64_t activation_min,
                             int64_t activation_max, const OptionalTensor& scratch,
                             const OptionalTensor& reverse_scratch, Tensor& out) {
  constexpr const char* op = "transpose_conv2d";
  if (!check_convolution(ctx, op, input, weight, bias, multiplier, shift, input_offset, output_offset, out)) {
    return out;
  }
  TMCU_CHECK(ctx, stride.size() == 2 && padding.size() == 2 && output_padding.size() == 2 && padding[0] >= 0 &&
                      padding[1] >= 0, out, op, "stride, padding and output_padding need 2 values");
  const int32_t pad[4] = {static_cast<int32_t>(padding[0]), static_cast<int32_t>(padding[1]), 0, 0};
  const tmcu_conv_params params =
      conv_params(stride, pad, 1, 1, input_offset, output_offset, activation_min, activation_max);
  const tmcu_quant_params quant = quant_params(multiplier, shift);
  const tmcu_dims input_dims = dims_of(input), filter_dims = dims_of(weight), output_dims = dims_of(out);
  const tmcu_buf buffer = scratch_of(scratch), reverse_buffer = scratch_of(reverse_scratch);
  int32_t reverse_needed = 0;
  TMCU_ASSERT_SCRATCH(ctx, out, op, "scratch",
                      tmcu_transpose_conv2d_s8_scratch_needed(&params, &input_dims, &filter_dims, &output_dims,
                                                              &reverse_needed),
                      buffer.size);
  TMCU_ASSERT_SCRATCH(ctx, out, op, "reverse_scratch", reverse_needed, reverse_buffer.size);
  (void)reverse_needed;
  TMCU_CALL_CONVOLUTION(ctx, out, op, shift,
            tmcu_transpose_conv2d_s8(&params, &quant, &input_dims, input.const_data_ptr<int8_t>(), &filter_dims,
                                     weight.const_data_ptr<int8_t>(),
                                     bias.has_value() ? bias->const_data_ptr<int32_t>() : nullptr, &output_dims,
                                     out.mutable_data_ptr<int8_t>(), buffer, reverse_buffer));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(transpose_conv2d, torchmcu::ops::transpose_conv2d_out)
