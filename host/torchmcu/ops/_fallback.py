"""What the CMSIS-NN backend's fallback predicates read: a call's tensors as shapes.

Each op whose CMSIS-NN wrapper (kernels/nn/cmsis_nn/<op>.c) hands some calls to
the portable kernel states the same condition in Python, next to its definition
(`define_op(..., cmsis_nn_fallback=...)`). The firmware's kernel selection
(torchmcu.selection) evaluates it on every call of every embedded program and
links a portable kernel only when some call reaches it. The condition must
match the C wrapper exactly; should they ever disagree, the wrapper fails the
call with TMCU_ERR_NOT_SELECTED, naming the op, instead of computing garbage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class TensorArg:
    """A tensor argument as a kernel sees it: its sizes and bytes."""

    shape: tuple[int, ...]
    nbytes: int

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def dims(self) -> tuple[int, int, int, int]:
        """[n, h, w, c], right-aligned with leading 1s (op_util.h dims_of)."""
        return (1,) * (4 - len(self.shape)) + tuple(self.shape[-4:])  # type: ignore[return-value]
