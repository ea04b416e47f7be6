"""Build and run upstream ExecuTorch's Cortex-M programs in Zephyr (benchmarks/upstream/zephyr_app).

The firmware is the workspace's ExecuTorch module with its cortex_m kernels, registering only the
operators the program calls, built with the same compiler, -O2 and board settings as torchmcu's
benchmark app (-Os with size=True, as torchmcu's samples). One inference runs under QEMU with
-icount shift=0 between two SysTick reads (k_cycle_get_32); ticks become instructions through
benchmarks/mlperf_tiny/firmware.py, after the same 2,000,000-instruction calibration loop as
torchmcu's app has proved the board's clock.
Boards are the short names of tests/zephyr/zephyr_workspace.BOARDS ("m55", "m33", "m4").
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "host")]

from benchmarks.mlperf_tiny import firmware  # noqa: E402
from tests.zephyr.zephyr_workspace import BOARDS, build_root, read_until_verdict, west_build  # noqa: E402
from torchmcu.report.components import component_size, non_program_flash  # noqa: E402

APP = Path(__file__).resolve().parent / "zephyr_app"
METHOD_POOL_BYTES = 128 * 1024  # generous (VWW's method did not load in 32 KiB); the firmware prints what it used


@dataclass
class UpstreamRun:
    board: str
    elf: Path
    instructions: int
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


def input_floats(pte: str | Path) -> int:
    """Elements of the program's float input: the firmware fills them with the samples' built-in pattern
    (samples/common/pattern.h) in the input's dim order, as torchmcu's app feeds its input."""
    import math

    from executorch.exir.scalar_type import ScalarType

    plan = _program(pte).execution_plan[0]
    tensor = plan.values[plan.inputs[0]].val
    if tensor.scalar_type != ScalarType.FLOAT:
        raise ValueError(f"{pte}: input 0 is {tensor.scalar_type.name}, the firmware feeds float32")
    return math.prod(tensor.sizes)


def _c_array(name: str, data: bytes) -> str:
    rows = ",\n".join("  " + ", ".join(f"0x{b:02x}" for b in data[i:i + 16]) for i in range(0, len(data), 16))
    return (f"#include <stdint.h>\nalignas(16) const uint8_t {name}[{len(data)}] = {{\n{rows}\n}};\n")


def build(pte: str | Path, board: str, size: bool = False) -> Path:
    """`west build` of the app for `board` embedding `pte`, at -O2 (-Os with `size`); returns its zephyr.elf."""
    pte = Path(pte).resolve()
    # One build directory per program, board and level: once built, a rerun only re-checks it.
    directory = build_root() / "upstream" / f"{pte.stem}-{board}{'-size' if size else ''}"
    generated = directory / "upstream_generated" / pte.stem
    generated.mkdir(parents=True, exist_ok=True)
    header, text = generated / "upstream_program.h", _c_array("upstream_pte", pte.read_bytes())
    if not header.is_file() or header.read_text() != text:
        header.write_text(text)
    # Not two builds at once on one workspace: ExecuTorch builds flatcc's runtime library into the
    # workspace's source tree, where they race (zephyr_app/CMakeLists.txt).
    result, _ = west_build(BOARDS[board].name, "upstream", (
        f"UPSTREAM_PTE={pte}", f"UPSTREAM_GENERATED={generated}", f"UPSTREAM_PLANNED_BYTES={planned_bytes(pte)}",
        f"UPSTREAM_METHOD_POOL_BYTES={METHOD_POOL_BYTES}", f"UPSTREAM_INPUT_FLOATS={input_floats(pte)}",
        f"UPSTREAM_PORTABLE_OPS={'ON' if uses_portable_ops(pte) else 'OFF'}",
        *(["CONFIG_SIZE_OPTIMIZATIONS=y"] if size else [])),
        directory=directory, source=APP, with_torchmcu=False)
    if result.returncode != 0:
        raise firmware.build_error(f"{APP.relative_to(REPO)} for {BOARDS[board].name}", result)
    return directory / "zephyr" / "zephyr.elf"


def run(elf: str | Path, board: str) -> tuple[int, list[bytes], int, int]:
    """One inference in QEMU: (instructions, output bytes, planned bytes, method-pool bytes used)."""
    text = read_until_verdict(BOARDS[board].qemu_command(elf), 600, r"upstream: (done|failed)|FATAL ERROR")
    if "upstream: done" not in text:
        raise RuntimeError(f"{elf} on {BOARDS[board].name} did not finish:\n{text[-3000:]}")
    firmware.checked_clock(board, text)
    ticks = int(re.search(r"upstream: cycles (\d+)", text).group(1))
    memory = re.search(r"upstream: planned (\d+) method-pool (\d+)", text)
    outputs = [bytes.fromhex(m.group(2)) for m in re.finditer(r"upstream: output \d+ (\d+) ([0-9a-f]*)", text)]
    return firmware.instructions(board, ticks), outputs, int(memory.group(1)), int(memory.group(2))


def build_and_run(pte: str | Path, board: str, size: bool = False) -> UpstreamRun:
    """Build the firmware for `pte` (-O2, or -Os with `size`), run one inference; instructions, outputs,
    flash and RAM."""
    elf = build(pte, board, size)
    instructions, outputs, planned, pool = run(elf, board)
    report = component_size(elf)
    flash = {name: usage.flash for name, usage in report.components.items()}
    return UpstreamRun(board, elf, instructions, outputs, planned, pool, flash,
                       non_program_flash(report), flash.get("program (.pte)", 0))
