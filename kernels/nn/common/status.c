#include <torchmcu/nn.h>

const char* tmcu_status_str(tmcu_status status) {
  switch (status) {
    case TMCU_OK: return "ok";
    case TMCU_ERR_ARG: return "invalid argument";
    case TMCU_ERR_SCRATCH: return "scratch buffer too small";
    case TMCU_ERR_BACKEND: return "CMSIS-NN error";
    case TMCU_ERR_NOT_SELECTED: return "portable fallback not in this firmware's kernel selection (torchmcu.selection)";
    default: return "unknown status";
  }
}
