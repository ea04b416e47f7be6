"""The numeric core (kernels/nn, portable backend) as a shared library for ctypes tests."""

from __future__ import annotations

import concurrent.futures
import ctypes
import functools
import hashlib
import os
import subprocess
from pathlib import Path

import numpy as np

from torchmcu.native import cache_dir

REPO = Path(__file__).resolve().parents[2]
NN = REPO / "kernels" / "nn"


class Dims(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in "nhwc"]


class Buf(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("size", ctypes.c_int32)]


class Quant(ctypes.Structure):
    _fields_ = [("multiplier", ctypes.c_void_p), ("shift", ctypes.c_void_p), ("count", ctypes.c_int32)]


class ConvParams(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in ("input_offset", "output_offset", "stride_h", "stride_w", "pad_h",
                                              "pad_w", "dilation_h", "dilation_w", "act_min", "act_max")]


class AddParams(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in (
        "input1_offset", "input1_multiplier", "input1_shift", "input2_offset", "input2_multiplier", "input2_shift",
        "left_shift", "output_offset", "output_multiplier", "output_shift", "act_min", "act_max")]


class MulParams(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in ("input1_offset", "input2_offset", "output_offset", "output_multiplier",
                                              "output_shift", "act_min", "act_max")]


class PoolParams(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in ("kernel_h", "kernel_w", "stride_h", "stride_w", "pad_h", "pad_w",
                                              "act_min", "act_max")]


class BmmParams(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in ("lhs_offset", "rhs_offset", "output_offset", "multiplier", "shift",
                                              "act_min", "act_max")]


BACKENDS = ("portable", "cmsis_nn")


def cmsis_nn_path() -> Path | None:
    """The CMSIS-NN checkout named by CMSIS_NN_PATH, or None."""
    value = os.environ.get("CMSIS_NN_PATH")
    return Path(value) if value and (Path(value) / "Include" / "arm_nnfunctions.h").exists() else None


# The QEMU harness's case dispatcher, compiled into the host library too: one case format,
# one set of case generators (tests/target/cases.py) for host and target runs.
HARNESS = REPO / "tests" / "target" / "harness"


def sources(backend: str = "portable") -> list[Path]:
    """The numeric core of `backend` as kernels/torchmcu_sources.cmake lists it (plus CMSIS-NN itself)."""
    files = sorted((NN / "common").glob("*.c")) + sorted((NN / "portable").glob("*.c"))
    if backend == "cmsis_nn":
        checkout = cmsis_nn_path()
        files += sorted((NN / "cmsis_nn").glob("*.c"))
        files += sorted(p for p in (checkout / "Source").rglob("*.c") if not p.name.endswith(("_f16.c", "_f32.c")))
    return files


@functools.lru_cache(maxsize=None)
def cmsis_nn_definitions(checkout: Path) -> tuple[str, ...]:
    """The -D flags the CMake builds derive from a checkout (torchmcu_cmsis_nn_definitions in
    kernels/torchmcu_sources.cmake, run in script mode: one definition list for every build)."""
    from torchmcu.native import _cmake

    result = subprocess.run([_cmake(), f"-DTORCHMCU_CMSIS_NN_CHECKOUT={checkout}", "-P",
                             str(REPO / "kernels" / "torchmcu_sources.cmake")], capture_output=True, text=True,
                            check=True)
    return tuple(f"-D{line}" for line in result.stderr.split())


def compile_flags(backend: str = "portable", checkout: Path | None = None) -> list[str]:
    """Flags for our sources; the CMSIS-NN backend uses `checkout` (default: CMSIS_NN_PATH)."""
    flags = [f"-I{REPO / 'kernels' / 'include'}", f"-I{HARNESS}"]
    if backend == "cmsis_nn":
        checkout = checkout or cmsis_nn_path()
        flags += [f"-I{checkout / 'Include'}", "-DTORCHMCU_USE_CMSIS_NN=1", *cmsis_nn_definitions(checkout)]
    return flags


SHARED_ZEPHYR = REPO.parent / "shared" / "zephyr"


@functools.lru_cache(maxsize=None)
def zephyr_cmsis_nn_path() -> Path | None:
    """The CMSIS-NN that Zephyr 4.1 pins (zephyr-v7.0.0), from the CI workspace in ../shared/zephyr.

    None when ../shared/zephyr is absent. Otherwise its env.sh extracts the workspace
    (once, cached, safe to run concurrently) and names it; a failure there is an error,
    not a skip: CI has the workspace and must test against it."""
    env_sh = SHARED_ZEPHYR / "env.sh"
    if not env_sh.is_file():
        return None
    result = subprocess.run(["bash", "-c", '. "$1" >&2 && printf %s "$TORCHMCU_ZEPHYR_WS"', "env.sh", str(env_sh)],
                            capture_output=True, text=True)
    if result.returncode != 0 or not result.stdout:
        raise RuntimeError(f"{env_sh} failed:\n{result.stderr[-2000:]}")
    checkout = Path(result.stdout) / "modules" / "lib" / "cmsis-nn"
    if not (checkout / "Include" / "arm_nnfunctions.h").is_file():
        raise RuntimeError(f"the Zephyr workspace {result.stdout} has no CMSIS-NN module at {checkout}")
    return checkout


@functools.lru_cache(maxsize=None)
def library(backend: str = "portable", selection_header: str | None = None) -> ctypes.CDLL:
    """`selection_header`: a torchmcu_kernel_selection.h to build with, as a firmware's kernel selection
    does (kernels/nn/common/selection.h); None builds every kernel and fallback, as the host build."""
    if backend == "cmsis_nn" and cmsis_nn_path() is None:
        raise RuntimeError("the cmsis_nn backend needs CMSIS_NN_PATH to name a CMSIS-NN checkout")
    digest = hashlib.sha256(backend.encode() + b"-Bsymbolic")
    digest.update((selection_header or "").encode())
    headers = sorted((REPO / "kernels" / "include").rglob("*.h")) + sorted(NN.rglob("*.h"))
    if backend == "cmsis_nn":
        headers += sorted((cmsis_nn_path() / "Include").rglob("*.h"))
    for path in sources(backend) + headers + [HARNESS / "dispatch.c", HARNESS / "cases.h"]:
        digest.update(path.read_bytes())
    cache = cache_dir() / "nn"
    cache.mkdir(parents=True, exist_ok=True)
    so = cache / f"libtmcu_nn_{backend}_{digest.hexdigest()[:16]}.so"
    selection_flags = []
    if selection_header is not None:
        include = so.with_suffix(".selection")
        include.mkdir(exist_ok=True)
        header = include / "torchmcu_kernel_selection.h"
        if not header.is_file() or header.read_text() != selection_header:
            written = header.with_suffix(f".{os.getpid()}.tmp")  # another process may be compiling with it
            written.write_text(selection_header)
            written.replace(header)
        selection_flags = ["-DTORCHMCU_KERNEL_SELECTION", f"-I{include}"]
    if not so.exists():
        def compile_one(source: Path) -> str:
            # CMSIS-NN is third-party C: compiled as its CMakeLists does, without our -Werror.
            warnings = ["-std=c99", "-Wall", "-Wextra", "-Werror"] if REPO in source.parents else []
            # Per process: two test processes may build the same library at once (pytest -n).
            obj = so.with_name(f"{so.stem}_{hashlib.sha1(str(source).encode()).hexdigest()[:10]}.{os.getpid()}.o")
            subprocess.run(["gcc", "-O2", "-fPIC", *warnings, *compile_flags(backend), *selection_flags, "-c", str(source),
                            "-o", str(obj)], check=True, capture_output=True, text=True)
            return str(obj)

        with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            objects = list(pool.map(compile_one, sources(backend) + [HARNESS / "dispatch.c"]))
        temporary = so.with_suffix(f".{os.getpid()}.tmp")
        # -Bsymbolic: the library's calls bind to its own kernels. Without it, a torchmcu host runtime loaded
        # RTLD_GLOBAL earlier in the process (torchmcu.native) would interpose its tmcu_* functions.
        subprocess.run(["gcc", "-shared", "-Wl,-Bsymbolic", *objects, "-lm", "-o", str(temporary)], check=True,
                       capture_output=True, text=True)
        temporary.rename(so)
        for obj in objects:
            Path(obj).unlink()
    return ctypes.CDLL(str(so))


def ptr(array: np.ndarray | None) -> ctypes.c_void_p | None:
    """A pointer argument (a bare int would be passed as a 32-bit C int)."""
    return None if array is None else ctypes.c_void_p(array.ctypes.data)


def dims(shape) -> Dims:
    shape = [1] * (4 - len(shape)) + list(shape)
    return Dims(*shape)


def quant(multiplier: np.ndarray, shift: np.ndarray) -> Quant:
    return Quant(multiplier.ctypes.data, shift.ctypes.data, len(multiplier))
