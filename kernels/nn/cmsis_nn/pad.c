/* tmcu_pad_s8 -> arm_pad_s8. */
#include "cmsis_nn.h"

tmcu_status tmcu_pad_s8(const tmcu_dims* in, const int8_t* input, const tmcu_dims* pre, const tmcu_dims* post,
                        int8_t pad_value, int8_t* output) {
  if (!tmcu_check_pad(in, input, pre, post, output)) {
    return TMCU_ERR_ARG;
  }
  const cmsis_nn_dims input_size = tmcu_cmsis_dims(in), pre_pad = tmcu_cmsis_dims(pre);
  const cmsis_nn_dims post_pad = tmcu_cmsis_dims(post);
  return tmcu_cmsis_status(arm_pad_s8(input, output, pad_value, &input_size, &pre_pad, &post_pad));
}
