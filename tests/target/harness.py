"""Build the bare-metal harness (tests/target/harness) for a QEMU machine and run cases on it.

One ELF per (machine, backend), cached by the hash of its sources and flags. A run
writes cases.bin into a temporary directory, starts qemu-system-arm there with
semihosting and -icount shift=0, and reads results.bin back. See docs/target.md.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from torchmcu.native import cache_dir

REPO = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).resolve().parent / "harness"
NN = REPO / "kernels" / "nn"
QEMU_TIMEOUT_S = 120  # a whole case file takes a few seconds; a hung kernel fails the test
ROLE_INPUT, ROLE_OUTPUT, ROLE_SCRATCH = 0, 1, 2

# Op ids of harness/dispatch.c.
OPS = {"conv2d": 1, "depthwise_conv2d": 2, "transpose_conv2d": 3, "linear": 4, "batch_matmul": 5, "add": 6,
       "mul": 7, "minimum": 8, "maximum": 9, "avg_pool2d": 10, "max_pool2d": 11, "softmax": 12, "pad": 13,
       "transpose": 14, "quantize": 15, "dequantize": 16, "lut": 17,
       "quantize_nhwc": 18}
# Ops of issue 18 (reductions, normalisation, ...) number from 40 on.
OPS |= {"reduce_sum": 40, "reduce_extremum": 41, "layer_norm": 42, "log_softmax": 43}
OPS |= {"slice": 50, "cat": 51}  # strided copy and concatenation
OPS |= {"adaptive_pool2d": 60, "upsample_bilinear2d": 61, "prelu": 62}  # resampling, per-channel PReLU
OPS |= {"lstm": 70}  # recurrent layers
# Harness-only ops (harness/main.c): "spin" runs params[0] iterations of a 2-instruction loop; "steps"
# chains kernel calls through byte ranges of shared buffers (harness/steps.c, tests/target/zero_copy_cases.py).
HARNESS_OPS = {"spin": 1000, "steps": 1001}


@dataclass(frozen=True)
class Machine:
    name: str          # qemu-system-arm -M
    cpu: str
    cflags: tuple[str, ...]
    clock_hz: int      # SysTick's processor clock in QEMU
    isa: str           # the CMSIS-NN path a CMSIS-NN build of this CPU compiles: "mve" or "dsp"

    @property
    def instructions_per_tick(self) -> float:
        """Under -icount shift=0 an instruction takes 1 ns of virtual time."""
        return 1e9 / self.clock_hz


MACHINES = {
    "mps3-an547": Machine("mps3-an547", "cortex-m55", ("-mcpu=cortex-m55", "-mfloat-abi=hard", "-mfpu=auto"),
                          32_000_000, "mve"),
    "mps2-an505": Machine("mps2-an505", "cortex-m33", ("-mcpu=cortex-m33", "-mfloat-abi=hard",
                                                       "-mfpu=fpv5-sp-d16"), 20_000_000, "dsp"),
    "mps2-an386": Machine("mps2-an386", "cortex-m4", ("-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"),
                          25_000_000, "dsp"),
}


def cmsis_nn_path() -> Path | None:
    value = os.environ.get("CMSIS_NN_PATH")
    return Path(value) if value and (Path(value) / "Include" / "arm_nnfunctions.h").exists() else None


def backends() -> list[str]:
    """The backends this machine can run: portable, and cmsis_nn with a CMSIS_NN_PATH checkout."""
    return ["portable"] + (["cmsis_nn"] if cmsis_nn_path() else [])


def tools_missing() -> str | None:
    for tool in ("arm-none-eabi-gcc", "qemu-system-arm"):
        if shutil.which(tool) is None:
            return f"{tool} not found (bash scripts/setup.sh --test, or apt-get install gcc-arm-none-eabi " \
                   "libnewlib-arm-none-eabi qemu-system-arm)"
    return None


@dataclass
class Case:
    """One kernel call: integer parameters, buffers in dispatch.c order, and the expected outputs."""

    op: str
    params: list[int]
    buffers: list[tuple[int, np.ndarray | int]]  # (role, input array) or (role, byte count)
    expected: list[np.ndarray] = field(default_factory=list)
    label: str = ""

    def encode(self) -> bytes:
        words = [{**OPS, **HARNESS_OPS}[self.op], len(self.params), *self.params, len(self.buffers)]
        out = bytearray(struct.pack(f"<{len(words)}i", *words))
        for role, value in self.buffers:
            if role == ROLE_INPUT:
                data = b"" if value is None else np.ascontiguousarray(value).tobytes()
                out += struct.pack("<2i", role, len(data)) + data + b"\0" * (-len(data) % 4)
            else:
                out += struct.pack("<2i", role, int(value))
        return bytes(out)


@dataclass
class Result:
    status: int
    ticks: int
    overrun: int  # bit i set: buffer i (output or scratch) had a guard byte overwritten

    @property
    def guards_intact(self) -> bool:
        return self.overrun == 0
    outputs: list[bytes]


def assert_matches(case: Case, result: Result, where: str = "") -> None:
    """The kernel succeeded, stayed inside its buffers and equals the reference bit for bit."""
    label = f"{where}: {case.label} (params {case.params})" if where else f"{case.label} (params {case.params})"
    assert result.status == 0, f"{label}: status {result.status}"
    role_names = {ROLE_INPUT: "input", ROLE_OUTPUT: "output", ROLE_SCRATCH: "scratch"}
    overrun = [f"buffer {i} ({role_names[case.buffers[i][0]]})" for i in range(len(case.buffers))
               if result.overrun >> i & 1]
    assert not overrun, f"{label}: wrote past {', '.join(overrun)}"
    assert len(result.outputs) == len(case.expected), label
    for expected, raw in zip(case.expected, result.outputs):
        actual = np.frombuffer(raw, dtype=expected.dtype).reshape(expected.shape)
        np.testing.assert_array_equal(actual, expected, err_msg=label)


class _TestCase(ctypes.Structure):
    """harness/cases.h's test_case, for running cases through the host build of the kernels."""

    _fields_ = [("op", ctypes.c_int32), ("n_params", ctypes.c_int32), ("params", ctypes.c_int32 * 48),
                ("n_buffers", ctypes.c_int32), ("role", ctypes.c_int32 * 10), ("nbytes", ctypes.c_int32 * 10),
                ("data", ctypes.c_void_p * 10)]


GUARD_BYTES, GUARD_VALUE = 64, 0xA5


def run_on_host(cases: list[Case], backend: str = "portable", selection_header: str | None = None) -> list[Result]:
    """The same cases through the host build of the kernels (tests/kernels/nn_lib.py), same checks;
    `selection_header` builds it with a firmware's kernel selection."""
    from tests.kernels.nn_lib import library

    lib = library(backend, selection_header)
    results = []
    for case in cases:
        c = _TestCase(op=OPS[case.op], n_params=len(case.params), n_buffers=len(case.buffers))
        for i, value in enumerate(case.params):
            c.params[i] = value
        storage = []
        for i, (role, value) in enumerate(case.buffers):
            data = b"" if value is None else (np.ascontiguousarray(value).tobytes() if role == ROLE_INPUT else b"")
            nbytes = len(data) if role == ROLE_INPUT else int(value)
            buffer = np.full(nbytes + GUARD_BYTES, GUARD_VALUE, np.uint8)
            buffer[:len(data)] = np.frombuffer(data, np.uint8)
            storage.append(buffer)
            c.role[i], c.nbytes[i] = role, nbytes
            c.data[i] = buffer.ctypes.data if nbytes > 0 or role == ROLE_OUTPUT else None
        status = lib.dispatch(ctypes.byref(c))
        overrun = sum(1 << i for i, (b, (role, _), n) in enumerate(zip(storage, case.buffers, c.nbytes))
                      if role != ROLE_INPUT and not (b[n:] == GUARD_VALUE).all())
        outputs = [bytes(b[:n]) for b, (role, _), n in zip(storage, case.buffers, c.nbytes) if role == ROLE_OUTPUT]
        results.append(Result(status, 0, overrun, outputs))
    return results


def _sources(backend: str) -> list[Path]:
    files = sorted(HARNESS.glob("*.c")) + sorted((NN / "common").glob("*.c")) + sorted((NN / "portable").glob("*.c"))
    if backend == "cmsis_nn":
        files += sorted((NN / "cmsis_nn").glob("*.c"))
        files += sorted(p for p in (cmsis_nn_path() / "Source").rglob("*.c")
                        if not p.name.endswith(("_f16.c", "_f32.c")))
    return files


def build(machine: Machine, backend: str = "portable") -> Path:
    """The harness ELF for `machine` and `backend`, built once and cached."""
    missing = tools_missing()
    if missing:
        raise RuntimeError(missing)
    if backend == "cmsis_nn" and cmsis_nn_path() is None:
        raise RuntimeError("the cmsis_nn backend needs CMSIS_NN_PATH to name a CMSIS-NN checkout")
    include = [f"-I{REPO / 'kernels' / 'include'}", f"-I{HARNESS}"]
    defines = []
    if backend == "cmsis_nn":
        include.append(f"-I{cmsis_nn_path() / 'Include'}")
        from tests.kernels.nn_lib import cmsis_nn_definitions  # what the CMake builds derive from the checkout

        defines += ["-DTORCHMCU_USE_CMSIS_NN=1", *cmsis_nn_definitions(cmsis_nn_path())]
    common = ["-mthumb", *machine.cflags, "-O2", "-ffunction-sections", "-fdata-sections", *include, *defines]
    digest = hashlib.sha256(repr((machine, backend, common)).encode())
    inputs = _sources(backend) + sorted(HARNESS.glob("*.[hl]*")) + sorted((REPO / "kernels").rglob("*.h"))
    for path in inputs:
        digest.update(path.read_bytes())
    cache = cache_dir() / "target"
    elf = cache / f"{machine.name}-{backend}-{digest.hexdigest()[:16]}.elf"
    if elf.exists():
        return elf
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        objects = []
        for source in _sources(backend):
            ours = REPO in source.parents
            warnings = ["-std=c99", "-Wall", "-Wextra", "-Werror"] if ours else []
            obj = Path(work) / f"{hashlib.sha1(str(source).encode()).hexdigest()[:12]}.o"
            run = subprocess.run(["arm-none-eabi-gcc", *common, *warnings, "-c", str(source), "-o", str(obj)],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                raise RuntimeError(f"compiling {source} for {machine.cpu} failed:\n{run.stderr[-3000:]}")
            objects.append(str(obj))
        temporary = elf.with_suffix(f".{os.getpid()}.tmp")  # two test processes may build it at once (pytest -n)
        link = subprocess.run(["arm-none-eabi-gcc", "-mthumb", *machine.cflags, "-nostartfiles", "--specs=nano.specs",
                               "--specs=nosys.specs", f"-L{HARNESS}", f"-T{HARNESS / (machine.name + '.ld')}",
                               "-Wl,--gc-sections", *objects, "-lm", "-o", str(temporary)], capture_output=True, text=True)
        if link.returncode != 0:
            raise RuntimeError(f"linking the {machine.name} harness failed:\n{link.stderr[-3000:]}")
        temporary.rename(elf)
    return elf


def run(machine: Machine, cases: list[Case], backend: str = "portable") -> list[Result]:
    """Runs `cases` on `machine` in one QEMU session; one Result per case."""
    elf = build(machine, backend)
    with tempfile.TemporaryDirectory() as work:
        (Path(work) / "cases.bin").write_bytes(b"".join(c.encode() for c in cases) + struct.pack("<i", -1))
        completed = subprocess.run(
            ["qemu-system-arm", "-M", machine.name, "-nographic", "-monitor", "none", "-serial", "none",
             "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel", str(elf)],
            cwd=work, capture_output=True, text=True, timeout=QEMU_TIMEOUT_S)
        if completed.returncode != 0:
            raise RuntimeError(f"{machine.name} harness exited {completed.returncode}: "
                               f"{(completed.stdout + completed.stderr)[-2000:]}")
        data = (Path(work) / "results.bin").read_bytes()
    results, offset = [], 0
    for case in cases:
        status, ticks_lo, ticks_hi, overrun = struct.unpack_from("<iIIi", data, offset)
        offset += 16
        outputs = []
        for role, _ in case.buffers:
            if role == ROLE_OUTPUT:
                (nbytes,) = struct.unpack_from("<i", data, offset)
                offset += 4
                outputs.append(data[offset:offset + nbytes])
                offset += nbytes + (-nbytes % 4)
        results.append(Result(status, ticks_lo | (ticks_hi << 32), overrun, outputs))
    if offset != len(data):
        raise RuntimeError(f"{machine.name}: results.bin has {len(data) - offset} unexpected trailing bytes")
    return results
