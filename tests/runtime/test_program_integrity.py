"""Program integrity: the CRC-32 trailer refuses flipped bits; the switch that turns it off; recompile hints."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.runtime.conftest import tiny_program
from torchmcu.record import CPU_CODES, ISA_CODES
from torchmcu.target import parse_target

KERNELS = Path(__file__).resolve().parents[2] / "kernels"
PROBE = r"""
#include <stdio.h>
#include <string.h>
#include "program_checks.h"
int main() {
  unsigned char bytes[9 + 8];
  memcpy(bytes, "123456789", 9);
  const unsigned magic = torchmcu::kTrailerMagic, crc = torchmcu::crc32(bytes, 9);
  memcpy(bytes + 9, &magic, 4);
  memcpy(bytes + 13, &crc, 4);
  bytes[2] ^= 1;  /* one flipped bit */
  torchmcu::ProgramTrailer t = torchmcu::read_trailer(bytes, sizeof bytes);
  printf("crc 0x%08x present %d intact %d size %u\n", crc, t.present, t.intact, (unsigned)t.program_size);
}
"""


def flipped(pte: bytes, at: int) -> bytes:
    damaged = bytearray(pte)
    damaged[at] ^= 0x10
    return bytes(damaged)


def test_a_flipped_bit_is_refused_by_the_runner_and_the_cli(tmp_path):
    from torchmcu.native import HostRunner, RunnerError

    pte = tiny_program().pte
    for at in (100, len(pte) // 2, len(pte) - 12):
        with pytest.raises(RunnerError, match="program corrupted"):
            HostRunner(flipped(pte, at))
        (tmp_path / "bad.pte").write_bytes(flipped(pte, at))
        result = subprocess.run([sys.executable, "-m", "torchmcu", "plan", str(tmp_path / "bad.pte")],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 1 and "program corrupted" in result.stderr, result.stderr


@pytest.mark.parametrize("verify,intact", [("1", 0), ("0", 1)])
def test_verify_switch_turns_the_crc_check_off(tmp_path, verify, intact):
    compiler = shutil.which("c++") or shutil.which("g++")
    if compiler is None:
        pytest.skip("no host C++ compiler")
    (tmp_path / "probe.cpp").write_text(PROBE)
    binary = tmp_path / "probe"
    subprocess.run([compiler, "-std=c++17", f"-DTORCHMCU_VERIFY_PROGRAM={verify}", f"-I{KERNELS / 'runner'}",
                    f"-I{KERNELS / 'include'}", str(tmp_path / "probe.cpp"), str(KERNELS / "runner" / "program_checks.cpp"),
                    "-o", str(binary)], check=True, capture_output=True, text=True)
    output = subprocess.run([str(binary)], capture_output=True, text=True, check=True).stdout
    # 0xcbf43926 is the CRC-32 check value of "123456789" (zlib.crc32 agrees).
    assert output.strip() == f"crc 0xcbf43926 present 1 intact {intact} size 9"


def test_every_recompile_hint_is_a_target_compile_accepts():
    from torchmcu.native import load_library

    library = load_library()
    for cpu_index, cpu in enumerate(CPU_CODES):
        for isa_index, isa in enumerate(ISA_CODES):
            hint = library.tmcu_recompile_target(cpu_index, isa_index).decode()
            target = parse_target(hint)  # raises on anything `compile --target` rejects
            assert target.isa == isa, (cpu, isa, hint)
