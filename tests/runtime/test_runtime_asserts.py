"""TORCHMCU_RUNTIME_ASSERTS: a kernel compares its planned scratch with what CMSIS-NN asks for.

The host build compiles the scalar path, so programs are planned for a scalar
core (cortex-m3). Each run happens in its own process: a process can register
one build of the kernels only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings

import pytest

import torchmcu.scratch_sizes as scratch_sizes
from tests.kernels.nn_lib import cmsis_nn_path
from tests.runtime.conftest import MODEL_FILES
from torchmcu.compiler import compile as compile_model
from torchmcu.model_file import load_model_file

RUN_WITH_ASSERTS = textwrap.dedent("""
    import os, sys
    import numpy as np
    from torchmcu.native import BuildConfig, HostRunner, RunnerError
    backend = sys.argv[2]
    config = BuildConfig(backend=backend, runtime_asserts=True,
                         cmsis_nn_path=os.environ.get("CMSIS_NN_PATH") if backend == "cmsis_nn" else None)
    runner = HostRunner(open(sys.argv[1], "rb").read(), config=config)
    try:
        runner.run(np.zeros((1, 1, 12, 12), np.float32))
    except RunnerError as error:
        print("refused:", error.message)
        sys.exit(3)
    print("ran")
""")


def compile_tiny(path):
    model = load_model_file(MODEL_FILES / "tiny_cnn.py")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(model.module, model.example_inputs, target="cortex-m3", calibration=model.calibration)
    path.write_bytes(program.pte)
    return program




def run(path, backend):
    env = {**os.environ, **({"CMSIS_NN_PATH": str(CMSIS_NN_PATH)} if CMSIS_NN_PATH else {})}
    return subprocess.run([sys.executable, "-c", RUN_WITH_ASSERTS, str(path), backend], capture_output=True,
                          text=True, timeout=900, env=env)


# With the CMSIS-NN backend the assert asks the linked CMSIS-NN's own *_get_buffer_size.
CMSIS_NN_PATH = cmsis_nn_path()
BACKENDS = ["portable", pytest.param("cmsis_nn", marks=pytest.mark.skipif(
    cmsis_nn_path() is None, reason="CMSIS_NN_PATH does not name a CMSIS-NN checkout"))]


@pytest.mark.parametrize("backend", BACKENDS)
def test_matching_scratch_passes_the_assert(tmp_path, backend):
    program = compile_tiny(tmp_path / "right.pte")
    assert program.plan["peak_scratch_bytes"] > 0  # the 3x3 convs carry planned scratch
    result = run(tmp_path / "right.pte", backend)
    assert result.returncode == 0 and "ran" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("backend", BACKENDS)
def test_wrong_scratch_size_fires_the_assert(tmp_path, monkeypatch, backend):
    if backend == "cmsis_nn":
        # A CMSIS-NN build accepts only programs whose sizing id is its own, and the id is a hash of
        # what the sizers return: a wrong size under the right id is the case the assert is the
        # last line of defence for (a sizer bug the probe set misses).
        from torchmcu.cmsis_nn_checkout import CheckoutSizer

        real_id = CheckoutSizer(CMSIS_NN_PATH).sizing_version()
        real = CheckoutSizer.conv2d_scratch_bytes
        monkeypatch.setattr(CheckoutSizer, "conv2d_scratch_bytes", lambda self, *a, **k: real(self, *a, **k) + 16)
        monkeypatch.setattr(CheckoutSizer, "sizing_version", lambda self: real_id)
    else:
        monkeypatch.delenv("CMSIS_NN_PATH", raising=False)  # plan with the built-in sizes
        real = scratch_sizes.conv2d_scratch_bytes
        monkeypatch.setattr(scratch_sizes, "conv2d_scratch_bytes", lambda *a, **k: real(*a, **k) + 16)
    program = compile_tiny(tmp_path / "wrong.pte")
    # Execution stops at the first convolution, whose planned scratch is 16 bytes too large.
    planned = next(op["scratch_bytes"] for op in program.plan["ops"]
                   if op["op"].startswith("torchmcu::conv2d") and op["scratch_bytes"] > 0)
    result = run(tmp_path / "wrong.pte", backend)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "torchmcu::conv2d: runtime assert: planned scratch is" in result.stderr
    assert f"is {planned} bytes, CMSIS-NN (scalar) needs {planned - 16} bytes" in result.stderr
