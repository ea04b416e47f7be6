/* int8 -> int8 through a 256-entry table computed on the host (sigmoid, tanh, hardswish, ...). */
#include "arith.h"

tmcu_status tmcu_lut_s8(const int8_t* input, int32_t size, const int8_t* table, int8_t* output) {
  if (input == 0 || table == 0 || output == 0 || size < 0 || size > TMCU_MAX_ELEMENTS) {
    return TMCU_ERR_ARG;
  }
  for (int32_t i = 0; i < size; ++i) {
    output[i] = table[(int32_t)input[i] + 128];
  }
  return TMCU_OK;
}
