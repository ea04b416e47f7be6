"""Build (once, cached) and drive the C++ kernels + runner on the host.

The library is built with CMake against the executorch wheel's runtime and
loaded with RTLD_GLOBAL so its EXECUTORCH_LIBRARY registrations are visible.
`HostRunner` wraps the same `torchmcu::Runner` the firmware uses.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from torchmcu.errors import TorchMcuError
from torchmcu.fingerprint import KERNEL_SUFFIXES, add_tree

REPO_ROOT = Path(__file__).resolve().parents[2]
KERNELS_DIR = REPO_ROOT / "kernels"
BACKENDS = ("portable", "cmsis_nn")
# torchmcu::GuardedPoolAllocator::kGuardBytes (kernels/include/torchmcu/runner.h).
GuardBytes = 1024


class NativeBuildError(TorchMcuError):
    """The host kernel library could not be built."""


class RunnerError(TorchMcuError):
    """The runner refused a program or failed to run it (message from the C++ runner)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{message} (error {code})")
        self.code = code
        self.message = message
        self.instruction: int | None = None


@dataclass(frozen=True)
class BuildConfig:
    backend: str = "portable"
    runtime_asserts: bool = False
    sanitize: bool = False
    cmsis_nn_path: str | None = None

    def key(self) -> str:
        digest = hashlib.sha256()
        add_tree(digest, KERNELS_DIR, KERNEL_SUFFIXES)
        digest.update(repr(self).encode())
        if self.cmsis_nn_path:
            # The build embeds the checkout's sizing id: a new id definition needs a new build.
            digest.update((Path(__file__).parent / "sizing_id.py").read_bytes())
        return f"{self.backend}{'-asserts' if self.runtime_asserts else ''}{'-asan' if self.sanitize else ''}-" + (
            digest.hexdigest()[:16]
        )


def cache_dir() -> Path:
    return Path(os.environ.get("TORCHMCU_CACHE", Path.home() / ".cache" / "torchmcu"))


def executorch_package_dir() -> Path:
    """The installed executorch package (a namespace package: no __init__.py)."""
    import importlib.util

    spec = importlib.util.find_spec("executorch")
    if spec is None or not spec.submodule_search_locations:
        raise NativeBuildError("the executorch package is not installed (pip install executorch==1.5.1)")
    return Path(list(spec.submodule_search_locations)[0])


def _cmake() -> str:
    candidate = Path(sys.executable).parent / "cmake"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("cmake")
    if not found:
        raise NativeBuildError("cmake not found: `pip install 'cmake>=3.28'`")
    return found


def build_library(config: BuildConfig = BuildConfig()) -> Path:
    """Build the host library for `config` if not cached; return the .so path."""
    if config.backend not in BACKENDS:
        raise NativeBuildError(f"unknown backend {config.backend!r}; valid: {', '.join(BACKENDS)}")
    if config.backend == "cmsis_nn" and not config.cmsis_nn_path:
        raise NativeBuildError("the cmsis_nn backend needs a CMSIS-NN checkout: set CMSIS_NN_PATH")
    key = config.key()
    build_dir = cache_dir() / "build" / key
    library = build_dir / "libtorchmcu_host.so"
    # The marker is written after a whole build: a library still being linked is never loaded.
    complete = build_dir / ".complete"
    if complete.exists():
        return library
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    # Concurrent first runs (test workers, parallel `torchmcu run`s) share one cache: the first
    # builds while the others wait on the lock, then find the library.
    with open(build_dir.parent / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not complete.exists():
            _build(config, build_dir)
            complete.write_text("")
    return library


def _build(config: BuildConfig, build_dir: Path) -> None:
    """Configure and build into `build_dir` (caller holds the lock); on failure nothing half-built remains."""
    executorch_prefix = executorch_package_dir()
    configure = [
        _cmake(), "-S", str(KERNELS_DIR / "host"), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release",
        f"-DCMAKE_PREFIX_PATH={executorch_prefix}", f"-DTORCHMCU_BACKEND={config.backend}",
        f"-DTORCHMCU_RUNTIME_ASSERTS={'ON' if config.runtime_asserts else 'OFF'}",
        f"-DTORCHMCU_SANITIZE={'ON' if config.sanitize else 'OFF'}",
    ]
    if config.cmsis_nn_path:
        configure += [f"-DCMSIS_NN_PATH={config.cmsis_nn_path}", f"-DTORCHMCU_PYTHON_FOR_SIZING={sys.executable}"]
    for command in (configure, [_cmake(), "--build", str(build_dir), "-j", str(os.cpu_count() or 2)]):
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            log = (result.stdout + result.stderr)[-4000:]
            shutil.rmtree(build_dir, ignore_errors=True)
            raise NativeBuildError(f"building the host kernels failed ({' '.join(command[:2])} ...):\n{log}")


_LOADED: dict[BuildConfig, ctypes.CDLL] = {}


def load_library(config: BuildConfig | None = None) -> ctypes.CDLL:
    """Load the host library (RTLD_GLOBAL: its kernel registrations go into ExecuTorch's registry).

    Only one backend's kernels can be registered in a process: loading a second
    configuration raises (run it in a subprocess instead). No config means the
    one already loaded, else the portable default.
    """
    if config is None:
        config = next(iter(_LOADED), BuildConfig())
    if config in _LOADED:
        return _LOADED[config]
    if _LOADED:
        other = next(iter(_LOADED))
        raise NativeBuildError(
            f"this process already registered torchmcu kernels built as {other}; "
            f"{config} must run in another process"
        )
    from executorch.extension.pybindings import portable_lib  # noqa: F401  (loads libexecutorch first)

    library = ctypes.CDLL(str(build_library(config)), mode=ctypes.RTLD_GLOBAL)
    _declare(library)
    _LOADED[config] = library
    return library


def _declare(lib: ctypes.CDLL) -> None:
    vp, sz, c_int = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    signatures = {
        "tmcu_runner_new": ([], vp),
        "tmcu_runner_free": ([vp], None),
        "tmcu_runner_load": ([vp, vp, sz, vp, sz, vp, sz], c_int),
        "tmcu_runner_num_inputs": ([vp], sz),
        "tmcu_runner_num_outputs": ([vp], sz),
        "tmcu_runner_input_nbytes": ([vp, sz], sz),
        "tmcu_runner_set_input": ([vp, sz, vp, sz], c_int),
        "tmcu_runner_run": ([vp], c_int),
        "tmcu_runner_run_profiled": ([vp, ctypes.POINTER(ctypes.c_uint64), sz, ctypes.POINTER(sz)], c_int),
        "tmcu_runner_output": ([vp, sz, ctypes.POINTER(vp), ctypes.POINTER(sz)], c_int),
        "tmcu_runner_planned_arena_bytes": ([vp], sz),
        "tmcu_runner_method_pool_used": ([vp], sz),
        "tmcu_runner_last_error": ([vp], ctypes.c_char_p),
        "tmcu_fnv1a32": ([vp, sz], ctypes.c_uint32),
        "tmcu_recompile_target": ([ctypes.c_int64, ctypes.c_int64], ctypes.c_char_p),
    }
    for name, (argtypes, restype) in signatures.items():
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = argtypes, restype


def _aligned_buffer(nbytes: int, alignment: int = 16) -> tuple[np.ndarray, int]:
    raw = np.zeros(nbytes + alignment, dtype=np.uint8)
    offset = (-raw.ctypes.data) % alignment
    return raw, raw.ctypes.data + offset


class HostRunner:
    """One program loaded in the C++ runner, with host-allocated arena and method pool."""

    DEFAULT_METHOD_POOL = 1 << 20

    def __init__(self, pte: bytes, arena_bytes: int | None = None, method_pool_bytes: int | None = None,
                 config: BuildConfig | None = None) -> None:
        self._lib = load_library(config)
        self._handle = self._lib.tmcu_runner_new()
        self._program = ctypes.create_string_buffer(pte, len(pte))
        if arena_bytes is None:
            from torchmcu.plan import read_plan

            try:
                arena_bytes = read_plan(pte)["arena_bytes"] + 16 * 4
            except Exception:  # unreadable bytes: the runner's own checks (CRC first) say why
                arena_bytes = 0
        pool_bytes = self.DEFAULT_METHOD_POOL if method_pool_bytes is None else method_pool_bytes
        self._arena, arena_ptr = _aligned_buffer(arena_bytes)
        self._pool, pool_ptr = _aligned_buffer(pool_bytes)
        code = self._lib.tmcu_runner_load(self._handle, self._program, len(pte), arena_ptr, arena_bytes,
                                          pool_ptr if pool_bytes else None, pool_bytes)
        self._check(code)

    def _check(self, code: int) -> None:
        if code != 0:
            raise RunnerError(code, self._lib.tmcu_runner_last_error(self._handle).decode())

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle:
            self._lib.tmcu_runner_free(handle)
            self._handle = None

    @property
    def num_inputs(self) -> int:
        return self._lib.tmcu_runner_num_inputs(self._handle)

    @property
    def num_outputs(self) -> int:
        return self._lib.tmcu_runner_num_outputs(self._handle)

    @property
    def method_pool_used(self) -> int:
        return self._lib.tmcu_runner_method_pool_used(self._handle)

    @property
    def planned_arena_bytes(self) -> int:
        return self._lib.tmcu_runner_planned_arena_bytes(self._handle)

    def set_input(self, index: int, array: np.ndarray) -> None:
        data = np.ascontiguousarray(array)
        self._check(self._lib.tmcu_runner_set_input(self._handle, index, data.ctypes.data, data.nbytes))

    def run(self, *inputs: np.ndarray) -> None:
        for i, array in enumerate(inputs):
            self.set_input(i, array)
        self._check(self._lib.tmcu_runner_run(self._handle))

    def run_profiled(self, capacity: int = 4096) -> list[int]:
        timings = (ctypes.c_uint64 * capacity)()
        count = ctypes.c_size_t(0)
        try:
            self._check(self._lib.tmcu_runner_run_profiled(self._handle, timings, capacity, ctypes.byref(count)))
        except RunnerError as error:
            error.instruction = count.value  # the instruction that failed
            raise
        return list(timings[: count.value])

    def output_bytes(self, index: int) -> bytes:
        data, nbytes = ctypes.c_void_p(), ctypes.c_size_t()
        code = self._lib.tmcu_runner_output(self._handle, index, ctypes.byref(data), ctypes.byref(nbytes))
        if code != 0:
            raise RunnerError(code, f"output {index} does not exist")
        return ctypes.string_at(data, nbytes.value)

    def fnv1a32(self, payload: bytes) -> int:
        return self._lib.tmcu_fnv1a32(payload, len(payload))
