"""The numeric core cross-compiles for Cortex-M with Debian's arm-none-eabi-gcc and -Werror."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.kernels.nn_lib import NN, SHARED_ZEPHYR, REPO, cmsis_nn_path, compile_flags, sources, zephyr_cmsis_nn_path

GCC = shutil.which("arm-none-eabi-gcc")
CPUS = {
    "cortex-m55": ["-mcpu=cortex-m55", "-mfloat-abi=hard"],
    "cortex-m33": ["-mcpu=cortex-m33", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"],
    "cortex-m4": ["-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
    "cortex-m0plus": ["-mcpu=cortex-m0plus", "-mfloat-abi=soft"],
}


@pytest.mark.skipif(GCC is None, reason="arm-none-eabi-gcc is not installed (scripts/setup.sh --test installs it)")
@pytest.mark.parametrize("cpu", list(CPUS))
@pytest.mark.parametrize("asserts", [False, True])
def test_portable_core_cross_compiles(tmp_path, cpu, asserts):
    for source in sources():
        command = [GCC, "-std=c99", "-O2", "-mthumb", *CPUS[cpu], "-Wall", "-Wextra", "-Werror", "-c",
                   f"-I{REPO / 'kernels' / 'include'}", *(["-DTORCHMCU_RUNTIME_ASSERTS"] if asserts else []),
                   str(source), "-o", str(tmp_path / (source.stem + ".o"))]
        result = subprocess.run(command, capture_output=True, text=True)
        assert result.returncode == 0, f"{source.name} for {cpu}:\n{result.stderr}"


def _checkout(name: str) -> Path:
    checkout = cmsis_nn_path() if name == "CMSIS_NN_PATH" else zephyr_cmsis_nn_path()
    if checkout is None:
        pytest.skip("CMSIS_NN_PATH does not name a CMSIS-NN checkout" if name == "CMSIS_NN_PATH"
                    else f"{SHARED_ZEPHYR} is absent (the Zephyr 4.1 workspace with CMSIS-NN zephyr-v7.0.0)")
    return checkout


@pytest.mark.skipif(GCC is None, reason="arm-none-eabi-gcc is not installed (scripts/setup.sh --test installs it)")
@pytest.mark.parametrize("checkout", ["CMSIS_NN_PATH", "zephyr-v7.0.0"])
@pytest.mark.parametrize("cpu", list(CPUS))
def test_cmsis_nn_backend_cross_compiles(tmp_path, cpu, checkout):
    """Our CMSIS-NN wrappers (and the renamed portable fallbacks) build with -Werror on every core,
    against the newest CMSIS-NN we support and the one Zephyr 4.1 pins."""
    path = _checkout(checkout)
    ours = sources() + sorted((NN / "cmsis_nn").glob("*.c"))
    for source in ours:
        command = [GCC, "-std=c99", "-O2", "-mthumb", *CPUS[cpu], "-Wall", "-Wextra", "-Werror", "-c",
                   *compile_flags("cmsis_nn", path), str(source), "-o", str(tmp_path / (source.stem + ".o"))]
        result = subprocess.run(command, capture_output=True, text=True)
        assert result.returncode == 0, f"{source.name} for {cpu}:\n{result.stderr}"
