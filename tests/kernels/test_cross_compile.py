"""The numeric core cross-compiles for Cortex-M with Debian's arm-none-eabi-gcc and -Werror."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.kernels.nn_lib import REPO, cmsis_nn_path, compile_flags, sources

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


@pytest.mark.skipif(GCC is None, reason="arm-none-eabi-gcc is not installed (scripts/setup.sh --test installs it)")
@pytest.mark.skipif(cmsis_nn_path() is None, reason="CMSIS_NN_PATH does not name a CMSIS-NN checkout")
@pytest.mark.parametrize("cpu", list(CPUS))
def test_cmsis_nn_backend_cross_compiles(tmp_path, cpu):
    """Our CMSIS-NN wrappers (and the renamed portable fallbacks) build with -Werror on every core."""
    ours = [s for s in sources("cmsis_nn") if REPO in s.parents]
    for source in ours:
        command = [GCC, "-std=c99", "-O2", "-mthumb", *CPUS[cpu], "-Wall", "-Wextra", "-Werror", "-c",
                   *compile_flags("cmsis_nn"), str(source), "-o", str(tmp_path / (source.stem + ".o"))]
        result = subprocess.run(command, capture_output=True, text=True)
        assert result.returncode == 0, f"{source.name} for {cpu}:\n{result.stderr}"
