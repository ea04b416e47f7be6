/* keyword_spotting: DS-CNN on a bundled 1 s MFCC clip; prints 12 keyword scores, checks them against the host. */
#include <torchmcu_sample.h>

#include "kws_input.h"
#include "kws_expected.h"
#include "kws_memory.h"
#include "kws_pte.h"

TORCHMCU_SAMPLE_MEMORY(KWS_ARENA_BYTES, KWS_METHOD_POOL_BYTES);

int main(void) {
  return torchmcu_sample::run("keyword_spotting", kws_pte, kws_pte_len, torchmcu_arena, sizeof(torchmcu_arena),
                              torchmcu_method_pool, sizeof(torchmcu_method_pool), kws_input, sizeof(kws_input),
                              {kws_expected, kws_expected_nbytes, KWS_EXPECTED_OUTPUTS});
}
