"""Corrupted programs never crash the runner (AddressSanitizer + UBSan build), and never run silently.

At least 2,000 mutated programs per run: truncations, bit flips, overwritten,
zeroed and copied spans, appended garbage. Each must be refused with an error
code or run cleanly; the sanitizers abort the process on any memory error.
Damage the program's CRC-32 trailer should catch (the file as flash holds it)
must never load and change the output; half the cases re-seal the damaged
bytes so the structural checks behind the CRC are exercised too.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from torchmcu.native import BuildConfig, build_library

CASES = 2500


@pytest.mark.parametrize("seed", [1, 2])
def test_mutated_programs_never_crash(tiny_pte, seed):
    library = build_library(BuildConfig(sanitize=True))
    fuzzer = library.parent / "torchmcu_fuzz_runner"
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=1", UBSAN_OPTIONS="halt_on_error=1")
    result = subprocess.run([str(fuzzer), str(tiny_pte), str(CASES), str(seed)], capture_output=True, text=True, errors="replace",
                            timeout=900, env=env)
    print(result.stdout)
    assert result.returncode == 0, f"fuzzer crashed (exit {result.returncode}):\n{result.stderr[-4000:]}"
    assert "ERROR: AddressSanitizer" not in result.stderr and "runtime error:" not in result.stderr
    stats = dict(re.findall(r"^([a-z-]+) (\d+)$", result.stdout, re.M))
    assert int(stats["cases"]) == CASES and int(stats["crashes"]) == 0
    assert int(stats["damaged"]) > CASES // 3 and int(stats["silent-changes"]) == 0, result.stdout
    assert int(stats["single-bit-flips"]) == CASES and int(stats["flip-silent-changes"]) == 0, result.stdout
    # Some mutations leave the program valid (e.g. flips in weights): the fuzzer reached execution.
    assert int(stats["ran"]) > 0, result.stdout
