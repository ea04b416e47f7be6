"""Every reference model, run with the CMSIS-NN backend on the host, equals the Python
reference bit for bit (x86 runs CMSIS-NN's scalar path, so programs are planned for
cortex-m3). Needs CMSIS_NN_PATH; a process registers one kernel build, so the
models run in a child process (this file's __main__)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _cmsis_nn_path() -> str | None:
    value = os.environ.get("CMSIS_NN_PATH")
    return value if value and (Path(value) / "Include" / "arm_nnfunctions.h").exists() else None


@pytest.mark.skipif(_cmsis_nn_path() is None, reason="CMSIS_NN_PATH does not name a CMSIS-NN checkout")
def test_cmsis_nn_backend_matches_the_python_reference_on_every_model():
    result = subprocess.run([sys.executable, __file__], cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    from tests.models import ALL_MODELS

    assert sorted({row["model"] for row in rows}) == sorted(ALL_MODELS)
    for row in rows:
        assert max(row["max_abs_diff"]) == 0.0, row


def _run_all_models() -> None:
    import warnings

    warnings.simplefilter("ignore")
    from tests.models import ALL_MODELS, calibration_split
    from tests.runtime.conftest import max_abs_diffs, reference_program
    from torchmcu.native import BuildConfig, load_library

    load_library(BuildConfig(backend="cmsis_nn", cmsis_nn_path=_cmsis_nn_path()))
    for name in ALL_MODELS:
        program, module = reference_program(name, "cortex-m3")
        for sample in calibration_split(module)[1][:2]:
            diffs = max_abs_diffs(program, sample)
            print(json.dumps({"model": name, "max_abs_diff": diffs}), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    _run_all_models()
