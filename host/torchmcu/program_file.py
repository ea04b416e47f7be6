"""Read a .pte from disk and describe it from its own bytes.

The record inside the program (record.py) is the one source of truth for what
it was planned for; a sidecar .plan.json is a report for people and never read
back. Every way a file can fail to be a torchmcu program is one error naming
the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torchmcu.errors import TorchMcuError, existing_file
from torchmcu.integrity import split_trailer

# A flatbuffer root offset (4 bytes), then ExecuTorch's file identifier "ET" + 2-digit version.
_IDENTIFIER_AT = slice(4, 6)
_MINIMUM_BYTES = 16


class ProgramFileError(TorchMcuError):
    """The file is missing, not an ExecuTorch program, corrupted, or not compiled by torchmcu."""


def read_program_file(path: str | Path) -> bytes:
    """The bytes of a .pte, refused early when they cannot be an ExecuTorch program."""
    path = existing_file(path, ProgramFileError, "a .pte program")
    pte = path.read_bytes()
    if len(pte) == 0:
        raise ProgramFileError(f"{path}: empty file, expected a .pte program")
    if len(pte) < _MINIMUM_BYTES or pte[_IDENTIFIER_AT] != b"ET":
        raise ProgramFileError(f"{path}: not an ExecuTorch program (no 'ET' file identifier; "
                               "compile a model with `torchmcu compile`)")
    _, intact = split_trailer(pte)
    if intact is False:
        raise ProgramFileError(f"{path}: program corrupted: its CRC-32 does not match its bytes")
    return pte


def target_of(record: dict[str, Any]) -> str:
    """The `compile --target` string that reproduces a record's CPU and ISA."""
    from torchmcu.target import Target

    cpu = record["cpu"].removeprefix("cortex-")
    return Target(cpu=cpu, dsp=record["isa"] in ("dsp", "mve"), mve=record["isa"] == "mve").name


def program_plan(pte: bytes, path: str | Path = "program") -> dict[str, Any]:
    """The plan read off the program, with target, ISA and method pool taken from its record."""
    from torchmcu.plan import read_plan

    try:
        plan = read_plan(pte)
    except Exception as error:  # the deserializer raises many types on corrupted bytes
        raise ProgramFileError(f"{path}: truncated or corrupted ExecuTorch program "
                               f"({type(error).__name__})") from error
    record = plan.get("record")
    if not record:
        raise ProgramFileError(f"{path}: has no torchmcu record: not compiled by torchmcu "
                               "(compile it with `torchmcu compile`)")
    plan.update({
        "torchmcu_version": record["torchmcu_version"],
        "target": target_of(record),
        "isa": record["isa"],
        "method_allocator_bytes": record["method_pool_bytes"] or None,
    })
    return plan
