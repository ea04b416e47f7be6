/* tmcu_transpose_s8 -> arm_transpose_s8 on the 4-D view. */
#include "cmsis_nn.h"

/*
 * At the CMSIS-NN version we track, arm_transpose_s8 treats a 2-D permutation
 * as a swap whatever it says and, on MVE, the 4-D identity as a swap of the
 * last two axes; its MVE row loop also counts in uint16_t. So every call goes
 * through the 4-D view, the identity and dims past 65535 stay portable.
 */
tmcu_status tmcu_transpose_s8(const tmcu_dims* in, int32_t rank, const int32_t* perm, const int8_t* input,
                              int8_t* output) {
  int32_t full_perm[4];
  if (!tmcu_full_permutation(in, rank, perm, input, output, full_perm)) {
    return TMCU_ERR_ARG;
  }
  const int identity = full_perm[0] == 0 && full_perm[1] == 1 && full_perm[2] == 2 && full_perm[3] == 3;
  if (identity || in->n > 65535 || in->h > 65535 || in->w > 65535 || in->c > 65535) {
    return TMCU_FALLBACK(transpose, tmcu_portable_transpose_s8(in, rank, perm, input, output));
  }
  const int32_t sizes[4] = {in->n, in->h, in->w, in->c};
  const uint32_t permutations[4] = {(uint32_t)full_perm[0], (uint32_t)full_perm[1], (uint32_t)full_perm[2],
                                    (uint32_t)full_perm[3]};
  const cmsis_nn_dims input_dims = tmcu_cmsis_dims(in);
  const cmsis_nn_dims output_dims = {sizes[full_perm[0]], sizes[full_perm[1]], sizes[full_perm[2]],
                                     sizes[full_perm[3]]};
  const cmsis_nn_transpose_params params = {4, permutations};
  return tmcu_cmsis_status(arm_transpose_s8(input, output, &input_dims, &output_dims, &params));
}
