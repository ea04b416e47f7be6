"""The host CMSIS-NN backend built from the CMSIS-NN Zephyr 4.1 pins (zephyr-v7.0.0, from the
workspace in ../shared/zephyr) runs every sample's program and reference models that cover
conv1d, depthwise and transposed convolution bit-exact with the Python reference.

x86 runs CMSIS-NN's scalar code, so programs are planned for cortex-m3 with that checkout's own
sizers (CMSIS_NN_PATH in the child), as a Zephyr 4.1 firmware build plans them; the runner built
from the checkout refuses a program sized for another. A process
registers one kernel build, so the programs run in a child process (this file's __main__).
Skips with the reason when ../shared/zephyr is absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kernels.nn_lib import SHARED_ZEPHYR, zephyr_cmsis_nn_path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted(REPO.glob("samples/*/model.py"))
# silero_vad: conv1d + depthwise conv1d; conv_decoder: transposed convolutions (stride 2, pad 1:
# the shapes zephyr-v7.0.0's arm_transpose_conv_s8 gets wrong); ds_cnn: depthwise 2-D.
REFERENCE_MODELS = ("silero_vad", "conv_decoder", "ds_cnn")


@pytest.mark.skipif(not (SHARED_ZEPHYR / "env.sh").is_file(),
                    reason=f"{SHARED_ZEPHYR} is absent (the Zephyr 4.1 workspace with CMSIS-NN zephyr-v7.0.0)")
def test_zephyr_cmsis_nn_runs_samples_and_models_bit_exact():
    checkout = zephyr_cmsis_nn_path()
    env = {**os.environ, "CMSIS_NN_PATH": str(checkout), "PYTHONPATH": os.pathsep.join(
        [str(REPO / "host"), str(REPO), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, __file__], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert sorted({row["program"] for row in rows}) == sorted([p.parent.name for p in SAMPLES] + list(REFERENCE_MODELS))
    for row in rows:
        assert row["max_abs_diff"] == [0.0] * len(row["max_abs_diff"]), row


def _run_programs() -> None:
    import warnings

    warnings.simplefilter("ignore")
    from tests.models import calibration_split
    from tests.runtime.conftest import max_abs_diffs, reference_program
    from torchmcu.compiler import compile as compile_model
    from torchmcu.model_file import load_model_file
    from torchmcu.native import BuildConfig, load_library

    checkout = Path(os.environ["CMSIS_NN_PATH"])
    load_library(BuildConfig(backend="cmsis_nn", cmsis_nn_path=str(checkout)))
    programs = []
    for path in SAMPLES:
        model = load_model_file(path)
        program = compile_model(model.module, model.example_inputs, target="cortex-m3",
                                calibration=model.calibration)
        programs.append((path.parent.name, program, [model.example_inputs, *(model.calibration or [])[:1]]))
    for name in REFERENCE_MODELS:
        program, module = reference_program(name, "cortex-m3")
        programs.append((name, program, calibration_split(module)[1][:2]))
    for name, program, samples in programs:
        for sample in samples:
            diffs = max_abs_diffs(program, sample)
            print(json.dumps({"program": name, "max_abs_diff": diffs}), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    _run_programs()
