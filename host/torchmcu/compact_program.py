"""Rewrite a serialized program without bytes the runtime never reads (docs/memory.md).

Each method's flatbuffer carries, besides what ExecuTorch's runtime parses,
the pytree specs of its inputs and outputs (`container_meta_type`): JSON
strings only Python's `torch.utils._pytree` reads back, 864 bytes in a
one-input program with torchmcu's nine-value record method. Kernels only read
scalar arguments and constant tensors, so equal ones are stored once
(`torchmcu.share_values`), and equal tensor tables and shape vectors are
written once in the flatbuffer (`torchmcu.share_tables`). The constant segment starts at 16 bytes, the
alignment every constant already has inside it and that model_pte.h gives the
program (ExecuTorch pads to 128 by default).
"""

from __future__ import annotations

from executorch.exir._serialize._program import deserialize_pte_binary, serialize_pte_binary

from torchmcu.share_tables import shared_tensor_tables
from torchmcu.share_values import share_plan_values

SEGMENT_ALIGNMENT = 16


def compact_program(pte: bytes) -> bytes:
    """The same program (instructions, tensors, constants) in fewer bytes: shared values and tables, no pytree specs."""
    pte_file = deserialize_pte_binary(pte)
    for plan in pte_file.program.execution_plan:
        share_plan_values(plan)
        plan.container_meta_type.encoded_inp_str = ""
        plan.container_meta_type.encoded_out_str = ""
    with shared_tensor_tables():
        return bytes(serialize_pte_binary(pte_file, segment_alignment=SEGMENT_ALIGNMENT))
