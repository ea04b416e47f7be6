#include <torchmcu/nn.h>

const char* tmcu_status_str(tmcu_status status) {
  switch (status) {
    case TMCU_OK: return "ok";
    case TMCU_ERR_ARG: return "invalid argument";
    case TMCU_ERR_SCRATCH: return "scratch buffer too small";
    case TMCU_ERR_BACKEND: return "CMSIS-NN error";
    case TMCU_ERR_NOT_SELECTED: return "portable fallback not in this firmware's kernel selection (torchmcu.selection)";
    case TMCU_ERR_TABLE:
      return "the program's table differs from this firmware's CMSIS-NN (compiled against another CMSIS-NN?)";
    default: return "unknown status";
  }
}
