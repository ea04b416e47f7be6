"""The program's integrity trailer: "TMCK" + CRC-32 of every byte before it (little-endian).

The compiler appends it; the C++ runner (kernels/runner/program_checks.h) and
`torchmcu plan/header/run` check it, so a flipped bit is refused as "program
corrupted". zlib's CRC-32 is the one the firmware computes.
"""

from __future__ import annotations

import struct
import zlib

MAGIC = b"TMCK"
TRAILER_BYTES = 8


def add_trailer(program: bytes) -> bytes:
    return program + MAGIC + struct.pack("<I", zlib.crc32(program))


def split_trailer(data: bytes) -> tuple[bytes, bool | None]:
    """(program bytes without the trailer, CRC intact?); None when there is no trailer."""
    if len(data) < TRAILER_BYTES or data[-TRAILER_BYTES:-4] != MAGIC:
        return data, None
    program = data[:-TRAILER_BYTES]
    return program, zlib.crc32(program) == struct.unpack("<I", data[-4:])[0]
