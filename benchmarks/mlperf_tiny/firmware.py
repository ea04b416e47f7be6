"""Build the benchmark app (benchmarks/mlperf_tiny/app) for one model, board and backend through
the Zephyr workspace, run it under QEMU with -icount shift=0, and read back what it measured.

Under -icount shift=0 QEMU advances virtual time by 1 ns per instruction and SysTick counts the
machine's clock, so instructions = ticks x 1e9 / clock (docs/target.md). The app also times a
loop of exactly 2,000,000 instructions; `measure` checks that reading before trusting the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.target.harness import MACHINES, Machine
from tests.zephyr.zephyr_workspace import FINAL_LINE, build_root, read_until_verdict, west_build

HERE = Path(__file__).resolve().parent
APP = HERE / "app"
MODELS = {"kws": "KWS DS-CNN", "vww": "VWW MobileNetV1 0.25", "ic": "IC ResNet-8", "ad": "AD autoencoder"}
BACKENDS = {"cmsis_nn": (), "portable": ("CONFIG_TORCHMCU_KERNELS_PORTABLE=y",)}
CALIBRATION_INSTRUCTIONS = 2_000_000  # the app's spin loop (app/src/main.cpp)


@dataclass(frozen=True)
class Board:
    name: str                 # west build -b
    cpu: str
    qemu: tuple[str, ...]     # qemu-system-arm machine arguments
    harness: Machine          # the tests/target machine with the same CPU and SysTick clock


BOARDS = {
    "m55": Board("mps3/corstone300/an547", "Cortex-M55 (Helium)", ("-machine", "mps3-an547", "-cpu", "cortex-m55"),
                 MACHINES["mps3-an547"]),
    # The AN521 and AN505 images of QEMU are the same Cortex-M33 at 20 MHz.
    "m33": Board("mps2/an521/cpu0", "Cortex-M33", ("-machine", "mps2-an521", "-cpu", "cortex-m33", "-m", "16"),
                 MACHINES["mps2-an505"]),
    # Zephyr 4.1's `-t run` knows only Arm's FVP for the AN386; QEMU runs the image directly.
    "m4": Board("mps2/an386", "Cortex-M4", ("-machine", "mps2-an386", "-cpu", "cortex-m4"), MACHINES["mps2-an386"]),
}


@dataclass
class Measurement:
    instructions: int
    calibration_instructions: int  # the app's 2,000,000-instruction loop, as the clock reads it
    arena: int
    method_pool: int
    method_pool_used: int
    stack: int
    matches_host: bool
    verdict: str


def build_directory(board: str, backend: str) -> Path:
    """One build directory per board and backend: switching the model rebuilds only the model and the app."""
    return build_root() / "mlperf_tiny" / f"{board}-{backend}"


def build(board: str, model: str, backend: str, directory: Path | None = None) -> Path:
    """The app's zephyr.elf for `model` on `board` with `backend`, built (or brought up to date)."""
    directory = directory or build_directory(board, backend)
    result, _ = west_build(BOARDS[board].name, f"mlperf_tiny_{model}", (f"MLPERF_TINY_MODEL={model}",
                                                                        *BACKENDS[backend]),
                           directory=directory, source=APP)
    if result.returncode != 0:
        raise RuntimeError(f"west build of {model} for {BOARDS[board].name} ({backend}) failed:\n"
                           f"{(result.stdout + result.stderr)[-4000:]}")
    return directory / "zephyr" / "zephyr.elf"


def run_qemu(board: str, elf: Path, timeout_s: float = 900) -> str:
    """The app's console output under QEMU -icount shift=0, up to its verdict line."""
    command = ["qemu-system-arm", *BOARDS[board].qemu, "-nographic", "-vga", "none", "-icount", "shift=0",
               "-kernel", str(elf)]
    return read_until_verdict(command, timeout_s)


def inference_instructions(board: str, name: str, output: str) -> int | None:
    """Instructions of the inference an app or sample called `name` timed ("<name>: inference <t> ticks")."""
    inference = re.search(rf"^{name}: inference (\d+) ticks", output, re.M)
    return round(int(inference.group(1)) * BOARDS[board].harness.instructions_per_tick) if inference else None


def parse(board: str, model: str, output: str) -> Measurement:
    """What the app printed, with ticks turned into instructions."""
    per_tick = BOARDS[board].harness.instructions_per_tick
    calibration = re.search(r"mlperf_tiny: calibration \d+ instructions in (\d+) ticks", output)
    inference = inference_instructions(board, model, output)
    memory = re.search(rf"{model}: arena (\d+) method pool (\d+) \(used (\d+)\) stack (\d+) bytes",
                       output)
    verdict = re.search(FINAL_LINE, output)
    if not (calibration and inference is not None and memory and verdict):
        raise RuntimeError(f"{model} on {BOARDS[board].name}: the app did not print its figures:\n{output[-3000:]}")
    arena, pool, pool_used, stack = (int(v) for v in memory.groups())
    return Measurement(inference, round(int(calibration.group(1)) * per_tick),
                       arena, pool, pool_used, stack, "output matches host" in verdict.group(0),
                       f"{model}: {verdict.group(0)}")


def clock_is_exact(measurement: Measurement, board: str) -> bool:
    """The 2,000,000-instruction loop reads as that many instructions, to one tick plus the timer reads."""
    slack = BOARDS[board].harness.instructions_per_tick + 64
    return abs(measurement.calibration_instructions - CALIBRATION_INSTRUCTIONS) <= slack


def measure(board: str, elf: Path, model: str) -> Measurement:
    measurement = parse(board, model, run_qemu(board, elf))
    if not clock_is_exact(measurement, board):
        raise RuntimeError(f"{BOARDS[board].name}: the 2,000,000-instruction loop read as "
                           f"{measurement.calibration_instructions:,}: the ticks-to-instructions factor is wrong")
    return measurement
