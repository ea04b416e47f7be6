"""Build and run upstream ExecuTorch's Cortex-M programs in Zephyr (benchmarks/upstream/zephyr_app).

The firmware is the workspace's ExecuTorch module with its cortex_m kernels, registering only the
operators the program calls, built with the same compiler, -Os and board settings as torchmcu's
samples. One inference runs under QEMU with -icount shift=0 between two SysTick reads
(k_cycle_get_32), so instructions = ticks x 1e9 / QEMU's SysTick clock (docs/target.md).
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "host")]

from tests.zephyr.zephyr_workspace import build_root, read_until_verdict, zephyr_env  # noqa: E402
from torchmcu.report.components import component_size, non_program_flash  # noqa: E402

APP = Path(__file__).resolve().parent / "zephyr_app"
METHOD_POOL_BYTES = 32 * 1024  # generous; the firmware prints what the method used


@dataclass(frozen=True)
class Board:
    machine: str   # qemu-system-arm -machine
    cpu: str       # qemu-system-arm -cpu, and upstream's target string
    clock_hz: int  # SysTick's processor clock in QEMU (docs/target.md), not Zephyr's Kconfig figure


BOARDS = {
    "mps3/corstone300/an547": Board("mps3-an547", "cortex-m55", 32_000_000),
    "mps2/an521/cpu0": Board("mps2-an521", "cortex-m33", 20_000_000),
    "mps2/an386": Board("mps2-an386", "cortex-m4", 25_000_000),
}


@dataclass
class UpstreamRun:
    board: str
    elf: Path
    instructions: int
    ticks: int
    outputs: list[bytes]
    planned_bytes: int
    method_pool_bytes: int
    flash: dict[str, int] = field(default_factory=dict)  # component -> bytes (torchmcu size --components)
    non_program_flash: int = 0
    program_bytes: int = 0


def _program(pte: str | Path):
    from executorch.exir._serialize._program import deserialize_pte_binary

    program = deserialize_pte_binary(Path(pte).read_bytes())
    return getattr(program, "program", program)


def planned_bytes(pte: str | Path) -> int:
    """Bytes of the program's planned buffers, each rounded to 16 as the firmware lays them out."""
    sizes = _program(pte).execution_plan[0].non_const_buffer_sizes[1:]  # buffer 0 is reserved
    return sum((size + 15) // 16 * 16 for size in sizes) or 16


def uses_portable_ops(pte: str | Path) -> bool:
    return any(not op.name.startswith("cortex_m::") for plan in _program(pte).execution_plan for op in plan.operators)


def input_bytes(pte: str | Path, inputs: tuple) -> bytes:
    """The model's example input as the program takes it: float32 in the input's dim order."""
    import torch

    plan = _program(pte).execution_plan[0]
    tensor = plan.values[plan.inputs[0]].val
    return inputs[0].detach().to(torch.float32).permute(*tensor.dim_order).contiguous().numpy().tobytes()


def _c_array(name: str, data: bytes) -> str:
    rows = ",\n".join("  " + ", ".join(f"0x{b:02x}" for b in data[i:i + 16]) for i in range(0, len(data), 16))
    return (f"#include <stdint.h>\nalignas(16) const uint8_t {name}[{len(data)}] = {{\n{rows}\n}};\n")


def build(pte: str | Path, board: str, input_data: bytes, directory: Path | None = None) -> Path:
    """`west build` of the app for `board` embedding `pte`; returns its zephyr.elf."""
    pte = Path(pte).resolve()
    # One build directory per board: another program rebuilds only what depends on it.
    directory = directory or build_root() / "upstream" / board.replace("/", "_")
    generated = directory / "upstream_generated" / pte.stem
    generated.mkdir(parents=True, exist_ok=True)
    for name, text in (("upstream_program.h", _c_array("upstream_pte", pte.read_bytes())),
                       ("upstream_input.h", _c_array("upstream_input", input_data))):
        path = generated / name
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
    return west_build_app(APP, board, directory, f"-DUPSTREAM_PTE={pte}", f"-DUPSTREAM_GENERATED={generated}",
                          f"-DUPSTREAM_PLANNED_BYTES={planned_bytes(pte)}",
                          f"-DUPSTREAM_METHOD_POOL_BYTES={METHOD_POOL_BYTES}",
                          f"-DUPSTREAM_PORTABLE_OPS={'ON' if uses_portable_ops(pte) else 'OFF'}")


def west_build_app(app: Path, board: str, directory: Path, *cmake_args: str) -> Path:
    """`west build` of the Zephyr application `app` for `board` into `directory`; its zephyr.elf.

    Not for two upstream builds at once on one workspace: ExecuTorch builds flatcc's runtime
    library into the workspace's source tree, where they race (zephyr_app/CMakeLists.txt)."""
    command = ["west", "build", "-p", "auto", "-b", board, "-d", str(directory), str(app), "-o=-j2", "--",
               *cmake_args]
    if zephyr_env().get("CMAKE_C_COMPILER_LAUNCHER"):
        command.append("-DUSE_CCACHE=0")  # the launcher already is ccache
    result = subprocess.run(command, capture_output=True, text=True, env=zephyr_env(), timeout=3600)
    if result.returncode != 0:
        raise RuntimeError(f"west build of {app} for {board} failed:\n{(result.stdout + result.stderr)[-4000:]}")
    return directory / "zephyr" / "zephyr.elf"


def qemu_console(elf: str | Path, board: str, last_line: str, timeout_s: float = 600) -> str:
    """The console of `elf` in QEMU (-icount shift=0) up to the first line matching `last_line`."""
    spec = BOARDS[board]
    command = ["qemu-system-arm", "-machine", spec.machine, "-cpu", spec.cpu, "-nographic", "-vga", "none",
               "-monitor", "none", "-icount", "shift=0", "-kernel", str(elf)]
    return read_until_verdict(command, timeout_s, rf"{last_line}|FATAL ERROR")


def run(elf: str | Path, board: str) -> tuple[int, list[bytes], int, int]:
    """One inference in QEMU: (SysTick ticks, output bytes, planned bytes, method-pool bytes used)."""
    text = qemu_console(elf, board, r"upstream: (done|failed)")
    if "upstream: done" not in text:
        raise RuntimeError(f"{elf} on {BOARDS[board].machine} did not finish:\n{text[-3000:]}")
    ticks = int(re.search(r"upstream: cycles (\d+)", text).group(1))
    memory = re.search(r"upstream: planned (\d+) method-pool (\d+)", text)
    outputs = [bytes.fromhex(m.group(2)) for m in re.finditer(r"upstream: output \d+ (\d+) ([0-9a-f]*)", text)]
    return ticks, outputs, int(memory.group(1)), int(memory.group(2))


def instructions(ticks: int, board: str) -> int:
    return round(ticks * 1e9 / BOARDS[board].clock_hz)


def build_and_run(pte: str | Path, board: str, input_data: bytes) -> UpstreamRun:
    """Build the firmware for `pte`, run one inference; instructions, outputs, flash and RAM."""
    elf = build(pte, board, input_data)
    ticks, outputs, planned, pool = run(elf, board)
    report = component_size(elf)
    flash = {name: usage.flash for name, usage in report.components.items()}
    return UpstreamRun(board, elf, instructions(ticks, board), ticks, outputs, planned, pool, flash,
                       non_program_flash(report), flash.get("program (.pte)", 0))
