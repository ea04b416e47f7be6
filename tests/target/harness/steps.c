/*
 * OP_STEPS: kernel calls chained through shared buffers, as a planned program
 * runs them. A step's buffer is a byte range of one of the case's buffers, so
 * the parts of a zero-copy split or cat are ranges of one arena buffer: a
 * kernel reads its input where the part lies and writes its output in place
 * inside the whole, at whatever offset the part has.
 *
 * Buffer 0 of the case is the step table (int32 words):
 *   n_steps, then per step: op, n_params, params[n_params], n_buffers,
 *   n_buffers x (case buffer index >= 1, byte offset, nbytes)
 * A step buffer of 0 bytes is passed as NULL (no bias, no kernel sum), as in
 * main.c. The first failing step's status is the case's status.
 */
#include <stdint.h>

#include "cases.h"

static int32_t next_word(const int32_t** word, const int32_t* end, int32_t* value) {
  if (*word >= end) {
    return 0;
  }
  *value = *(*word)++;
  return 1;
}

static int32_t read_step(const test_case* c, const int32_t** word, const int32_t* end, test_case* step) {
  if (!next_word(word, end, &step->op) || !next_word(word, end, &step->n_params) || step->n_params < 0 ||
      step->n_params > CASE_MAX_PARAMS) {
    return 0;
  }
  for (int32_t i = 0; i < step->n_params; ++i) {
    if (!next_word(word, end, &step->params[i])) {
      return 0;
    }
  }
  if (!next_word(word, end, &step->n_buffers) || step->n_buffers < 0 || step->n_buffers > CASE_MAX_BUFFERS) {
    return 0;
  }
  for (int32_t i = 0; i < step->n_buffers; ++i) {
    int32_t source, offset, nbytes;
    if (!next_word(word, end, &source) || !next_word(word, end, &offset) || !next_word(word, end, &nbytes) ||
        source < 1 || source >= c->n_buffers || c->data[source] == 0 || offset < 0 || nbytes < 0 ||
        offset > c->nbytes[source] - nbytes) {
      return 0;
    }
    step->role[i] = c->role[source];
    step->nbytes[i] = nbytes;
    step->data[i] = nbytes > 0 ? (uint8_t*)c->data[source] + offset : 0;
  }
  return 1;
}

int32_t run_steps(const test_case* c) {
  if (c->n_buffers < 1 || c->data[0] == 0 || c->n_params != 0) {
    return BAD_CASE;
  }
  const int32_t* word = (const int32_t*)c->data[0];
  const int32_t* end = word + c->nbytes[0] / 4;
  int32_t steps;
  if (!next_word(&word, end, &steps) || steps < 1) {
    return BAD_CASE;
  }
  static test_case step;
  for (int32_t i = 0; i < steps; ++i) {
    if (!read_step(c, &word, end, &step)) {
      return BAD_CASE;
    }
    const int32_t status = dispatch(&step);
    if (status != 0) {
      return status;
    }
  }
  return word == end ? 0 : BAD_CASE;
}
