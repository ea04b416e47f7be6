/* Portable arm_transpose_s8 for rank <= 4. */
#include "portable.h"

tmcu_status TMCU_PORTABLE(transpose_s8)(const tmcu_dims* in, int32_t rank, const int32_t* perm, const int8_t* input,
                                        int8_t* output) {
  int32_t full_perm[4];
  if (!tmcu_full_permutation(in, rank, perm, input, output, full_perm)) {
    return TMCU_ERR_ARG;
  }
  /* Work on the 4-D right-aligned view: leading dims of size 1 stay in place. */
  const int32_t sizes[4] = {in->n, in->h, in->w, in->c};
  int32_t strides[4];
  strides[3] = 1;
  for (int32_t i = 2; i >= 0; --i) {
    strides[i] = strides[i + 1] * sizes[i + 1];
  }
  const int32_t out_sizes[4] = {sizes[full_perm[0]], sizes[full_perm[1]], sizes[full_perm[2]], sizes[full_perm[3]]};
  int32_t index = 0;
  for (int32_t a = 0; a < out_sizes[0]; ++a) {
    for (int32_t b = 0; b < out_sizes[1]; ++b) {
      for (int32_t c = 0; c < out_sizes[2]; ++c) {
        for (int32_t d = 0; d < out_sizes[3]; ++d, ++index) {
          output[index] = input[a * strides[full_perm[0]] + b * strides[full_perm[1]] + c * strides[full_perm[2]] +
                                d * strides[full_perm[3]]];
        }
      }
    }
  }
  return TMCU_OK;
}
