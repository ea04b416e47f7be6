"""The recurrent zoo models (benchmarks/zoo/lstm_kws.py, gru_kws.py) lower completely
(--strict), stay within 25 dB SQNR of float, and run bit-exact on both host backends.

Programs are planned for cortex-m3: x86 runs CMSIS-NN's scalar path, and the portable
backend ignores scratch. A process registers one kernel build, so the CMSIS-NN run is a
child process (this file's __main__) reading the programs, inputs and expected outputs.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from torchmcu.compare import sqnr_db
from torchmcu.compiler import compile as compile_model

REPO = Path(__file__).resolve().parents[2]
MODELS = ("lstm_kws", "gru_kws")
TARGET = "cortex-m3"
MIN_SQNR_DB = 25.0


def _zoo_file(name: str):
    """A file of benchmarks/zoo/ (imported here, not at the top: the CMSIS-NN child runs this file as a script)."""
    from tests.zoo.zoo_benchmark import zoo

    return zoo().load(name)


def _evaluation_clips() -> list:
    mfcc_clips = _zoo_file("_kws_features").mfcc_clips
    return [(clip,) for clip in mfcc_clips(4, seed=202)]  # not the calibration clips


@functools.lru_cache(maxsize=None)
def _program(name: str):
    module = _zoo_file(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(module.model(), module.example_inputs(), target=TARGET,
                                calibration=module.calibration_data(), strict=True)
    return program, module


@pytest.mark.parametrize("name", MODELS)
def test_lowers_completely_and_stays_close_to_float(name):
    program, module = _program(name)  # strict: a float op left would have failed the compile
    assert program.not_lowered == []
    float_model = module.model()
    for sample in _evaluation_clips():
        expected = float_model(*sample).detach()
        assert sqnr_db(expected, program.run_reference(*sample)[0]) >= MIN_SQNR_DB


@pytest.mark.parametrize("name", MODELS)
def test_portable_host_kernels_match_the_reference(name):
    from torchmcu.run import run_program

    program, _ = _program(name)
    for sample in _evaluation_clips():
        ours, _ = run_program(program.pte, [x.numpy() for x in sample])
        np.testing.assert_array_equal(ours[0], program.run_reference(*sample)[0].numpy())


def _cmsis_nn_path() -> str | None:
    value = os.environ.get("CMSIS_NN_PATH")
    return value if value and (Path(value) / "Include" / "arm_nnfunctions.h").exists() else None


@pytest.mark.skipif(_cmsis_nn_path() is None, reason="CMSIS_NN_PATH does not name a CMSIS-NN checkout")
def test_cmsis_nn_host_kernels_match_the_reference(tmp_path):
    for name in MODELS:
        program, _ = _program(name)
        (tmp_path / f"{name}.pte").write_bytes(program.pte)
        samples = _evaluation_clips()
        np.savez(tmp_path / f"{name}.npz",
                 **{f"input{i}": s[0].numpy() for i, s in enumerate(samples)},
                 **{f"expected{i}": program.run_reference(*s)[0].numpy() for i, s in enumerate(samples)})
    result = subprocess.run([sys.executable, __file__, str(tmp_path)], cwd=REPO, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert sorted(row["model"] for row in rows) == sorted(MODELS)
    assert all(row["max_abs_diff"] == 0.0 for row in rows), rows


def _run_with_cmsis_nn(directory: Path) -> None:
    from torchmcu.native import BuildConfig, load_library
    from torchmcu.run import run_program

    load_library(BuildConfig(backend="cmsis_nn", cmsis_nn_path=_cmsis_nn_path()))
    for name in MODELS:
        data = np.load(directory / f"{name}.npz")
        pte = (directory / f"{name}.pte").read_bytes()
        diff = 0.0
        for i in range(sum(1 for key in data.files if key.startswith("input"))):
            ours, _ = run_program(pte, [data[f"input{i}"]])
            diff = max(diff, float(np.max(np.abs(ours[0] - data[f"expected{i}"]))))
        print(json.dumps({"model": name, "max_abs_diff": diff}), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    _run_with_cmsis_nn(Path(sys.argv[1]))
