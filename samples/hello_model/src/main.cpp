/* hello_model: run a tiny CNN once on the built-in pattern, print its scores, check them against the host. */
#include <torchmcu_sample.h>

#include "hello_model_expected.h"
#include "hello_model_memory.h"
#include "hello_model_pte.h"

TORCHMCU_SAMPLE_MEMORY(HELLO_MODEL_ARENA_BYTES, HELLO_MODEL_METHOD_POOL_BYTES);

int main(void) {
  static float input[1 * 1 * 12 * 12];
  torchmcu_sample::fill_pattern(input, sizeof(input) / sizeof(input[0]));
  return torchmcu_sample::run("hello_model", hello_model_pte, hello_model_pte_len, torchmcu_arena,
                              sizeof(torchmcu_arena), torchmcu_method_pool, sizeof(torchmcu_method_pool), input,
                              sizeof(input),
                              {hello_model_expected, hello_model_expected_nbytes, HELLO_MODEL_EXPECTED_OUTPUTS});
}
