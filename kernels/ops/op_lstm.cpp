/* torchmcu::lstm.out -> tmcu_lstm_s8 (arm_lstm_unidirectional_s8): one unidirectional LSTM layer. */
#include "op_util.h"

namespace torchmcu {
namespace ops {

Tensor& lstm_out(KernelRuntimeContext& ctx, const Tensor& input, const Tensor& input_weights, const Tensor& input_bias,
                 const Tensor& hidden_weights, const Tensor& hidden_bias, const Tensor& gate_multiplier,
                 const Tensor& gate_shift, const Tensor& sigmoid_table, int64_t input_offset, int64_t output_offset,
                 int64_t forget_to_cell_multiplier, int64_t forget_to_cell_shift, int64_t input_to_cell_multiplier,
                 int64_t input_to_cell_shift, int64_t cell_clip, int64_t cell_scale_power, int64_t output_multiplier,
                 int64_t output_shift, int64_t time_major, const OptionalTensor& scratch, Tensor& out) {
  constexpr const char* op = "lstm";
  TMCU_CHECK(ctx, input.dim() == 3 && out.dim() == 3 && hidden_weights.dim() == 2 && input_weights.dim() == 2, out,
             op, "input and out must be 3-D, weights 2-D");
  TMCU_CHECK(ctx, is_dtype(input, ScalarType::Char) && is_dtype(out, ScalarType::Char) &&
                      is_dtype(input_weights, ScalarType::Char) && is_dtype(hidden_weights, ScalarType::Char),
             out, op, "input, out and weights must be int8");
  const int64_t hidden = hidden_weights.size(1), features = input.size(2);
  TMCU_CHECK(ctx, hidden_weights.size(0) == 4 * hidden && input_weights.size(0) == 4 * hidden &&
                      input_weights.size(1) == features && out.size(0) == input.size(0) &&
                      out.size(1) == input.size(1) && out.size(2) == hidden, out, op,
             "weights must be [4H, %ld] and [4H, H], out [.., .., H] with H = %ld", log_long(features),
             log_long(hidden));
  TMCU_CHECK(ctx, is_dtype(input_bias, ScalarType::Int) && is_dtype(hidden_bias, ScalarType::Int) &&
                      input_bias.numel() == 4 * hidden && hidden_bias.numel() == 4 * hidden &&
                      is_dtype(gate_multiplier, ScalarType::Int) && is_dtype(gate_shift, ScalarType::Int) &&
                      gate_multiplier.numel() == 8 && gate_shift.numel() == 8, out, op,
             "biases must be int32 [4H], gate multipliers and shifts int32 [8]");
  TMCU_CHECK(ctx, is_dtype(sigmoid_table, ScalarType::Short) && sigmoid_table.numel() == 256, out, op,
             "sigmoid_table must be int16 [256] (CMSIS-NN's sigmoid_table_uint16 bits)");
  const int64_t scalars[] = {input_offset, output_offset, forget_to_cell_multiplier, forget_to_cell_shift,
                             input_to_cell_multiplier, input_to_cell_shift, cell_clip, cell_scale_power,
                             output_multiplier, output_shift, time_major};
  for (const int64_t value : scalars) {
    TMCU_CHECK(ctx, fits_int32(value), out, op, "scalar argument %ld does not fit int32", log_long(value));
  }
  const int32_t batch = static_cast<int32_t>(time_major ? input.size(1) : input.size(0));
  const int32_t steps = static_cast<int32_t>(time_major ? input.size(0) : input.size(1));
  const tmcu_lstm_params params = {
      static_cast<int32_t>(time_major),       batch,
      steps,                                  static_cast<int32_t>(features),
      static_cast<int32_t>(hidden),           static_cast<int32_t>(input_offset),
      static_cast<int32_t>(output_offset),    static_cast<int32_t>(forget_to_cell_multiplier),
      static_cast<int32_t>(forget_to_cell_shift), static_cast<int32_t>(input_to_cell_multiplier),
      static_cast<int32_t>(input_to_cell_shift),  static_cast<int32_t>(cell_clip),
      static_cast<int32_t>(cell_scale_power), static_cast<int32_t>(output_multiplier),
      static_cast<int32_t>(output_shift)};
  const tmcu_buf buffer = scratch_of(scratch);
  TMCU_ASSERT_SCRATCH(ctx, out, op, "scratch", tmcu_lstm_s8_scratch_needed(batch, static_cast<int32_t>(hidden)),
                      buffer.size);
  TMCU_CALL(ctx, out, op,
            tmcu_lstm_s8(&params, input.const_data_ptr<int8_t>(), input_weights.const_data_ptr<int8_t>(),
                         input_bias.const_data_ptr<int32_t>(), hidden_weights.const_data_ptr<int8_t>(),
                         hidden_bias.const_data_ptr<int32_t>(), gate_multiplier.const_data_ptr<int32_t>(),
                         gate_shift.const_data_ptr<int32_t>(),
                         reinterpret_cast<const uint16_t*>(sigmoid_table.const_data_ptr<int16_t>()),
                         out.mutable_data_ptr<int8_t>(), buffer));
  return out;
}

}  // namespace ops
}  // namespace torchmcu

TMCU_REGISTER_KERNEL(lstm, torchmcu::ops::lstm_out)
