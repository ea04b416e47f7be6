"""Where scratch sizes come from: built-in formulas, or a CMSIS-NN checkout's own sizers.

A firmware build that links a CMSIS-NN checkout (Zephyr's cmsis-nn module, or
CMSIS_NN_PATH on the host) plans with that checkout's compiled
`*_get_buffer_size` functions, so host and device cannot disagree. Without a
checkout, `torchmcu.scratch_sizes` (the same formulas, verified against
CMSIS-NN's bindings in the executorch wheel) is used.
"""

from __future__ import annotations

import os
from types import ModuleType


class BuiltinSizer:
    """`torchmcu.scratch_sizes` behind the sizer interface."""

    SIZING_SOURCE = "builtin"

    def __init__(self) -> None:
        from torchmcu import scratch_sizes

        self._module: ModuleType = scratch_sizes

    def sizing_version(self) -> int:
        """The id of these formulas' behaviour (torchmcu.sizing_id), the same as a checkout that sizes alike."""
        from torchmcu.sizing_id import sizing_id

        if not hasattr(self, "_id"):
            self._id = sizing_id(self)
        return self._id

    def __getattr__(self, name: str):
        return getattr(self._module, name)


def select_sizer(cmsis_nn_path: str | None = None):
    """The checkout's sizers when a path is given (or CMSIS_NN_PATH is set), else the built-in ones."""
    path = cmsis_nn_path or os.environ.get("CMSIS_NN_PATH")
    if path:
        from torchmcu.cmsis_nn_checkout import CheckoutSizer

        return CheckoutSizer(path)
    return BuiltinSizer()
