"""`torchmcu run`: execute a .pte on the host with the torchmcu C++ kernels and runner."""

from __future__ import annotations

import argparse
import io
import os
from pathlib import Path

from typing import TYPE_CHECKING

from torchmcu.errors import TorchMcuError

if TYPE_CHECKING:
    import numpy as np

_DTYPE_NAMES = ("int8", "uint8", "int16", "int32", "int64", "float32", "float64", "bool")


def _numpy_dtype(name: str):
    """The numpy dtype of a plan's dtype name (numpy is imported only when a program runs)."""
    import numpy as np

    if name not in _DTYPE_NAMES:
        raise TorchMcuError(f"the program uses dtype {name}, which `torchmcu run` cannot feed")
    return np.dtype(name)


def program_io(plan: dict) -> tuple[list[dict], list[dict]]:
    """Shapes/dtypes of the method's inputs and outputs, from the plan read off the .pte."""
    return plan["program_inputs"], plan["program_outputs"]


def run_program(pte: bytes, inputs: list[np.ndarray], config=None) -> tuple[list[np.ndarray], dict]:
    """Run `pte` on the host runner; returns (outputs, stats)."""
    import numpy as np

    from torchmcu.native import HostRunner
    from torchmcu.plan import read_plan

    plan = read_plan(pte)
    expected_inputs, expected_outputs = program_io(plan)
    if len(inputs) != len(expected_inputs):
        raise TorchMcuError(f"the program takes {len(expected_inputs)} input(s), got {len(inputs)}")
    prepared = []
    for i, (array, spec) in enumerate(zip(inputs, expected_inputs)):
        dtype = _numpy_dtype(spec["dtype"])
        if list(array.shape) != spec["shape"]:
            raise TorchMcuError(f"input {i} has shape {list(array.shape)}, the program expects {spec['shape']}")
        if array.dtype != dtype:
            raise TorchMcuError(f"input {i} has dtype {array.dtype}, the program expects {spec['dtype']}")
        prepared.append(np.ascontiguousarray(array))
    runner = HostRunner(pte, config=config)
    runner.run(*prepared)
    outputs = []
    for i, spec in enumerate(expected_outputs):
        raw = runner.output_bytes(i)
        outputs.append(np.frombuffer(raw, dtype=_numpy_dtype(spec["dtype"])).reshape(spec["shape"]).copy())
    stats = {"method_pool_used": runner.method_pool_used, "arena_bytes": runner.planned_arena_bytes,
             "checksums": [runner.fnv1a32(o.tobytes()) for o in outputs]}
    return outputs, stats


def measure_method_allocator_bytes(pte: bytes) -> int:
    """Method-allocator bytes a load takes on this (64-bit) host: an upper bound for Cortex-M."""
    from torchmcu.native import HostRunner

    return HostRunner(pte).method_pool_used


def pattern_input(shape: list[int], dtype: str) -> np.ndarray:
    """The samples' built-in input (samples/common/pattern.h): x[i] = ((37 i) mod 255 - 127) / 128,
    exact in float32, so firmware and host feed identical bytes."""
    import numpy as np

    index = np.arange(int(np.prod(shape)), dtype=np.int64)
    values = ((37 * index) % 255 - 127).astype(np.float64)
    if dtype == "int8":
        return values.astype(np.int8).reshape(shape)
    return (values / 128.0).astype(_numpy_dtype(dtype)).reshape(shape)


def _load_inputs(args, plan) -> list[np.ndarray]:
    import numpy as np

    from torchmcu.samples import load_npy

    specs, _ = program_io(plan)
    if args.pattern:
        return [pattern_input(s["shape"], s["dtype"]) for s in specs]
    if args.random:
        rng = np.random.default_rng(args.seed)
        return [rng.standard_normal(s["shape"]).astype(_numpy_dtype(s["dtype"])) for s in specs]
    if len(args.input) != len(specs):
        raise TorchMcuError(f"the program takes {len(specs)} input(s), got {len(args.input)} --input file(s)")
    return [load_npy(path) for path in args.input]


def _check_arguments(args: argparse.Namespace) -> None:
    """Everything that can be refused before the program is read or a kernel built."""
    from torchmcu.errors import UsageError
    from torchmcu.model_file import check_model_path
    from torchmcu.outputs import check_output_file
    from torchmcu.samples import check_input_path

    sources = [name for name, given in (("--input", args.input), ("--random", args.random),
                                        ("--pattern", args.pattern)) if given]
    if len(sources) != 1:
        raise UsageError("give exactly one input source: --input x.npy (per program input), --pattern or --random"
                         + (f"; got {' and '.join(sources)}" if sources else ""))
    for path in args.input or ():
        check_input_path(path)  # a typo answers before numpy and the program are loaded
    if args.output:
        check_output_file(args.output, "--output", create_parents=True)
    if args.compare:
        check_model_path(args.compare)
    if args.backend == "cmsis_nn" and not os.environ.get("CMSIS_NN_PATH"):
        raise UsageError("--backend cmsis_nn needs a CMSIS-NN checkout: set CMSIS_NN_PATH")


def cmd_run(args: argparse.Namespace) -> int:
    from torchmcu.cli import warn
    from torchmcu.program_file import program_plan, read_program_file

    _check_arguments(args)
    pte = read_program_file(args.program)
    from torchmcu.native import BuildConfig
    from torchmcu.samples import non_finite

    plan = program_plan(pte, args.program)
    inputs = _load_inputs(args, plan)
    for i, array in enumerate(inputs):
        bad = non_finite(array)
        if bad:
            warn(f"input {i} contains {bad}; the program quantizes NaN to the zero point and saturates "
                 "+-Inf (docs/numerics.md)")
    config = BuildConfig(backend=args.backend,
                         cmsis_nn_path=os.environ.get("CMSIS_NN_PATH") if args.backend == "cmsis_nn" else None)
    outputs, stats = run_program(pte, inputs, config)
    import numpy as np

    for i, (output, checksum) in enumerate(zip(outputs, stats["checksums"])):
        print(f"output {i}: shape {list(output.shape)} {output.dtype} checksum 0x{checksum:08x}")
        print(f"  {np.array2string(output.flatten()[:16], precision=5)}{' ...' if output.size > 16 else ''}")
    print(f"arena {stats['arena_bytes']} B, method pool used {stats['method_pool_used']} B (64-bit host)")
    if args.output:
        from torchmcu.outputs import write_atomic

        buffer = io.BytesIO()
        np.savez(buffer, *outputs)
        write_atomic(args.output, buffer.getvalue())
    if args.compare:
        from torchmcu.cli import _quiet_third_party
        from torchmcu.compare import compare_with_reference

        _quiet_third_party()
        return compare_with_reference(Path(args.compare), pte, inputs, outputs, plan)
    return 0


def add_run_parser(sub) -> None:
    p = sub.add_parser("run", help="run a .pte on the host with the torchmcu kernels")
    p.add_argument("program")
    p.add_argument("--input", action="append", help=".npy file per program input (repeat in order)")
    p.add_argument("--random", action="store_true", help="random float inputs")
    p.add_argument("--pattern", action="store_true",
                   help="the sample apps' built-in input ((37 i mod 255 - 127) / 128), to compare checksums")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--output", help="write outputs to this .npz")
    p.add_argument("--backend", default="portable", choices=("portable", "cmsis_nn"),
                   help="kernel backend (cmsis_nn needs CMSIS_NN_PATH)")
    p.add_argument("--compare", metavar="MODEL_PY",
                   help="also run the Python reference and the float model; exit 0 only if bit-exact")
    p.set_defaults(func=cmd_run)

