"""Read a memory plan back from a .pte: what the device will really do.

Nothing here trusts the compiler's bookkeeping: ops, shapes, arena offsets and
scratch sizes all come from the serialized ExecuTorch program.
"""

from __future__ import annotations

import math
from typing import Any

from torchmcu.pte_reader import KernelCall, Tensor, read_program

# ExecuTorch's ScalarType codes -> element sizes and names for the report.
_SCALAR_TYPES = {0: ("uint8", 1), 1: ("int8", 1), 2: ("int16", 2), 3: ("int32", 4), 4: ("int64", 8),
                 6: ("float32", 4), 7: ("float64", 8), 11: ("bool", 1)}
SCRATCH_ARGUMENTS = ("scratch", "reverse_scratch")
# Ops that cost no kernel work: ExecuTorch's view is a pointer alias.
FREE_OPS = {"executorch_prim::et_view"}


def _dtype(tensor: Tensor) -> tuple[str, int]:
    code = int(getattr(tensor.scalar_type, "value", tensor.scalar_type))
    return _SCALAR_TYPES.get(code, (f"scalar_type_{code}", 1))


def _nbytes(tensor: Tensor) -> int:
    return math.prod(tensor.sizes) * _dtype(tensor)[1]


def _arena_offset(tensor: Tensor) -> int | None:
    info = tensor.allocation_info
    if info is None:
        return None
    return (info.memory_offset_high << 32) | info.memory_offset_low


def _out_argument_names(op_name: str, overload: str) -> list[str] | None:
    """Argument names of a torchmcu op's schema (to spot scratch), read without importing torch."""
    from torchmcu.op_arguments import argument_names

    return argument_names(op_name, overload)


def read_plan(pte: bytes) -> dict[str, Any]:
    """The per-op plan and totals of the `forward` method of a serialized program."""
    from torchmcu.record import read_record

    program = read_program(pte)
    plans = {p.name: p for p in program.execution_plan}
    if "forward" not in plans:
        raise ValueError(f"the program has no forward method (methods: {', '.join(plans)})")
    plan = plans["forward"]
    record = read_record(program)
    values = plan.values
    operators = plan.operators
    ops: list[dict[str, Any]] = []
    constant_bytes = 0
    int8_weight_bytes = 0
    seen_constants: set[int] = set()
    for index, value in enumerate(values):
        tensor = value.val
        if isinstance(tensor, Tensor) and tensor.data_buffer_idx > 0 and tensor.data_buffer_idx not in seen_constants:
            seen_constants.add(tensor.data_buffer_idx)
            constant_bytes += _nbytes(tensor)
            if _dtype(tensor)[0] == "int8":
                int8_weight_bytes += _nbytes(tensor)

    for chain in plan.chains:
        for instruction in chain.instructions:
            call = instruction.instr_args
            if not isinstance(call, KernelCall):
                continue
            operator = operators[call.op_index]
            op_name = f"{operator.name}" + (f".{operator.overload}" if operator.overload else "")
            names = _out_argument_names(operator.name, operator.overload) or []
            inputs, outputs, scratch = [], [], []
            seen_values: set[int] = set()
            for position, value_index in enumerate(call.args):
                tensor = values[value_index].val
                # ExecuTorch lists the out tensor twice (argument and return value): count it once.
                if not isinstance(tensor, Tensor) or value_index in seen_values:
                    continue
                seen_values.add(value_index)
                name = names[position] if position < len(names) else "out"
                entry = {
                    "value": value_index,
                    "shape": list(tensor.sizes),
                    "dtype": _dtype(tensor)[0],
                    "bytes": _nbytes(tensor),
                    "arena_offset": _arena_offset(tensor),
                    "constant": tensor.data_buffer_idx > 0,
                }
                if name in SCRATCH_ARGUMENTS:
                    scratch.append({"argument": name, **entry})
                elif name == "out" or position == len(call.args) - 1:
                    outputs.append(entry)
                else:
                    inputs.append(entry)
            ops.append({
                "index": len(ops),
                "op": op_name,
                "inputs": [i for i in inputs if not i["constant"]],
                "constants": [i for i in inputs if i["constant"]],
                "outputs": outputs,
                "scratch": scratch,
                "scratch_bytes": sum(s["bytes"] for s in scratch),
                "arena_offset": outputs[0]["arena_offset"] if outputs else None,
            })

    def io(indices: list[int]) -> list[dict[str, Any]]:
        result = []
        for value_index in indices:
            tensor = values[value_index].val
            if isinstance(tensor, Tensor):
                result.append({"shape": list(tensor.sizes), "dtype": _dtype(tensor)[0], "bytes": _nbytes(tensor),
                               "arena_offset": _arena_offset(tensor)})
        return result

    buffer_sizes = list(plan.non_const_buffer_sizes)
    return {
        "method": plan.name,
        "record": record.describe() if record else None,
        "program_inputs": io(plan.inputs),
        "program_outputs": io(plan.outputs),
        "ops": ops,
        # Buffer 0 is reserved by ExecuTorch; the rest are the planned arenas.
        "arena_bytes": int(sum(buffer_sizes[1:])),
        "planned_buffers": [int(b) for b in buffer_sizes[1:]],
        "peak_scratch_bytes": max((op["scratch_bytes"] for op in ops), default=0),
        "total_scratch_bytes": sum(op["scratch_bytes"] for op in ops),
        "constant_bytes": constant_bytes,
        "int8_weight_bytes": int8_weight_bytes,
        "pte_bytes": len(pte),
        # Every temporary a kernel needs is planned in the arena.
        "temp_allocator_bytes": 0,
        "kernel_calls": len(ops),
        "non_lowered_kernel_calls": sum(1 for op in ops if not is_lowered_op(op["op"])),
    }


def is_lowered_op(op_name: str) -> bool:
    """A torchmcu kernel, or free pointer aliasing."""
    base = op_name.split(".")[0]
    return base.startswith("torchmcu::") or base in FREE_OPS


def lower_bound_bytes(plan: dict[str, Any]) -> int:
    """Max over ops of the bytes that must be live at once: inputs + outputs + scratch."""
    best = 0
    for op in plan["ops"]:
        live = sum(t["bytes"] for t in op["inputs"] + op["outputs"] if t["arena_offset"] is not None)
        best = max(best, live + op["scratch_bytes"])
    return best


def format_plan(plan: dict[str, Any]) -> str:
    """A human-readable plan table and totals."""
    lines = [f"{'#':>3}  {'op':<34} {'output':<20} {'scratch':>8} {'offset':>8}"]
    for op in plan["ops"]:
        out = op["outputs"][0] if op["outputs"] else {"shape": [], "arena_offset": None}
        offset = "-" if out["arena_offset"] is None else str(out["arena_offset"])
        lines.append(
            f"{op['index']:>3}  {op['op']:<34} {str(out['shape']):<20} {op['scratch_bytes']:>8} {offset:>8}"
        )
    lines.append("")
    if plan.get("record"):
        lines.append("planned for: " + ", ".join(f"{k} {v}" for k, v in plan["record"].items()))
    for key, label in (
        ("arena_bytes", "arena bytes"),
        ("peak_scratch_bytes", "peak scratch bytes"),
        ("int8_weight_bytes", "int8 weight bytes"),
        ("pte_bytes", ".pte bytes"),
        ("temp_allocator_bytes", "temp allocator bytes"),
        ("method_allocator_bytes", "method allocator bytes"),
        ("kernel_calls", "kernel calls"),
        ("non_lowered_kernel_calls", "non-lowered kernel calls"),
    ):
        if key in plan and plan[key] is not None:
            lines.append(f"{label:<26} {plan[key]}")
    if plan.get("method_allocator_note"):
        lines.append(f"  ({plan['method_allocator_note']})")
    return "\n".join(lines)
