"""The model zoo: public architectures at microcontroller input sizes, compiled and run on the host.

    python3 benchmarks/zoo.py [MODEL ...] [--strict] [--target cortex-m3] [--activation-ranges mse]

Models are the files benchmarks/zoo/<name>.py (random weights, BatchNorm statistics
re-estimated on calibration data), each with model(), example_inputs() and
calibration_data(). Per model it prints kernel calls, float calls left (op and the
model's source line), arena and .pte bytes, SQNR of the int8 program against the
float model on example_inputs(), and whether the host kernels equal the Python
reference bit for bit: portable backend, and CMSIS-NN (x86 scalar path) when
CMSIS_NN_PATH names a checkout, in a child process (a process registers one kernel
build). Programs are planned for cortex-m3 (scalar), which both backends accept.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ZOO = Path(__file__).resolve().parent / "zoo"
TARGET = "cortex-m3"


def discover() -> list[str]:
    return sorted(p.stem for p in ZOO.glob("*.py") if not p.stem.startswith("_"))


def refuse_unknown(names: list[str]) -> bool:
    """Print one error line naming the models the zoo lacks; True when there were any."""
    unknown = sorted(set(names) - set(discover()))
    if unknown:
        print(f"error: no zoo model {', '.join(unknown)} (have: {', '.join(discover())})", file=sys.stderr)
    return bool(unknown)


def load(name: str):
    path = ZOO / f"{name}.py"
    if str(ZOO) not in sys.path:
        sys.path.insert(0, str(ZOO))  # the model files share _zoo_common.py
    spec = importlib.util.spec_from_file_location(f"zoo_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Row:
    model: str
    kernel_calls: int = 0
    float_calls: list[str] = field(default_factory=list)  # "op at file:line"
    arena_bytes: int = 0
    pte_bytes: int = 0
    sqnr_db: float = float("nan")
    bit_exact: dict[str, bool] = field(default_factory=dict)  # backend -> host kernels == reference
    error: str = ""


def sqnr_db(reference: np.ndarray, actual: np.ndarray) -> float:
    noise = float(((reference.astype(np.float64) - actual) ** 2).sum())
    signal = float((reference.astype(np.float64) ** 2).sum())
    return math.inf if noise == 0 else 10 * math.log10(signal / noise)


def compile_entry(name: str, strict: bool = False, target: str = TARGET, activation_ranges: str = "minmax"):
    """(module file, float model, compiled program) of one zoo model."""
    from torchmcu.compiler import compile as compile_model

    entry = load(name)
    module = entry.model().eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(module, entry.example_inputs(), target=target,
                                calibration=entry.calibration_data(), strict=strict,
                                activation_ranges=activation_ranges)
    return entry, module, program


def measure(name: str, strict: bool = False, target: str = TARGET,
            activation_ranges: str = "minmax") -> tuple[Row, object, tuple]:
    """One zoo model's row (portable backend), its program and the sample it ran."""
    row = Row(name)
    try:
        return _measure(row, strict, target, activation_ranges)
    except Exception as error:  # a model that does not compile or run is a row of the table, not a crash
        row.error = (str(error).splitlines() or [type(error).__name__])[0]
        return row, None, ()


def _measure(row: Row, strict: bool, target: str, activation_ranges: str) -> tuple[Row, object, tuple]:
    import torch

    from torchmcu.run import run_program

    entry, module, program = compile_entry(row.model, strict, target, activation_ranges)
    sample = entry.example_inputs()
    row.kernel_calls = sum(op["op"].startswith("torchmcu::") for op in program.plan["ops"])
    row.float_calls = [f"{r.op} at {Path(r.source).name}" for r in program.not_lowered]
    row.arena_bytes = program.plan["arena_bytes"]
    row.pte_bytes = len(program.pte)
    ours, _ = run_program(program.pte, [x.numpy() for x in sample])
    reference = [r.detach().numpy() for r in program.run_reference(*sample)]
    row.bit_exact["portable"] = all(np.array_equal(a, b) for a, b in zip(ours, reference))
    with torch.no_grad():
        expected = module(*sample)
    expected = expected if isinstance(expected, (tuple, list)) else (expected,)
    row.sqnr_db = min(sqnr_db(e.numpy(), a) for e, a in zip(expected, ours))
    return row, program, sample


def cmsis_nn_bit_exact(programs: dict[str, tuple[object, tuple]]) -> dict[str, bool]:
    """model -> whether the CMSIS-NN backend's run equals the reference (child process)."""
    checkout = os.environ.get("CMSIS_NN_PATH")
    if not checkout or not programs:
        return {}
    with tempfile.TemporaryDirectory() as directory:
        for name, (program, sample) in programs.items():
            (Path(directory) / f"{name}.pte").write_bytes(program.pte)
            reference = [r.detach().numpy() for r in program.run_reference(*sample)]
            np.savez(Path(directory) / f"{name}.npz", *[x.numpy() for x in sample])
            np.savez(Path(directory) / f"{name}.expected.npz", *reference)
        result = subprocess.run([sys.executable, __file__, "--cmsis-nn-child", directory], capture_output=True,
                                text=True, timeout=3600)
    if result.returncode != 0:
        raise RuntimeError(f"CMSIS-NN run failed:\n{result.stderr[-2000:]}")
    return {row["model"]: row["bit_exact"] for row in map(json.loads, result.stdout.splitlines())}


def _cmsis_nn_child(directory: Path) -> None:
    from torchmcu.native import BuildConfig, load_library
    from torchmcu.run import run_program

    load_library(BuildConfig(backend="cmsis_nn", cmsis_nn_path=os.environ["CMSIS_NN_PATH"]))
    for pte in sorted(directory.glob("*.pte")):
        inputs = list(np.load(directory / f"{pte.stem}.npz").values())
        expected = list(np.load(directory / f"{pte.stem}.expected.npz").values())
        ours, _ = run_program(pte.read_bytes(), inputs)
        same = all(np.array_equal(a, b) for a, b in zip(ours, expected))
        print(json.dumps({"model": pte.stem, "bit_exact": same}), flush=True)


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "NO")


def print_table(rows: list[Row]) -> None:
    print(f"{'model':<24} {'kernels':>7} {'float':>5} {'arena B':>9} {'.pte B':>9} {'SQNR dB':>8} "
          f"{'portable':>8} {'cmsis_nn':>8}")
    for row in rows:
        if row.error:
            print(f"{row.model:<24} error: {row.error}")
            continue
        print(f"{row.model:<24} {row.kernel_calls:>7} {len(row.float_calls):>5} {row.arena_bytes:>9} "
              f"{row.pte_bytes:>9} {row.sqnr_db:>8.1f} {_yes_no(row.bit_exact.get('portable')):>8} "
              f"{_yes_no(row.bit_exact.get('cmsis_nn')):>8}")
        for call in row.float_calls:
            print(f"{'':<24}   float: {call}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", help=f"zoo models (default: all of {', '.join(discover())})")
    parser.add_argument("--strict", action="store_true", help="a float op left is an error for that model")
    parser.add_argument("--target", default=TARGET, help="compile target (default %(default)s)")
    parser.add_argument("--activation-ranges", choices=("minmax", "mse"), default="minmax",
                        help="how activation ranges are chosen (torchmcu.observers; default %(default)s)")
    parser.add_argument("--cmsis-nn-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cmsis_nn_child:
        _cmsis_nn_child(args.cmsis_nn_child)
        return 0
    if refuse_unknown(args.models):
        return 2
    from torchmcu.cli import _quiet_third_party

    _quiet_third_party()
    rows, programs = [], {}
    for name in args.models or discover():
        row, program, sample = measure(name, args.strict, args.target, args.activation_ranges)
        rows.append(row)
        if program is not None:
            programs[name] = (program, sample)
        print(f"measured {name}: {row}", file=sys.stderr, flush=True)
    for name, same in cmsis_nn_bit_exact(programs).items():
        next(r for r in rows if r.model == name).bit_exact["cmsis_nn"] = same
    print_table(rows)
    return 1 if any(r.error for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
