/*
 * What this firmware's kernels were built as: the runner compares a program's
 * record (what the host planned for) with these before running it.
 */
#ifndef TORCHMCU_BUILD_INFO_H_
#define TORCHMCU_BUILD_INFO_H_

#include <torchmcu/version.h>

#define TORCHMCU_ISA_SCALAR 0
#define TORCHMCU_ISA_DSP 1
#define TORCHMCU_ISA_MVE 2

/* The CMSIS-NN code path this translation unit compiles (as CMSIS-NN decides it).
 * Host tests define it to stand in for a given firmware. */
#if defined(TORCHMCU_BUILD_ISA)
/* given by the build */
#elif defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#define TORCHMCU_BUILD_ISA TORCHMCU_ISA_MVE
#elif defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define TORCHMCU_BUILD_ISA TORCHMCU_ISA_DSP
#else
#define TORCHMCU_BUILD_ISA TORCHMCU_ISA_SCALAR
#endif

/* 1 when kernels call CMSIS-NN (scratch sizes must match the ISA exactly),
 * 0 for the portable backend (runs a program planned for any core). */
#if !defined(TORCHMCU_BUILD_USES_CMSIS_NN)
#if defined(TORCHMCU_USE_CMSIS_NN)
#define TORCHMCU_BUILD_USES_CMSIS_NN 1
#else
#define TORCHMCU_BUILD_USES_CMSIS_NN 0
#endif
#endif

/* 32-bit id of the CMSIS-NN sources the firmware links (set by the build from
 * the same sources the host sizing library is built from); 0 = not known. */
#ifndef TORCHMCU_CMSIS_NN_SIZING_VERSION
#define TORCHMCU_CMSIS_NN_SIZING_VERSION 0u
#endif

#endif /* TORCHMCU_BUILD_INFO_H_ */
