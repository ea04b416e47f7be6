"""cmake/torchmcu_check_plan.cmake: the arena and method-pool bytes a firmware reserves for a model,
or one build error naming the sizes (no Zephyr workspace needed: it is a `cmake -P` script)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "cmake" / "torchmcu_check_plan.cmake"


def cmake() -> str:
    beside_python = Path(sys.executable).parent / "cmake"
    return str(beside_python) if beside_python.exists() else shutil.which("cmake")


def check_plan(tmp_path: Path, plan: dict, pool_override: int = 0) -> tuple[subprocess.CompletedProcess, Path]:
    plan_file, header = tmp_path / "model.plan.json", tmp_path / "model_memory.h"
    plan_file.write_text(json.dumps(plan))
    result = subprocess.run([cmake(), f"-DPLAN={plan_file}", "-DNAME=model", f"-DOUTPUT={header}",
                             "-DARENA_OVERRIDE=0", f"-DPOOL_OVERRIDE={pool_override}", "-P", str(SCRIPT)],
                            capture_output=True, text=True)
    return result, header


def test_a_measured_plan_reserves_its_method_pool(tmp_path):
    result, header = check_plan(tmp_path, {"arena_bytes": 138240, "method_allocator_bytes": 30694})
    assert result.returncode == 0, result.stderr
    assert "#define MODEL_METHOD_POOL_BYTES 30694u" in header.read_text()


def test_a_plan_without_a_method_pool_size_fails_the_build_naming_it(tmp_path):
    """An unmeasured pool (null in plan.json, 0 in the record) once reserved 0 bytes, and the device
    refused the load ("method pool too small: 0 bytes given")."""
    result, header = check_plan(tmp_path, {"arena_bytes": 138240, "method_allocator_bytes": None})
    message = " ".join(result.stderr.split())  # CMake wraps its error lines
    assert result.returncode != 0
    assert "model 'model' has no method-pool size: its plan (arena 138240 bytes) carries method_allocator_bytes 0" \
        in message
    assert "set CONFIG_TORCHMCU_METHOD_ALLOCATOR_SIZE" in message
    assert not header.exists()


def test_an_override_sizes_an_unmeasured_method_pool(tmp_path):
    result, header = check_plan(tmp_path, {"arena_bytes": 138240, "method_allocator_bytes": None}, pool_override=32768)
    assert result.returncode == 0, result.stderr
    assert "#define MODEL_METHOD_POOL_BYTES 32768u" in header.read_text()
