"""The ExecuTorch portable kernels a firmware needs for the float ops its programs keep.

`python -m torchmcu.portable_ops <program.pte> --name <model> --executorch <ExecuTorch sources>`
prints one JSON object: "ops", the float (non-torchmcu) operators the program calls
("aten::cumsum.out"), and "sources", the portable kernel files that define them
(kernels/portable/cpu/op_cumsum.cpp). torchmcu_add_model() runs it when CMake
configures a Zephyr build without ExecuTorch's full portable library
(CONFIG_EXECUTORCH_BUILD_PORTABLE_OPS=n) and builds exactly those kernels with
ExecuTorch's own registration codegen (cmake/torchmcu_float_ops.cmake).

A program whose float ops cannot be built that way (no ExecuTorch sources, or an
op with no portable kernel) is refused with one line naming its ops.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from torchmcu.errors import TorchMcuError, existing_file

# Ops the runtime provides itself (ExecuTorch's prim ops) or torchmcu's kernels implement.
_BUILT_IN = ("torchmcu::", "executorch_prim::")
FUNCTIONS_YAML = Path("kernels", "portable", "functions.yaml")
KERNELS_DIR = Path("kernels", "portable", "cpu")


class FloatOpsError(TorchMcuError):
    """A program keeps float ops the firmware cannot build kernels for."""


def float_ops(pte: bytes, origin: Path | str) -> list[str]:
    """The operators of the program's forward method that are neither torchmcu's nor ExecuTorch's prim ops."""
    from torchmcu.pte_reader import ProgramFormatError, read_program

    try:
        forward = next(p for p in read_program(pte).execution_plan if p.name == "forward")
    except (ProgramFormatError, StopIteration) as error:
        raise FloatOpsError(f"{origin}: not an ExecuTorch program with a forward method ({error})") from None
    names = [f"{op.name}.{op.overload}" if op.overload else op.name for op in forward.operators]
    return sorted({name for name in names if not name.startswith(_BUILT_IN)})


def _kernel_functions(functions_yaml: Path) -> dict[str, str]:
    """Operator name ("aten::cumsum.out") -> unqualified kernel function ("cumsum_out")."""
    import yaml

    kernels = {}
    for entry in yaml.safe_load(functions_yaml.read_text()):
        op = entry["op"] if "op" in entry else entry["func"].split("(", 1)[0]  # "func" entries carry a schema
        name = op if "::" in op else f"aten::{op}"
        for kernel in entry.get("kernels", []):
            if kernel.get("arg_meta") is None:
                kernels[name] = kernel["kernel_name"].rsplit("::", 1)[-1]
    return kernels


def _defining_file(kernels_dir: Path, op: str, function: str) -> Path | None:
    """The op_*.cpp file that defines `function`: the one that names it (some define it through a macro),
    or, where another file names it too, the one named after the op (op_var.cpp, not op_var_mean.cpp)."""
    mention = re.compile(rf"\b{re.escape(function)}\b")
    files = [p for p in sorted(kernels_dir.glob("op_*.cpp")) if mention.search(p.read_text(errors="replace"))]
    named = kernels_dir / f"op_{op.split('::')[-1].split('.')[0].rstrip('_')}.cpp"
    return named if len(files) > 1 and named in files else next(iter(files), None)


def portable_sources(ops: list[str], executorch: Path, model: str) -> list[Path]:
    """The portable kernel files that define `ops`, or a FloatOpsError naming what cannot be built."""
    kept = ", ".join(ops)
    refused = f"model '{model}' keeps float ops that torchmcu does not lower: {kept}."
    functions_yaml = executorch / FUNCTIONS_YAML
    if not functions_yaml.is_file():
        raise FloatOpsError(f"{refused} This firmware has no ExecuTorch portable kernels for them "
                            f"(CONFIG_EXECUTORCH_BUILD_PORTABLE_OPS=n, and no {FUNCTIONS_YAML} under '{executorch}' "
                            "to build them from); set it to y, or change the model so `torchmcu compile --strict` "
                            "accepts it")
    functions = _kernel_functions(functions_yaml)
    sources, missing = [], []
    for op in ops:
        path = _defining_file(executorch / KERNELS_DIR, op, functions[op]) if op in functions else None
        (sources if path else missing).append(path or op)
    if missing:
        raise FloatOpsError(f"{refused} ExecuTorch has no portable kernel for {', '.join(missing)} "
                            f"({functions_yaml}); change the model so `torchmcu compile --strict` accepts it")
    return sorted(set(sources))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m torchmcu.portable_ops", description=__doc__.split("\n\n")[0])
    parser.add_argument("program", help="the compiled .pte")
    parser.add_argument("--name", required=True, help="the model's name, for messages")
    parser.add_argument("--executorch", type=Path, required=True, help="ExecuTorch's source tree")
    args = parser.parse_args(argv)
    try:
        program = existing_file(args.program, FloatOpsError, "a .pte program")
        ops = float_ops(program.read_bytes(), program)
        sources = portable_sources(ops, args.executorch, args.name) if ops else []
    except TorchMcuError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    print(json.dumps({"ops": ops, "sources": [str(s) for s in sources]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
