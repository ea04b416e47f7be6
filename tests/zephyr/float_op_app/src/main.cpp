/* float_op_app: run a program that keeps one float op (cumsum) on the built-in pattern, check it against the host. */
#include <torchmcu_sample.h>

#include "one_float_op_expected.h"
#include "one_float_op_memory.h"
#include "one_float_op_pte.h"

TORCHMCU_SAMPLE_MEMORY(ONE_FLOAT_OP_ARENA_BYTES, ONE_FLOAT_OP_METHOD_POOL_BYTES);

int main(void) {
  static float input[1 * 8];
  torchmcu_sample::fill_pattern(input, sizeof(input) / sizeof(input[0]));
  return torchmcu_sample::run("one_float_op", one_float_op_pte, one_float_op_pte_len, torchmcu_arena,
                              sizeof(torchmcu_arena), torchmcu_method_pool, sizeof(torchmcu_method_pool), input,
                              sizeof(input),
                              {one_float_op_expected, one_float_op_expected_nbytes, ONE_FLOAT_OP_EXPECTED_OUTPUTS});
}
