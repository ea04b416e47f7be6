/* int8 max or min over a set of axes (amax/amin share qparams); CMSIS-NN has no reduction. */
#include "reduce.h"

tmcu_status tmcu_reduce_extremum_s8(const tmcu_dims* input_dims, int32_t axes, int32_t largest, const int8_t* input,
                                    int8_t* output) {
  tmcu_reduction r;
  if (!tmcu_reduction_start(input_dims, axes, input, output, &r) || (largest != 0 && largest != 1)) {
    return TMCU_ERR_ARG;
  }
  TMCU_FOR_EACH_OUTPUT(&r, index, base, {
    int8_t best = input[base];
    TMCU_FOR_EACH_REDUCED(&r, base, at, {
      if (largest ? input[at] > best : input[at] < best) {
        best = input[at];
      }
    })
    output[index] = best;
  })
  return TMCU_OK;
}
