/*
 * The case file the host writes and the result file the harness writes back
 * (all little-endian int32 words; tests/target/harness.py is the other side).
 *
 * case:   op, n_params, params[n_params], n_buffers, n_buffers x buffer; op -1 ends the file
 * buffer: role (0 input, 1 output, 2 scratch), nbytes, input bytes padded to 4 (inputs only)
 * result: status, ticks_lo, ticks_hi, overrun (bit i: buffer i's guard bytes were written),
 *         then each output: nbytes, bytes padded to 4
 *
 * An input or scratch of 0 bytes is passed as NULL (no bias, no scratch).
 */
#ifndef TORCHMCU_TARGET_CASES_H_
#define TORCHMCU_TARGET_CASES_H_

#include <stdint.h>

#define CASE_MAX_PARAMS 48

/* Harness-only op (main.c, not dispatch.c): params[0] iterations of a two-instruction
 * subs/bne loop, to check the ticks-to-instructions relation of each machine. */
#define OP_SPIN 1000
/* Harness-only op (steps.c): kernel calls chained through byte ranges of the case's buffers. */
#define OP_STEPS 1001
#define CASE_MAX_BUFFERS 10

enum { ROLE_INPUT = 0, ROLE_OUTPUT = 1, ROLE_SCRATCH = 2 };

typedef struct {
  int32_t op;
  int32_t n_params;
  int32_t params[CASE_MAX_PARAMS];
  int32_t n_buffers;
  int32_t role[CASE_MAX_BUFFERS];
  int32_t nbytes[CASE_MAX_BUFFERS];
  void* data[CASE_MAX_BUFFERS];
} test_case;

/* The status of a case whose parameters or buffers do not fit its op (dispatch, spin, steps). */
#define BAD_CASE -101

/* Calls the torchmcu kernel for `c->op`; returns its tmcu_status, or -100 for an unknown op
 * and BAD_CASE for a case whose parameter/buffer counts do not fit the op. */
int32_t dispatch(const test_case* c);

/* OP_STEPS: runs the steps of buffer 0's table (steps.c); returns the first failing step's status. */
int32_t run_steps(const test_case* c);

#endif /* TORCHMCU_TARGET_CASES_H_ */
