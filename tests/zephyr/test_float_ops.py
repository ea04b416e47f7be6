"""A program that keeps a float op fails the firmware build, naming the op, when the firmware links no
ExecuTorch portable kernels (torchmcu's Zephyr default), instead of failing to load on the device."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from torchmcu.native import _cmake

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "tests" / "host" / "model_files" / "unsupported_op.py"  # int8 linear, then a float cumsum


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("float_op")
    compiled = subprocess.run([sys.executable, "-m", "torchmcu", "compile", str(MODEL), "--output-dir", str(out),
                               "--name", "one_float_op", "--quiet"], capture_output=True, text=True, timeout=900)
    assert compiled.returncode == 0, compiled.stderr
    return out / "one_float_op.plan.json"


def check_plan(plan: Path, float_ops_linked: str) -> subprocess.CompletedProcess:
    """The step torchmcu_add_model() runs after compiling (cmake/torchmcu_check_plan.cmake)."""
    return subprocess.run([_cmake(), f"-DPLAN={plan}", "-DNAME=one_float_op", f"-DOUTPUT={plan.parent / 'memory.h'}",
                           "-DARENA_OVERRIDE=0", "-DPOOL_OVERRIDE=0", f"-DFLOAT_OPS_LINKED={float_ops_linked}",
                           "-P", str(REPO / "cmake" / "torchmcu_check_plan.cmake")], capture_output=True, text=True)


def test_without_portable_kernels_the_build_stops_naming_the_float_op(plan):
    result = check_plan(plan, "OFF")
    assert result.returncode != 0
    log = " ".join(result.stderr.split())
    assert "model 'one_float_op' keeps float ops that torchmcu does not lower: aten::cumsum.out." in log
    assert "CONFIG_EXECUTORCH_BUILD_PORTABLE_OPS=n" in log


def test_with_portable_kernels_the_program_builds(plan):
    result = check_plan(plan, "ON")
    assert result.returncode == 0, result.stderr
    assert "#define ONE_FLOAT_OP_ARENA_BYTES" in (plan.parent / "memory.h").read_text()
