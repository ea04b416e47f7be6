/*
 * The firmware's kernel selection (host/torchmcu/selection.py). A build that
 * defines TORCHMCU_KERNEL_SELECTION includes the generated
 * torchmcu_kernel_selection.h: each op adapter registers its kernel only when
 * TMCU_KERNEL_SELECTED(op) is 1, and each CMSIS-NN wrapper calls its portable
 * fallback only when TMCU_FALLBACK_SELECTED(op) is 1; the linker drops the
 * rest. Without a selection (the host build, a firmware that loads programs
 * it does not embed) everything is in.
 */
#ifndef TORCHMCU_NN_COMMON_SELECTION_H_
#define TORCHMCU_NN_COMMON_SELECTION_H_

#if defined(TORCHMCU_KERNEL_SELECTION)
#include <torchmcu_kernel_selection.h>
#define TMCU_KERNEL_SELECTED(op) TMCU_SELECTED_KERNEL_##op
#define TMCU_FALLBACK_SELECTED(op) TMCU_SELECTED_FALLBACK_##op
#else
#define TMCU_KERNEL_SELECTED(op) 1
#define TMCU_FALLBACK_SELECTED(op) 1
#endif

/* A CMSIS-NN wrapper's hand-off to the portable kernel. The host proved that no
 * embedded program reaches an unselected one; a program that does fails cleanly. */
#define TMCU_FALLBACK(op, call) (TMCU_FALLBACK_SELECTED(op) ? (call) : TMCU_ERR_NOT_SELECTED)

#endif /* TORCHMCU_NN_COMMON_SELECTION_H_ */
