/*
 * CMSIS-NN's integer arithmetic, shared by the portable kernels (and, for the
 * ops CMSIS-NN lacks, by both backends). Bit-exact with host/torchmcu/qmath.py.
 */
#ifndef TORCHMCU_NN_COMMON_ARITH_H_
#define TORCHMCU_NN_COMMON_ARITH_H_

#include <stdint.h>

#include <torchmcu/nn.h>

/* arm_nn_doubling_high_mult_no_sat: (a*b + 2^30) >> 31 with a 64-bit product. */
static inline int32_t tmcu_doubling_high_mult_no_sat(int32_t a, int32_t b) {
  const int64_t product = (int64_t)a * (int64_t)b + ((int64_t)1 << 30);
  return (int32_t)(product >> 31); /* arithmetic shift: floor, as CMSIS-NN's union read */
}

/* arm_nn_doubling_high_mult (MUL_SAT): sign-aware rounding, MIN*MIN saturates. */
static inline int32_t tmcu_doubling_high_mult(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) {
    return INT32_MAX;
  }
  int64_t total = (int64_t)a * (int64_t)b;
  total += ((a < 0) ^ (b < 0)) ? (1 - ((int64_t)1 << 30)) : ((int64_t)1 << 30);
  return (int32_t)(total / ((int64_t)1 << 31)); /* C division truncates toward zero */
}

/* arm_nn_divide_by_power_of_two: rounding right shift, ties away from zero. */
static inline int32_t tmcu_divide_by_power_of_two(int32_t dividend, int32_t exponent) {
  const int32_t mask = (int32_t)(((uint32_t)1 << exponent) - 1u);
  const int32_t remainder = mask & dividend;
  int32_t result = dividend >> exponent;
  int32_t threshold = mask >> 1;
  if (result < 0) {
    threshold++;
  }
  if (remainder > threshold) {
    result++;
  }
  return result;
}

/* arm_nn_requantize (default, double rounding; CMSIS_NN_USE_SINGLE_ROUNDING for the other). */
static inline int32_t tmcu_requantize(int32_t value, int32_t multiplier, int32_t shift) {
#if defined(CMSIS_NN_USE_SINGLE_ROUNDING)
  const int64_t total_shift = 31 - shift;
  const int64_t scaled = (int64_t)value * multiplier;
  return (int32_t)(((scaled >> (total_shift - 1)) + 1) >> 1);
#else
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = shift > 0 ? 0 : -shift;
  /* The C code multiplies in int32: value * 2^left wraps like it does. */
  const int32_t scaled = (int32_t)((uint32_t)value * ((uint32_t)1 << left));
  return tmcu_divide_by_power_of_two(tmcu_doubling_high_mult_no_sat(scaled, multiplier), right);
#endif
}

/* arm_avgpool_s8's average: the sum divided by the count, rounded half away from zero. */
static inline int32_t tmcu_rounded_average(int32_t sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

static inline int32_t tmcu_clamp(int32_t value, int32_t low, int32_t high) {
  return value < low ? low : (value > high ? high : value);
}

static inline int tmcu_valid_activation(int32_t act_min, int32_t act_max) {
  return act_min >= -128 && act_max <= 127 && act_min <= act_max;
}

static inline int tmcu_valid_shift(int32_t shift) { return shift >= -31 && shift <= 30; }

/* Largest element count a kernel accepts: keeps every int32 index computation
 * (including a corrupted program's shapes) free of overflow. */
#define TMCU_MAX_ELEMENTS (1 << 28)
#define TMCU_MAX_DIM (1 << 16)    /* any single dimension */
#define TMCU_MAX_WINDOW (1 << 12) /* stride, dilation, padding, kernel extent */

static inline int tmcu_valid_dims(const tmcu_dims* d) {
  return d != 0 && d->n > 0 && d->h > 0 && d->w > 0 && d->c > 0 && d->n <= TMCU_MAX_DIM && d->h <= TMCU_MAX_DIM &&
         d->w <= TMCU_MAX_DIM && d->c <= TMCU_MAX_DIM && (int64_t)d->n * d->h * d->w * d->c <= TMCU_MAX_ELEMENTS;
}

static inline int tmcu_valid_window(const tmcu_conv_params* p) {
  return p->stride_h >= 1 && p->stride_w >= 1 && p->stride_h <= TMCU_MAX_WINDOW && p->stride_w <= TMCU_MAX_WINDOW &&
         p->dilation_h >= 1 && p->dilation_w >= 1 && p->dilation_h <= TMCU_MAX_WINDOW &&
         p->dilation_w <= TMCU_MAX_WINDOW && p->pad_h >= 0 && p->pad_w >= 0 && p->pad_h <= TMCU_MAX_WINDOW &&
         p->pad_w <= TMCU_MAX_WINDOW;
}

static inline int32_t tmcu_elements(const tmcu_dims* d) { return d->n * d->h * d->w * d->c; }

/* A pooling window and its tensors are well formed (same batch and channels). */
static inline int tmcu_valid_pool(const tmcu_pool_params* p, const tmcu_dims* in, const tmcu_dims* out) {
  return p != 0 && tmcu_valid_dims(in) && tmcu_valid_dims(out) && in->n == out->n && in->c == out->c &&
         p->kernel_h >= 1 && p->kernel_w >= 1 && p->kernel_h <= TMCU_MAX_WINDOW && p->kernel_w <= TMCU_MAX_WINDOW &&
         p->stride_h >= 1 && p->stride_w >= 1 && p->stride_h <= TMCU_MAX_WINDOW && p->stride_w <= TMCU_MAX_WINDOW &&
         p->pad_h >= 0 && p->pad_w >= 0 && p->pad_h <= TMCU_MAX_WINDOW && p->pad_w <= TMCU_MAX_WINDOW &&
         tmcu_valid_activation(p->act_min, p->act_max);
}

/* Per-channel (or per-tensor) requantization parameters are well formed. */
static inline int tmcu_valid_quant(const tmcu_quant_params* q, int32_t channels) {
  if (q == 0 || q->multiplier == 0 || q->shift == 0 || (q->count != 1 && q->count != channels)) {
    return 0;
  }
  return tmcu_valid_shifts(q->shift, q->count);
}

/* Index of (n, h, w, c) in a tensor of dims `d`, broadcasting dims of size 1. */
static inline int32_t tmcu_broadcast_index(const tmcu_dims* d, int32_t n, int32_t h, int32_t w, int32_t c) {
  n = d->n == 1 ? 0 : n;
  h = d->h == 1 ? 0 : h;
  w = d->w == 1 ? 0 : w;
  c = d->c == 1 ? 0 : c;
  return ((n * d->h + h) * d->w + w) * d->c + c;
}

/* out is the NumPy broadcast of a and b. */
static inline int tmcu_valid_broadcast(const tmcu_dims* a, const tmcu_dims* b, const tmcu_dims* out) {
  const int32_t av[4] = {a->n, a->h, a->w, a->c}, bv[4] = {b->n, b->h, b->w, b->c};
  const int32_t ov[4] = {out->n, out->h, out->w, out->c};
  for (int i = 0; i < 4; ++i) {
    const int32_t want = av[i] == 1 ? bv[i] : av[i];
    if ((av[i] != 1 && bv[i] != 1 && av[i] != bv[i]) || ov[i] != want) {
      return 0;
    }
  }
  return 1;
}

/* The in-bounds rows (or columns) [first, end) of the pooling window at output
 * position `out_pos`; tmcu_check_pool guarantees the span is never empty. */
typedef struct {
  int32_t first, end;
} tmcu_span;

static inline tmcu_span tmcu_window_span(int32_t out_pos, int32_t stride, int32_t pad, int32_t kernel,
                                         int32_t in_size) {
  const int32_t start = out_pos * stride - pad;
  const tmcu_span span = {start < 0 ? 0 : start, start + kernel > in_size ? in_size : start + kernel};
  return span;
}

/* Walks the elements of `out` in order, giving each one's index in two operands
 * NumPy-broadcast to it:
 *   tmcu_broadcast it = tmcu_broadcast_start(a, b, out);
 *   for (int32_t i = 0; i < elements; ++i, tmcu_broadcast_step(&it)) use(a[it.a], b[it.b]); */
typedef struct {
  const tmcu_dims *a_dims, *b_dims, *out;
  int32_t n, h, w, c; /* position in out */
  int32_t a, b;       /* element index in each operand */
} tmcu_broadcast;

static inline tmcu_broadcast tmcu_broadcast_start(const tmcu_dims* a, const tmcu_dims* b, const tmcu_dims* out) {
  const tmcu_broadcast it = {a, b, out, 0, 0, 0, 0, 0, 0};
  return it;
}

static inline void tmcu_broadcast_step(tmcu_broadcast* it) {
  if (++it->c == it->out->c) {
    it->c = 0;
    if (++it->w == it->out->w) {
      it->w = 0;
      if (++it->h == it->out->h) {
        it->h = 0;
        ++it->n;
      }
    }
  }
  it->a = tmcu_broadcast_index(it->a_dims, it->n, it->h, it->w, it->c);
  it->b = tmcu_broadcast_index(it->b_dims, it->n, it->h, it->w, it->c);
}

#endif /* TORCHMCU_NN_COMMON_ARITH_H_ */
