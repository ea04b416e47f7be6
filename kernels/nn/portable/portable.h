/*
 * The portable kernels: plain C99 loops with CMSIS-NN's arithmetic, for any CPU.
 *
 * In a CMSIS-NN build (TORCHMCU_USE_CMSIS_NN) they are compiled too, renamed
 * tmcu_portable_*, so the CMSIS-NN backend can hand them the calls CMSIS-NN
 * cannot take (NumPy broadcasting, shapes that hit known CMSIS-NN bugs); the
 * linker drops the ones it does not use.
 */
#ifndef TORCHMCU_NN_PORTABLE_PORTABLE_H_
#define TORCHMCU_NN_PORTABLE_PORTABLE_H_

#include "../common/checks.h"

#if defined(TORCHMCU_USE_CMSIS_NN)
#define TMCU_PORTABLE(name) tmcu_portable_##name
#else
#define TMCU_PORTABLE(name) tmcu_##name
#endif

#endif /* TORCHMCU_NN_PORTABLE_PORTABLE_H_ */
