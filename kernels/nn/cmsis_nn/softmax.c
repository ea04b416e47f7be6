/* tmcu_softmax_s8 -> arm_softmax_s8 (output scale 1/256, zero point -128). */
#include "cmsis_nn.h"

tmcu_status tmcu_softmax_s8(const int8_t* input, int32_t rows, int32_t row_size, int32_t multiplier, int32_t shift,
                            int32_t diff_min, int8_t* output) {
  if (!tmcu_check_softmax(input, rows, row_size, shift, output)) {
    return TMCU_ERR_ARG;
  }
  arm_softmax_s8(input, rows, row_size, multiplier, shift, diff_min, output);
  return TMCU_OK;
}
