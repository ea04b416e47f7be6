/* Portable arm_batch_matmul_s8: rhs rows are output columns; n and h broadcast when 1. */
#include "portable.h"

tmcu_status TMCU_PORTABLE(batch_matmul_s8)(const tmcu_bmm_params* p, const tmcu_dims* lhs_dims, const int8_t* lhs,
                                           const tmcu_dims* rhs_dims, const int8_t* rhs, const tmcu_dims* out, int8_t* output,
                                           tmcu_buf scratch) {
  (void)scratch;
  if (!tmcu_check_batch_matmul(p, lhs_dims, lhs, rhs_dims, rhs, out, output)) {
    return TMCU_ERR_ARG;
  }
  const tmcu_dims lhs_batch = {lhs_dims->n, lhs_dims->h, 1, 1}, rhs_batch = {rhs_dims->n, rhs_dims->h, 1, 1};
  const int32_t cols = lhs_dims->c;
  for (int32_t n = 0; n < out->n; ++n) {
    for (int32_t h = 0; h < out->h; ++h) {
      const int8_t* l = lhs + tmcu_broadcast_index(&lhs_batch, n, h, 0, 0) * lhs_dims->w * cols;
      const int8_t* r = rhs + tmcu_broadcast_index(&rhs_batch, n, h, 0, 0) * rhs_dims->w * cols;
      int8_t* o = output + (n * out->h + h) * out->w * out->c;
      for (int32_t i = 0; i < out->w; ++i) {
        for (int32_t j = 0; j < out->c; ++j) {
          int32_t acc = 0;
          for (int32_t k = 0; k < cols; ++k) {
            acc += ((int32_t)l[i * cols + k] + p->lhs_offset) * ((int32_t)r[j * cols + k] + p->rhs_offset);
          }
          acc = tmcu_requantize(acc, p->multiplier, p->shift) + p->output_offset;
          o[i * out->c + j] = (int8_t)tmcu_clamp(acc, p->act_min, p->act_max);
        }
      }
    }
  }
  return TMCU_OK;
}
