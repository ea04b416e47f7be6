"""The `torchmcu` command line: compile, plan, header, run, compare, size.

Every argument and file is checked before torch is imported, so a typo costs
a second, not a compile. Every user error is one `error:` line; exit 1 for
usage and input errors, 2 for `--strict` and budget refusals, 3 when the
kernels and the reference disagree (torchmcu.errors). `--debug` shows tracebacks.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import warnings
from pathlib import Path

from torchmcu.errors import EXIT_ERROR, TorchMcuError, UsageError

EXIT_OK = 0
EXIT_INTERRUPTED = 130


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


def warn(message: str) -> None:
    stream = sys.stderr
    prefix = "\033[1;33mwarning:\033[0m " if stream.isatty() else "warning: "
    print(prefix + message, file=stream)


_warn = warn  # benchmarks and older callers


def _progress(quiet: bool):
    if quiet:
        return None

    def wrap(samples):
        from tqdm import tqdm

        return tqdm(samples, desc="calibrating", unit="sample", leave=False, disable=not sys.stderr.isatty())

    return wrap


def byte_count(text: str) -> int:
    """A positive byte count: 65536, 64K, 2M (binary units)."""
    units = {"k": 1 << 10, "m": 1 << 20}
    digits, scale = (text[:-1], units[text[-1].lower()]) if text[-1:].lower() in units else (text, 1)
    try:
        value = int(digits) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a byte count (e.g. 262144, 256K, 2M)") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: a budget must be positive")
    return value


def cmd_compile(args: argparse.Namespace) -> int:
    from torchmcu.model_file import check_model_path
    from torchmcu.outputs import check_output_dir, check_stem
    from torchmcu.target import parse_target

    model_path = check_model_path(args.model)
    target = parse_target(args.target)
    output_dir = check_output_dir(args.output_dir)
    name = check_stem(model_path.stem if args.name is None else args.name)
    for suffix in (".pte", ".plan.json") + (("_pte.h",) if args.header else ()):
        if (output_dir / f"{name}{suffix}").is_dir():
            raise UsageError(f"{output_dir / f'{name}{suffix}'}: is a directory; the compiler writes a file there")
    _quiet_third_party()
    from torchmcu.budgets import check_budgets
    from torchmcu.compiler import compile as compile_model
    from torchmcu.header import write_header
    from torchmcu.model_file import load_model_file_as_compiled
    from torchmcu.plan import format_plan

    # The model file's own float code (seeded randn, batch-norm statistics) must
    # give the same tensors on every machine too (docs/reproducibility.md).
    model_file = load_model_file_as_compiled(model_path)
    if model_file.calibration is None:
        warn(f"{args.model}: no calibration_data(); calibrating on random inputs (int8 scales will not fit real data)")
    started = time.monotonic()
    if not args.quiet and sys.stderr.isatty():
        print(f"compiling {args.model} for {target} (export, calibrate, lower, plan)...", file=sys.stderr)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        program = compile_model(model_file.module, model_file.example_inputs, target=target,
                                calibration=model_file.calibration, strict=args.strict,
                                progress=_progress(args.quiet), activation_ranges=args.activation_ranges)
    for warning in caught:
        text = str(warning.message)
        if "op(s) stay as portable float ops" in text or "calibrating in float32" in text:
            warn(text)
    for message in check_budgets(program.plan, flash_budget=args.flash_budget, ram_budget=args.ram_budget):
        warn(message)
    paths = program.save(output_dir, name)
    if args.header:
        paths["header"] = write_header(program.pte, program.plan, output_dir / f"{name}_pte.h", name)
    if not args.quiet:
        plan = program.plan
        lowered = plan["kernel_calls"] - plan["non_lowered_kernel_calls"]
        print(f"{name}: {target} ({plan['isa']}) — {lowered}/{plan['kernel_calls']} kernel calls lowered, "
              f"arena {plan['arena_bytes']} B, .pte {plan['pte_bytes']} B, int8 weights {plan['int8_weight_bytes']} B")
        if args.verbose:
            print(format_plan(plan))
        if sys.stderr.isatty():
            print(f"compiled in {time.monotonic() - started:.1f} s", file=sys.stderr)
        for kind, path in paths.items():
            print(f"  wrote {kind}: {path}")
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    from torchmcu.outputs import check_output_file, write_atomic
    from torchmcu.program_file import read_program_file

    pte = read_program_file(args.program)
    if args.output:
        check_output_file(args.output, "--output", create_parents=True)
    if args.plot:
        check_output_file(args.plot, "--plot", create_parents=True)
    from torchmcu.plan import format_plan
    from torchmcu.program_file import program_plan

    plan = program_plan(pte, args.program)
    if args.plot:
        from torchmcu.report.arena_plot import plot_arena

        figures = plot_arena(plan, args.plot, title=f"{Path(args.program).name}: " + ", ".join(
            f"{k.replace('_bytes', '').replace('_', ' ')} {v:,} B" for k, v in plot_figures(plan).items()))
        print(f"wrote {args.plot} (arena {figures['arena_bytes']} B, lower bound {figures['lower_bound_bytes']} B)")
        return EXIT_OK
    if args.output:
        write_atomic(args.output, json.dumps(plan, indent=2))
    elif args.json:
        print(json.dumps(plan, indent=2))
    else:
        print(format_plan(plan))
    return EXIT_OK


def plot_figures(plan: dict) -> dict[str, int]:
    from torchmcu.plan import lower_bound_bytes

    return {"arena_bytes": plan["arena_bytes"], "lower_bound_bytes": lower_bound_bytes(plan),
            "peak_scratch_bytes": plan["peak_scratch_bytes"]}


def cmd_header(args: argparse.Namespace) -> int:
    from torchmcu.header import write_header
    from torchmcu.outputs import check_output_file
    from torchmcu.program_file import program_plan, read_program_file

    pte = read_program_file(args.program)
    output = check_output_file(args.output, "--output", create_parents=True)
    name = args.name or Path(args.program).stem
    if not name.strip():
        raise UsageError("--name: empty; give the C name stem for the header's symbols")
    plan = program_plan(pte, args.program)
    out = write_header(pte, plan, output, name)
    print(f"wrote {out}")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from torchmcu.model_file import check_model_path
    from torchmcu.outputs import check_output_file
    from torchmcu.samples import check_npz_path
    from torchmcu.target import parse_target

    check_model_path(args.model)
    parse_target(args.target)
    if args.calibration:
        check_npz_path(args.calibration)
    if args.plot:
        check_output_file(args.plot, "--plot", create_parents=True)
    _quiet_third_party()
    from torchmcu.model_file import load_model_file_as_compiled
    from torchmcu.report.layer_compare import compare_model, format_report, plot_report
    from torchmcu.samples import load_samples

    model_file = load_model_file_as_compiled(args.model)
    calibration = model_file.calibration
    if calibration is None:
        warn(f"{args.model}: no calibration_data(); calibrating on random inputs")
        from torchmcu.determinism import random_calibration

        calibration = random_calibration(model_file.example_inputs)
    samples = load_samples(args.calibration, model_file.example_inputs) if args.calibration else None
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


def cmd_size(args: argparse.Namespace) -> int:
    from torchmcu.report.elf_size import elf_size, format_size

    if args.components or args.map:
        from torchmcu.report.components import component_size, format_components

        components = component_size(args.elf, args.map)
        print(json.dumps(components.as_dict(), indent=2) if args.json else format_components(components))
        return EXIT_OK
    report = elf_size(args.elf)
    print(json.dumps(report.as_dict(), indent=2) if args.json else format_size(report))
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one `error:` line (exit 1), like every other error."""

    def error(self, message: str):
        raise UsageError(f"{self.prog}: {message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="torchmcu", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("compile", help="compile a model file to an int8 .pte and its plan")
    p.add_argument("model", help="Python file defining model(), example_inputs() [, calibration_data()]")
    p.add_argument("--target", default="cortex-m55", help="e.g. cortex-m55, cortex-m55+nomve, cortex-m4, cortex-m33+nodsp")
    p.add_argument("--output-dir", default="out", help="where <name>.pte and <name>.plan.json go (default: out)")
    p.add_argument("--name", help="output file stem (default: the model file's stem)")
    p.add_argument("--strict", action="store_true", help="fail (exit 2) if any op cannot be lowered")
    p.add_argument("--flash-budget", type=byte_count, metavar="BYTES",
                   help="fail (exit 2) if the program is larger (e.g. 512K)")
    p.add_argument("--ram-budget", type=byte_count, metavar="BYTES",
                   help="fail (exit 2) if the arena plus the method pool is larger (e.g. 256K)")
    p.add_argument("--header", action="store_true", help="also write <name>_pte.h for firmware builds")
    # The choices are torchmcu.observers.ACTIVATION_RANGES (not imported: it loads torchao).
    p.add_argument("--activation-ranges", choices=("minmax", "mse"), default="minmax",
                   help="activation int8 ranges from calibration: min/max, or the range minimizing quantization "
                        "MSE (default: %(default)s; docs/accuracy.md)")
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
    p.add_argument("--components", action="store_true",
                   help="by component from the linker map: kernels per op, runner, ExecuTorch, CMSIS-NN, Zephyr, ...")
    p.add_argument("--map", help="the linker map (default: the ELF's name with .map, as Zephyr writes it)")
    p.set_defaults(func=cmd_size)

    p = sub.add_parser("header", help="write a C header embedding a .pte and its record's sizes")
    p.add_argument("program")
    p.add_argument("--output", required=True)
    p.add_argument("--name")
    p.set_defaults(func=cmd_header)

    from torchmcu.run import add_run_parser

    add_run_parser(sub)
    return parser


def describe(error: BaseException) -> str:
    """One line for any error: ours say what to change; others at least say where."""
    if isinstance(error, TorchMcuError):
        return str(error)  # ours: may list details on further lines (the --strict listing)
    if isinstance(error, ValueError):  # TargetError and argument errors from libraries
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    if isinstance(error, MemoryError):
        return "out of memory"
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"internal error ({type(error).__name__}: {first}); rerun with --debug for the traceback and report it"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        if debug:
            raise
        print(f"error: {describe(error)}", file=sys.stderr)
        return getattr(error, "exit_code", EXIT_ERROR)


if __name__ == "__main__":
    sys.exit(main())
