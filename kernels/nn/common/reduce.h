/*
 * Walking a reduction (kernels/nn/common/reduce_*.c): input dims right-aligned
 * as [n, h, w, c], `axes` a bitmask over them (bit 0 = n ... bit 3 = c). The
 * output has the input's dims with the reduced ones set to 1.
 */
#ifndef TORCHMCU_NN_COMMON_REDUCE_H_
#define TORCHMCU_NN_COMMON_REDUCE_H_

#include "checks.h"

typedef struct {
  int32_t size[4];   /* input extents n, h, w, c */
  int32_t stride[4]; /* input element strides */
  int32_t out[4];    /* output extents (1 on reduced axes) */
  int32_t terms;     /* input elements per output element */
} tmcu_reduction;

static inline int tmcu_reduction_start(const tmcu_dims* in, int32_t axes, const int8_t* input, const int8_t* output,
                                       tmcu_reduction* r) {
  if (input == 0 || output == 0 || !tmcu_valid_dims(in) || axes < 0 || axes > 15) {
    return 0;
  }
  const int32_t size[4] = {in->n, in->h, in->w, in->c};
  int32_t stride = 1;
  r->terms = 1;
  for (int i = 3; i >= 0; --i) {
    r->size[i] = size[i];
    r->stride[i] = stride;
    stride *= size[i];
    r->out[i] = (axes >> i) & 1 ? 1 : size[i];
    r->terms *= (axes >> i) & 1 ? size[i] : 1;
  }
  return 1;
}

/* Offset of output element (a, b, c, d)'s first input element. */
static inline int32_t tmcu_reduction_base(const tmcu_reduction* r, int32_t a, int32_t b, int32_t c, int32_t d) {
  return a * r->stride[0] + b * r->stride[1] + c * r->stride[2] + d * r->stride[3];
}

/* Runs `body` with `value` the input index of each element that output element `base` reduces. */
#define TMCU_FOR_EACH_REDUCED(r, base, value, body)                                                        \
  for (int32_t i_ = 0; i_ < ((r)->out[0] == 1 ? (r)->size[0] : 1); ++i_)                                  \
    for (int32_t j_ = 0; j_ < ((r)->out[1] == 1 ? (r)->size[1] : 1); ++j_)                                \
      for (int32_t k_ = 0; k_ < ((r)->out[2] == 1 ? (r)->size[2] : 1); ++k_)                              \
        for (int32_t l_ = 0; l_ < ((r)->out[3] == 1 ? (r)->size[3] : 1); ++l_) {                          \
          const int32_t value = (base) + i_ * (r)->stride[0] + j_ * (r)->stride[1] + k_ * (r)->stride[2] + \
                                l_ * (r)->stride[3];                                                       \
          body                                                                                             \
        }

/* Calls `body` once per output element, with `index` its position in the output and `base` in the input. */
#define TMCU_FOR_EACH_OUTPUT(r, index, base, body)                                         \
  {                                                                                        \
    int32_t index = 0;                                                                     \
    for (int32_t a_ = 0; a_ < (r)->out[0]; ++a_)                                           \
      for (int32_t b_ = 0; b_ < (r)->out[1]; ++b_)                                         \
        for (int32_t c_ = 0; c_ < (r)->out[2]; ++c_)                                       \
          for (int32_t d_ = 0; d_ < (r)->out[3]; ++d_, ++index) {                          \
            const int32_t base = tmcu_reduction_base((r), a_, b_, c_, d_);                 \
            body                                                                           \
          }                                                                                \
  }

#endif /* TORCHMCU_NN_COMMON_REDUCE_H_ */
