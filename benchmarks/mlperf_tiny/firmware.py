"""Build the benchmark app (benchmarks/mlperf_tiny/app) for one model, board and backend through
the Zephyr workspace, run it under QEMU with -icount shift=0, and read back what it measured.

Under -icount shift=0 QEMU advances virtual time by 1 ns per instruction and SysTick counts the
machine's clock, so instructions = ticks x 1e9 / clock (docs/target.md). The app also times a
loop of exactly 2,000,000 instructions; `measure` checks that reading before trusting the clock.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.zephyr.zephyr_workspace import BOARDS, FINAL_LINE, build_root, read_until_verdict, west_build

HERE = Path(__file__).resolve().parent
APP = HERE / "app"
MODELS = {"kws": "KWS DS-CNN", "vww": "VWW MobileNetV1 0.25", "ic": "IC ResNet-8", "ad": "AD autoencoder"}
BACKENDS = {"cmsis_nn": (), "portable": ("CONFIG_TORCHMCU_KERNELS_PORTABLE=y",)}
CALIBRATION_INSTRUCTIONS = 2_000_000  # the spin loop of calibration/instruction_clock.h
CALIBRATION = re.compile(r"^\S+: calibration \d+ instructions in (\d+) ticks", re.M)


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


def build_directory(model: str, board: str, backend: str) -> Path:
    """One build directory per model, board and backend: once built, a run of the table only re-checks it
    (ninja finds nothing to do), and no build switches models. All at one depth, so ccache (its base
    directory) shares their common objects."""
    return build_root() / "mlperf_tiny" / f"{model}-{board}-{backend}"


def build(board: str, model: str, backend: str, directory: Path | None = None) -> Path:
    """The app's zephyr.elf for `model` on `board` with `backend`, built (or brought up to date)."""
    directory = directory or build_directory(model, board, backend)
    result, _ = west_build(BOARDS[board].name, f"mlperf_tiny_{model}", (f"MLPERF_TINY_MODEL={model}",
                                                                        *BACKENDS[backend]),
                           directory=directory, source=APP)
    if result.returncode != 0:
        raise build_error(f"{model} for {BOARDS[board].name} ({backend})", result)
    return directory / "zephyr" / "zephyr.elf"


def build_error(what: str, result) -> RuntimeError:
    """A failed `west build` whose first line names the cause (the output's first error line: a table keeps
    only that line), then the output's tail."""
    output = result.stdout + result.stderr
    cause = next((line.strip() for line in output.splitlines()
                  if re.search(r"error:|overflowed|CMake Error|FATAL ERROR", line)), "no error line in the output")
    return RuntimeError(f"west build of {what} failed: {cause}\n{output[-4000:]}")


def embedded_program(elf: Path) -> Path:
    """The .pte the build embedded: torchmcu_add_model() compiles at configure time into configured/
    when the program's float ops pick the kernels (cmake/torchmcu_float_ops.cmake), else at build time."""
    model = elf.parents[1] / "torchmcu" / "model"
    candidates = [path for path in (model / "configured" / "model.pte", model / "model.pte") if path.is_file()]
    return max(candidates, key=lambda path: path.stat().st_mtime)


def cpu_flags(arguments: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The -mcpu, -mfpu and -mfloat-abi of a compiler command line (none given: the toolchain's soft float)."""
    flags = {a for a in arguments if a.startswith(("-mcpu=", "-mfpu=", "-mfloat-abi="))}
    if not any(flag.startswith("-mfloat-abi=") for flag in flags):
        flags.add("-mfloat-abi=soft")
    return frozenset(flags)


def firmware_cpu_flags(elf: Path) -> frozenset[str]:
    """The CPU flags most of the firmware's sources were compiled with (its build's compile_commands.json)."""
    commands = json.loads((elf.parents[1] / "compile_commands.json").read_text())
    seen = Counter(cpu_flags(shlex.split(c["command"]) if "command" in c else c["arguments"]) for c in commands)
    return seen.most_common(1)[0][0]


def check_baseline_flags(board: str, elf: Path) -> None:
    """Refuses an overhead baseline compiled for other CPU features than the firmware (e.g. DSP on one
    side only): the ratio would compare different CMSIS-NN code paths."""
    firmware_flags, baseline_flags = firmware_cpu_flags(elf), cpu_flags(BOARDS[board].harness.cflags)
    if firmware_flags != baseline_flags:
        raise RuntimeError(f"{BOARDS[board].name}: the firmware is built {' '.join(sorted(firmware_flags))} but "
                           f"the direct baseline {' '.join(sorted(baseline_flags))} (tests/zephyr/zephyr_workspace.py)")


def run_qemu(board: str, elf: Path, timeout_s: float = 900) -> str:
    """The app's console output under QEMU -icount shift=0, up to its verdict line."""
    return read_until_verdict(BOARDS[board].qemu_command(elf), timeout_s)


def instructions(board: str, ticks: int) -> int:
    """SysTick ticks on `board` as instructions (1 ns each under -icount shift=0): the one conversion
    for torchmcu's app, the samples and upstream's app, trusted once `checked_clock` has passed."""
    return round(ticks * BOARDS[board].harness.instructions_per_tick)


def calibration_instructions(board: str, output: str) -> int | None:
    """The 2,000,000-instruction loop (calibration/instruction_clock.h) as `board`'s clock read it."""
    calibration = CALIBRATION.search(output)
    return instructions(board, int(calibration.group(1))) if calibration else None


def clock_is_exact(board: str, calibrated: int) -> bool:
    """The loop reads as 2,000,000 instructions, to one tick plus the timer reads, or to 0.1 %: the AN386 reads
    it as 2,000,240, and a wrong clock is off by 20 % or more."""
    slack = max(BOARDS[board].harness.instructions_per_tick + 64, CALIBRATION_INSTRUCTIONS // 1000)
    return abs(calibrated - CALIBRATION_INSTRUCTIONS) <= slack


def checked_clock(board: str, output: str) -> None:
    """Refuses console output whose calibration loop does not read as 2,000,000 instructions."""
    calibrated = calibration_instructions(board, output)
    if calibrated is None:
        raise RuntimeError(f"{BOARDS[board].name}: the firmware printed no calibration line:\n{output[-3000:]}")
    if not clock_is_exact(board, calibrated):
        raise RuntimeError(f"{BOARDS[board].name}: the 2,000,000-instruction loop read as {calibrated:,}: "
                           "the ticks-to-instructions factor is wrong")


def inference_instructions(board: str, name: str, output: str) -> int | None:
    """Instructions of the inference an app or sample called `name` timed ("<name>: inference <t> ticks")."""
    inference = re.search(rf"^{name}: inference (\d+) ticks", output, re.M)
    return instructions(board, int(inference.group(1))) if inference else None


def parse(board: str, model: str, output: str) -> Measurement:
    """What the app printed, with ticks turned into instructions."""
    calibration = calibration_instructions(board, output)
    inference = inference_instructions(board, model, output)
    memory = re.search(rf"{model}: arena (\d+) method pool (\d+) \(used (\d+)\) stack (\d+) bytes",
                       output)
    verdict = re.search(FINAL_LINE, output)
    if not (calibration is not None and inference is not None and memory and verdict):
        # The console's last line leads: a failing cell keeps only the first line of its error.
        last = next((line for line in reversed(output.splitlines()) if line.strip()), "no console output")
        raise RuntimeError(f"{model} on {BOARDS[board].name}: the app did not print its figures (last line: "
                           f"{last.strip()}):\n{output[-3000:]}")
    arena, pool, pool_used, stack = (int(v) for v in memory.groups())
    return Measurement(inference, calibration, arena, pool, pool_used, stack, "output matches host" in verdict.group(0),
                       f"{model}: {verdict.group(0)}")


def measure(board: str, elf: Path, model: str) -> Measurement:
    output = run_qemu(board, elf)
    measurement = parse(board, model, output)
    checked_clock(board, output)
    return measurement
