"""With a Zephyr workspace (ZEPHYR_BASE), build every sample for mps3/corstone300/an547, run it
in QEMU and compare its checksum with sample.yaml's (which the host build reproduces)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.zephyr.test_samples import SAMPLES, expected_checksum

REPO = Path(__file__).resolve().parents[2]
BOARD = "mps3/corstone300/an547"
ZEPHYR_BASE = os.environ.get("ZEPHYR_BASE")

pytestmark = [
    pytest.mark.skipif(not ZEPHYR_BASE, reason="ZEPHYR_BASE does not name a Zephyr workspace"),
    pytest.mark.skipif(shutil.which("west") is None, reason="west is not installed"),
]


def run_until(command: list[str], pattern: str, timeout_s: float) -> str:
    """Runs `command` until its output matches `pattern` (QEMU never exits by itself)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, deadline = "", time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            output += line
            if re.search(pattern, output):
                break
    finally:
        process.kill()
        process.wait()
    return output


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_runs_in_qemu_with_the_expected_checksum(tmp_path, sample):
    build = subprocess.run(["west", "build", "-p", "always", "-b", BOARD, "-d", str(tmp_path),
                            str(REPO / "samples" / sample), "--", f"-DZEPHYR_EXTRA_MODULES={REPO}"],
                           capture_output=True, text=True, timeout=3600)
    assert build.returncode == 0, (build.stdout + build.stderr)[-6000:]
    output = run_until(["west", "build", "-d", str(tmp_path), "-t", "run"], rf"{sample}: (done|.*failed)", 300)
    assert f"{sample}: done" in output, output[-3000:]
    assert re.search(rf"output 0: \d+ bytes checksum {expected_checksum(sample)}", output), output[-3000:]
