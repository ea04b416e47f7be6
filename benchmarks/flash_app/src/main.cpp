/* flash_app: one model on its example input, checked against the host (benchmarks/firmware_flash.py). */
#include <torchmcu_sample.h>

#include "model_expected.h"
#include "model_input.h"
#include "model_memory.h"
#include "model_pte.h"

TORCHMCU_SAMPLE_MEMORY(MODEL_ARENA_BYTES, MODEL_METHOD_POOL_BYTES);

int main(void) {
  return torchmcu_sample::run("flash_app", model_pte, model_pte_len, torchmcu_arena, sizeof(torchmcu_arena),
                              torchmcu_method_pool, sizeof(torchmcu_method_pool), model_input, sizeof(model_input),
                              {model_expected, model_expected_nbytes, MODEL_EXPECTED_OUTPUTS});
}
