/* voice_activity: a conv1d voice-activity model on the built-in pattern; checks its score against the host. */
#include <torchmcu_sample.h>

#include "vad_expected.h"
#include "vad_memory.h"
#include "vad_pte.h"

TORCHMCU_SAMPLE_MEMORY(VAD_ARENA_BYTES, VAD_METHOD_POOL_BYTES);

/* One window of audio, as model.py's SAMPLES (the runner refuses any other size). */
#define VAD_INPUT_SAMPLES 1024

int main(void) {
  static float input[VAD_INPUT_SAMPLES];
  torchmcu_sample::fill_pattern(input, VAD_INPUT_SAMPLES);
  return torchmcu_sample::run("voice_activity", vad_pte, vad_pte_len, torchmcu_arena, sizeof(torchmcu_arena),
                              torchmcu_method_pool, sizeof(torchmcu_method_pool), input, sizeof(input),
                              {vad_expected, vad_expected_nbytes, VAD_EXPECTED_OUTPUTS});
}
