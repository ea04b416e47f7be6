"""Kernel selection: the torchmcu kernels a firmware registers and links.

`python -m torchmcu.selection <program.pte>... --output <dir>` reads every
kernel call of every program and writes `<dir>/torchmcu_kernel_selection.h`
(one 0/1 macro per kernel and per CMSIS-NN-to-portable fallback) and
`<dir>/selection.json`. A firmware built with it (torchmcu_add_model() does
this, docs/flash.md) registers only the selected kernels; the linker drops the
rest, and the portable fallbacks that no call's shapes reach.

`--kernels <selection.json>` fixes the selection instead (for a firmware that
must also run programs it does not embed): then every program given must fit
in it, or the command fails naming the program and the op it is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from torchmcu.errors import TorchMcuError

HEADER_NAME = "torchmcu_kernel_selection.h"
JSON_NAME = "selection.json"
# A program without a record could have been planned for any ISA.
_ISAS = ("scalar", "dsp", "mve")


class SelectionError(TorchMcuError):
    """A program cannot be read, or needs a kernel a fixed selection leaves out."""


@dataclass
class Selection:
    kernels: set[str] = field(default_factory=set)  # torchmcu op names: "conv2d"
    fallbacks: set[str] = field(default_factory=set)  # ops whose portable fallback some call reaches
    programs: list[str] = field(default_factory=list)

    def add(self, other: "Selection") -> None:
        self.kernels |= other.kernels
        self.fallbacks |= other.fallbacks
        self.programs += other.programs

    def as_dict(self) -> dict:
        return {"kernels": sorted(self.kernels), "fallbacks": sorted(self.fallbacks), "programs": self.programs}

    @classmethod
    def from_dict(cls, data: dict) -> "Selection":
        return cls(set(data["kernels"]), set(data["fallbacks"]), list(data.get("programs", [])))


def _all_ops() -> dict:
    import torchmcu.ops  # noqa: F401  (registers the definitions)
    from torchmcu.ops._library import all_ops

    return all_ops()


def every_kernel() -> Selection:
    """Every kernel and every fallback: what a firmware without embedded programs needs."""
    ops = _all_ops()
    return Selection(set(ops), {name for name, op in ops.items() if op.cmsis_nn_fallback}, ["(all kernels)"])


def _argument(values, value):
    from executorch.exir.schema import Bool, Double, Int, IntList, Null, Tensor

    from torchmcu.ops._fallback import TensorArg
    from torchmcu.plan import _nbytes

    val = value.val
    if isinstance(val, Tensor):
        return TensorArg(tuple(int(s) for s in val.sizes), _nbytes(val))
    if isinstance(val, Int):
        return int(val.int_val)
    if isinstance(val, IntList):
        return [int(values[i].val.int_val) for i in val.items]
    if isinstance(val, Bool):
        return bool(val.bool_val)
    if isinstance(val, Double):
        return float(val.double_val)
    if isinstance(val, Null):
        return None
    return val


def program_selection(pte: bytes, name: str) -> Selection:
    """The kernels and fallbacks one serialized program's calls need."""
    from executorch.exir._serialize._program import deserialize_pte_binary
    from executorch.exir.schema import KernelCall

    from torchmcu.pte_reader import ProgramFormatError, read_program
    from torchmcu.record import read_record

    try:
        program = deserialize_pte_binary(pte).program
    except Exception as error:  # the flatbuffer reader raises many kinds
        raise SelectionError(f"{name}: not an ExecuTorch program ({error})") from error
    try:
        record = read_record(read_program(pte))
    except (ProgramFormatError, ValueError) as error:
        raise SelectionError(f"{name}: no readable torchmcu record ({error})") from error
    isas = (record.isa,) if record else _ISAS
    ops = _all_ops()
    selection = Selection(programs=[name])
    for plan in program.execution_plan:
        for chain in plan.chains:
            for instruction in chain.instructions:
                call = instruction.instr_args
                if not isinstance(call, KernelCall):
                    continue
                operator = plan.operators[call.op_index]
                namespace, _, op_name = operator.name.partition("::")
                if namespace != "torchmcu":
                    continue  # ExecuTorch's own ops: its selective build (CONFIG_EXECUTORCH_*) decides
                if op_name not in ops:
                    raise SelectionError(f"{name}: calls torchmcu::{op_name}, which this torchmcu does not have "
                                         f"(a program from another release?)")
                selection.kernels.add(op_name)
                predicate = ops[op_name].cmsis_nn_fallback
                if predicate is None or op_name in selection.fallbacks:
                    continue
                names = [a.name for a in ops[op_name].out._schema.arguments]
                args = {n: _argument(plan.values, plan.values[i]) for n, i in zip(names, call.args)}
                if any(predicate(args, isa) for isa in isas):
                    selection.fallbacks.add(op_name)
    return selection


def missing_from(fixed: Selection, needed: Selection) -> list[str]:
    """What `needed` calls that `fixed` leaves out, one phrase each."""
    return ([f"torchmcu::{op}.out" for op in sorted(needed.kernels - fixed.kernels)] +
            [f"the portable fallback of torchmcu::{op}.out" for op in sorted(needed.fallbacks - fixed.fallbacks)])


def render_header(selection: Selection) -> str:
    lines = [f"/* Generated by `python -m torchmcu.selection` for {', '.join(selection.programs)}: do not edit.",
             " * 1 = registered and linked; 0 = left out (kernels/nn/common/selection.h). */",
             "#ifndef TORCHMCU_KERNEL_SELECTION_H_",
             "#define TORCHMCU_KERNEL_SELECTION_H_",
             ""]
    ops = _all_ops()
    for name in sorted(ops):
        lines.append(f"#define TMCU_SELECTED_KERNEL_{name} {int(name in selection.kernels)}")
    lines.append("")
    for name in sorted(n for n, op in ops.items() if op.cmsis_nn_fallback):
        lines.append(f"#define TMCU_SELECTED_FALLBACK_{name} {int(name in selection.fallbacks)}")
    lines += ["", "#endif /* TORCHMCU_KERNEL_SELECTION_H_ */", ""]
    return "\n".join(lines)


def _write_if_changed(path: Path, text: str) -> None:
    """Unchanged outputs keep their time stamps, so the kernels are not recompiled."""
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m torchmcu.selection", description=__doc__.split("\n\n")[0])
    parser.add_argument("programs", nargs="*", type=Path, help=".pte files the firmware runs")
    parser.add_argument("--output", type=Path, required=True, help=f"directory for {HEADER_NAME} and {JSON_NAME}")
    parser.add_argument("--kernels", type=Path, help=f"a fixed {JSON_NAME}: check the programs against it")
    parser.add_argument("--all", action="store_true", help="select every kernel (a firmware with no programs)")
    args = parser.parse_args(argv)
    try:
        needed = every_kernel() if args.all or not args.programs else Selection()
        for path in args.programs:
            if not path.is_file():
                raise SelectionError(f"{path}: no such file")
            needed.add(program_selection(path.read_bytes(), path.name))
        selection = needed
        if args.kernels:
            try:
                selection = Selection.from_dict(json.loads(args.kernels.read_text()))
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise SelectionError(f"{args.kernels}: not a kernel selection ({error})") from error
            for path in args.programs:
                gaps = missing_from(selection, program_selection(path.read_bytes(), path.name))
                if gaps:
                    raise SelectionError(f"{path.name} needs {', '.join(gaps)}, which the kernel selection "
                                         f"{args.kernels} leaves out; add the program to that selection")
    except SelectionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    args.output.mkdir(parents=True, exist_ok=True)
    _write_if_changed(args.output / HEADER_NAME, render_header(selection))
    _write_if_changed(args.output / JSON_NAME, json.dumps(selection.as_dict(), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
