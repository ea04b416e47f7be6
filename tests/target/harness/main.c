/* Reads cases.bin, runs every case through the torchmcu numeric core, writes results.bin. */
#include <stdint.h>
#include <string.h>

#include "cases.h"
#include "semihosting.h"
#include "timer.h"

#define GUARD_BYTES 64
#define GUARD_VALUE 0xA5

extern uint8_t __arena_start__[], __arena_end__[];

static int read_words(int32_t file, int32_t* words, int32_t count) {
  return count == 0 || sh_read(file, words, (size_t)count * 4u) == 0;
}

static int write_words(int32_t file, const int32_t* words, int32_t count) {
  return sh_write(file, words, (size_t)count * 4u) == 0;
}

static uint32_t round4(uint32_t n) { return (n + 3u) & ~3u; }

/* Reads one case into `c`, placing its buffers in the arena, each followed by guard bytes. */
static int read_case(int32_t file, test_case* c) {
  if (!read_words(file, &c->op, 1) || c->op < 0) {
    return 0;
  }
  if (!read_words(file, &c->n_params, 1) || c->n_params < 0 || c->n_params > CASE_MAX_PARAMS ||
      !read_words(file, c->params, c->n_params) || !read_words(file, &c->n_buffers, 1) || c->n_buffers < 0 ||
      c->n_buffers > CASE_MAX_BUFFERS) {
    return -1;
  }
  uint8_t* next = __arena_start__;
  for (int32_t i = 0; i < c->n_buffers; ++i) {
    int32_t header[2];
    if (!read_words(file, header, 2) || header[1] < 0) {
      return -1;
    }
    c->role[i] = header[0];
    c->nbytes[i] = header[1];
    const uint32_t padded = round4((uint32_t)header[1]);
    if ((uint32_t)(__arena_end__ - next) < padded + GUARD_BYTES + 16u) {
      sh_write0("harness: case does not fit the arena\n");
      return -1;
    }
    c->data[i] = header[1] > 0 || c->role[i] == ROLE_OUTPUT ? next : 0;
    memset(next, GUARD_VALUE, padded + GUARD_BYTES);
    if (c->role[i] == ROLE_INPUT && padded > 0 && sh_read(file, next, padded) != 0) {
      return -1;
    }
    next += (padded + GUARD_BYTES + 15u) & ~15u;
  }
  return 1;
}

/* OP_SPIN: exactly 2 * iterations instructions in the loop (iterations >= 1). */
static int32_t spin(const test_case* c) {
  if (c->n_params != 1 || c->n_buffers != 0 || c->params[0] < 1) {
    return BAD_CASE;
  }
  uint32_t n = (uint32_t)c->params[0];
  __asm__ volatile("1: subs %0, %0, #1\n bne 1b" : "+r"(n) : : "cc");
  return 0;
}

/* Bit i set: buffer i (an output or scratch) had a guard byte overwritten. */
static int32_t overrun_buffers(const test_case* c) {
  int32_t overrun = 0;
  for (int32_t i = 0; i < c->n_buffers; ++i) {
    const uint8_t* end = (const uint8_t*)c->data[i] + c->nbytes[i];
    if (c->data[i] == 0 || c->role[i] == ROLE_INPUT) {
      continue;
    }
    for (int32_t j = 0; j < GUARD_BYTES; ++j) {
      if (end[j] != GUARD_VALUE) {
        overrun |= 1 << i;
        break;
      }
    }
  }
  return overrun;
}

int main(void) {
  const int32_t cases = sh_open("cases.bin", 1);
  const int32_t results = sh_open("results.bin", 5);
  if (cases < 0 || results < 0) {
    sh_write0("harness: cannot open cases.bin / results.bin in the working directory\n");
    return 1;
  }
  static test_case c;
  int state;
  while ((state = read_case(cases, &c)) == 1) {
    const uint64_t start = timer_ticks();
    const int32_t status = c.op == OP_SPIN ? spin(&c) : c.op == OP_STEPS ? run_steps(&c) : dispatch(&c);
    const uint64_t ticks = timer_ticks() - start;
    const int32_t head[4] = {status, (int32_t)(uint32_t)ticks, (int32_t)(uint32_t)(ticks >> 32),
                              overrun_buffers(&c)};
    if (!write_words(results, head, 4)) {
      return 1;
    }
    for (int32_t i = 0; i < c.n_buffers; ++i) {
      if (c.role[i] == ROLE_OUTPUT && (!write_words(results, &c.nbytes[i], 1) ||
                                       sh_write(results, c.data[i], round4((uint32_t)c.nbytes[i])) != 0)) {
        return 1;
      }
    }
  }
  sh_close(cases);
  sh_close(results);
  if (state < 0) {
    sh_write0("harness: malformed cases.bin\n");
    return 1;
  }
  return 0;
}
