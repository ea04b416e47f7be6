/* torchmcu::depthwise_conv2d.out -> tmcu_depthwise_conv2d_s8 (arm_depthwise_conv_wrapper_s8). */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& depthwise_conv2d_out(KernelRuntimeContext& ctx, const Tensor& input, const Tensor& weight,
                             const OptionalTensor& bias, IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
                             int64_t depth_multiplier, int64_t input_offset, int64_t output_offset,
                             const Tensor& multiplier, const Tensor& shift, int64_t activation_min,
                             int64_t activation_max, const OptionalTensor& scratch, Tensor& out) {
  constexpr const char* op = "depthwise_conv2d";
  int32_t pad[4];
  if (!check_convolution(ctx, op, input, weight, bias, multiplier, shift, input_offset, output_offset, out)) {
    return out;
  }
  TMCU_CHECK(ctx, stride.size() == 2 && dilation.size() == 2 && spatial_padding(padding, pad), out, op,
             "stride/dilation need 2 values and padding 2 or 4 non-negative values");
  TMCU_CHECK(ctx, depth_multiplier >= 1 && out.size(3) == input.size(3) * depth_multiplier, out, op,
             "output channels %d != input channels %d x depth_multiplier %d", (int)out.size(3), (int)input.size(3),
             (int)depth_multiplier);
  const tmcu_conv_params params =
      conv_params(stride, pad, static_cast<int32_t>(dilation[0]), static_cast<int32_t>(dilation[1]), input_offset,
                  output_offset, activation_min, activation_max);
  const tmcu_quant_params quant = quant_params(multiplier, shift);
  const tmcu_dims input_dims = dims_of(input), filter_dims = dims_of(weight), output_dims = dims_of(out);
  const tmcu_buf buffer = scratch_of(scratch);
  TMCU_ASSERT_SCRATCH(ctx, out, op, "scratch",
                      tmcu_depthwise_conv2d_s8_scratch_needed(&params, static_cast<int32_t>(depth_multiplier),
                                                              &input_dims, &filter_dims, &output_dims),
                      buffer.size);
  TMCU_CALL_CONVOLUTION(ctx, out, op, shift,
            tmcu_depthwise_conv2d_s8(&params, static_cast<int32_t>(depth_multiplier), &quant, &input_dims,
                                     input.const_data_ptr<int8_t>(), &filter_dims, weight.const_data_ptr<int8_t>(),
                                     bias.has_value() ? bias->const_data_ptr<int32_t>() : nullptr, &output_dims,
                                     out.mutable_data_ptr<int8_t>(), buffer));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(depthwise_conv2d, torchmcu::ops::depthwise_conv2d_out)
