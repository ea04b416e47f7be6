"""The `torchmcu` command line: compile, plan, header, run, compare, size."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import warnings
from pathlib import Path

from torchmcu.errors import TorchMcuError

EXIT_OK, EXIT_ERROR, EXIT_STRICT = 0, 1, 2


def _quiet_third_party() -> None:
    """torchao/torch print loader and deprecation noise on import; users need none of it."""
    os.environ.setdefault("TORCH_CPP_LOG_LEVEL", "ERROR")
    import torch  # noqa: F401  (torch configures its loggers on import: quiet them afterwards)

    import torch._logging

    # torch.export logs whole graphs at ERROR level when it fails; our one-line error replaces them.
    torch._logging.set_logs(all=logging.CRITICAL)
    for name in ("torch", "torchao", "executorch"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    for category in (DeprecationWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("ignore", module="torch.*")
    warnings.filterwarnings("ignore", module="torchao.*")
    warnings.filterwarnings("ignore", module="executorch.*")


def _warn(message: str) -> None:
    stream = sys.stderr
    prefix = "\033[1;33mwarning:\033[0m " if stream.isatty() else "warning: "
    print(prefix + message, file=stream)


def _progress(quiet: bool):
    if quiet:
        return None

    def wrap(samples):
        from tqdm import tqdm

        return tqdm(samples, desc="calibrating", unit="sample", leave=False, disable=not sys.stderr.isatty())

    return wrap


def cmd_compile(args: argparse.Namespace) -> int:
    from torchmcu.compiler import compile as compile_model
    from torchmcu.determinism import fixed_float_environment, pin_portable_kernels
    from torchmcu.errors import CompileError
    from torchmcu.header import write_header
    from torchmcu.model_file import load_model_file
    from torchmcu.plan import format_plan

    # The model file's own float code (seeded randn, batch-norm statistics) must
    # give the same tensors on every machine too (docs/reproducibility.md).
    if not pin_portable_kernels():
        _warn("torch chose its CPU kernels before torchmcu could pin them; the program bytes may depend on this CPU")
    with fixed_float_environment():
        model_file = load_model_file(args.model)
    if model_file.calibration is None:
        _warn(f"{args.model}: no calibration_data(); calibrating on random inputs (int8 scales will not fit real data)")
    started = time.monotonic()
    if not args.quiet and sys.stderr.isatty():
        print(f"compiling {args.model} for {args.target} (export, calibrate, lower, plan)...", file=sys.stderr)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            program = compile_model(
                model_file.module, model_file.example_inputs, target=args.target,
                calibration=model_file.calibration or None, strict=args.strict, progress=_progress(args.quiet),
            )
        except CompileError as error:
            if args.strict and "could not be lowered" in str(error):
                print(f"error: {error}", file=sys.stderr)
                return EXIT_STRICT
            raise
    for warning in caught:
        text = str(warning.message)
        if "op(s) stay as portable float ops" in text or "calibrating in float32" in text:
            _warn(text)
    name = args.name or model_file.stem
    paths = program.save(args.output_dir, name)
    if args.header:
        paths["header"] = write_header(program.pte, program.plan, Path(args.output_dir) / f"{name}_pte.h", name)
    if not args.quiet:
        plan = program.plan
        lowered = plan["kernel_calls"] - plan["non_lowered_kernel_calls"]
        print(f"{name}: {args.target} ({plan['isa']}) — {lowered}/{plan['kernel_calls']} kernel calls lowered, "
              f"arena {plan['arena_bytes']} B, .pte {plan['pte_bytes']} B, int8 weights {plan['int8_weight_bytes']} B")
        if args.verbose:
            print(format_plan(plan))
        if sys.stderr.isatty():
            print(f"compiled in {time.monotonic() - started:.1f} s", file=sys.stderr)
        for kind, path in paths.items():
            print(f"  wrote {kind}: {path}")
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    from torchmcu.plan import format_plan

    path = Path(args.program)
    if not path.is_file():
        raise TorchMcuError(f"{path}: no such file")
    plan = read_plan_file(path)
    if args.plot:
        from torchmcu.report.arena_plot import plot_arena

        figures = plot_arena(plan, args.plot, title=f"{path.name}: " + ", ".join(
            f"{k.replace('_bytes', '').replace('_', ' ')} {v:,} B" for k, v in plot_figures(plan).items()))
        print(f"wrote {args.plot} (arena {figures['arena_bytes']} B, lower bound {figures['lower_bound_bytes']} B)")
        return EXIT_OK
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps(plan, indent=2))
    elif args.json:
        print(json.dumps(plan, indent=2))
    else:
        print(format_plan(plan))
    return EXIT_OK


def plot_figures(plan: dict) -> dict[str, int]:
    from torchmcu.plan import lower_bound_bytes

    return {"arena_bytes": plan["arena_bytes"], "lower_bound_bytes": lower_bound_bytes(plan),
            "peak_scratch_bytes": plan["peak_scratch_bytes"]}


def read_plan_file(path: Path) -> dict:
    """The plan of a .pte, merged with the compiler's plan.json next to it if present."""
    from torchmcu.plan import read_plan

    try:
        plan = read_plan(path.read_bytes())
    except Exception as error:
        raise TorchMcuError(f"{path}: not a readable ExecuTorch program ({type(error).__name__}: {error})") from error
    sidecar = path.with_suffix(".plan.json")
    if sidecar.is_file():
        recorded = json.loads(sidecar.read_text())
        for key in ("target", "isa", "torchmcu_version", "not_lowered", "method_allocator_bytes"):
            plan.setdefault(key, recorded.get(key))
    return plan


def cmd_header(args: argparse.Namespace) -> int:
    from torchmcu.header import write_header

    path = Path(args.program)
    if not path.is_file():
        raise TorchMcuError(f"{path}: no such file")
    plan = read_plan_file(path)
    out = write_header(path.read_bytes(), plan, Path(args.output), args.name or path.stem)
    print(f"wrote {out}")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from torchmcu.model_file import load_model_file
    from torchmcu.report.layer_compare import compare_model, format_report, plot_report

    model_file = load_model_file(args.model)
    calibration = model_file.calibration
    if calibration is None:
        _warn(f"{args.model}: no calibration_data(); calibrating on random inputs")
        from torchmcu.determinism import random_calibration

        calibration = random_calibration(model_file.example_inputs)
    samples = load_samples(Path(args.calibration), len(model_file.example_inputs)) if args.calibration else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = compare_model(model_file.module, model_file.example_inputs, calibration, args.target,
                               samples=samples, kernels=args.kernels, progress=_progress(args.quiet))
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(format_report(report))
    if args.plot:
        plot_report(report, args.plot)
        if not args.json:
            print(f"wrote {args.plot}")
    return EXIT_OK


def load_samples(path: Path, inputs: int) -> list[tuple]:
    """Evaluation samples from an .npz: one array per model input, samples along axis 0."""
    import numpy as np
    import torch

    if not path.is_file():
        raise TorchMcuError(f"{path}: no such file")
    try:
        arrays = np.load(path)
        stacked = [arrays[key] for key in arrays.files]
    except (OSError, ValueError) as error:
        raise TorchMcuError(f"{path}: cannot read as .npz ({error})") from error
    if len(stacked) != inputs or len({a.shape[0] for a in stacked}) != 1:
        raise TorchMcuError(f"{path}: needs {inputs} array(s) (one per model input) with the same number of "
                            f"samples along axis 0; has {[a.shape for a in stacked]}")
    return [tuple(torch.from_numpy(np.ascontiguousarray(a[i:i + 1])) for a in stacked)
            for i in range(stacked[0].shape[0])]


def cmd_size(args: argparse.Namespace) -> int:
    from torchmcu.report.elf_size import elf_size, format_size

    report = elf_size(args.elf)
    print(json.dumps(report.as_dict(), indent=2) if args.json else format_size(report))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="torchmcu", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("compile", help="compile a model file to an int8 .pte and its plan")
    p.add_argument("model", help="Python file defining model(), example_inputs() [, calibration_data()]")
    p.add_argument("--target", default="cortex-m55", help="e.g. cortex-m55, cortex-m55+nomve, cortex-m4, cortex-m33+nodsp")
    p.add_argument("--output-dir", default="out", help="where <name>.pte and <name>.plan.json go (default: out)")
    p.add_argument("--name", help="output file stem (default: the model file's stem)")
    p.add_argument("--strict", action="store_true", help="fail (exit 2) if any op cannot be lowered")
    p.add_argument("--header", action="store_true", help="also write <name>_pte.h for firmware builds")
    p.add_argument("--quiet", action="store_true", help="print nothing but warnings and errors")
    p.add_argument("--verbose", "-v", action="store_true", help="print the per-op plan")
    p.set_defaults(func=cmd_compile)

    p = sub.add_parser("plan", help="print the memory plan of an existing .pte")
    p.add_argument("program")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--output", help="write the plan as JSON to this file instead of printing it")
    p.add_argument("--plot", metavar="PNG", help="draw the arena over the op sequence to this PNG")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("compare", help="per-layer SQNR of int8 against float, final SQNR and top-1 agreement")
    p.add_argument("model", help="Python model file")
    p.add_argument("--target", default="cortex-m55")
    p.add_argument("--calibration", metavar="NPZ",
                   help="evaluation samples (one array per input, samples on axis 0); default: calibration_data()")
    p.add_argument("--kernels", action="store_true", help="final outputs from the host kernels, not the Python reference")
    p.add_argument("--plot", metavar="PNG", help="also draw per-layer SQNR to this PNG")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("size", help="flash and RAM of a firmware ELF by category (program, arena, kernels, ...)")
    p.add_argument("elf")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_size)

    p = sub.add_parser("header", help="write a C header embedding a .pte and its plan's sizes")
    p.add_argument("program")
    p.add_argument("--output", required=True)
    p.add_argument("--name")
    p.set_defaults(func=cmd_header)

    try:
        from torchmcu.run import add_run_parser
    except ImportError:
        pass
    else:
        add_run_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _quiet_third_party()
    try:
        return args.func(args)
    except TorchMcuError as error:
        if args.debug:
            raise
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except ValueError as error:  # TargetError and other argument errors
        if args.debug:
            raise
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
