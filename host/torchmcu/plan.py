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
# Arena offsets are multiples of this (ExecuTorch's memory planning default, which torchmcu keeps).
ARENA_ALIGNMENT = 16


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
                    "argument": name,
                }
                if tensor.data_buffer_idx > 0:
                    entry["buffer"] = tensor.data_buffer_idx
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
                result.append({"value": value_index, "shape": list(tensor.sizes), "dtype": _dtype(tensor)[0],
                               "bytes": _nbytes(tensor),
                               "arena_offset": _arena_offset(tensor)})
        return result

    buffer_sizes = list(plan.non_const_buffer_sizes)
    by_kind = constant_bytes_by_kind(ops)
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
        # Constants count once per stored buffer, and only when a kernel call reads them.
        "constant_bytes_by_kind": by_kind,
        "constant_bytes": sum(by_kind.values()),
        "int8_weight_bytes": by_kind["int8_weights"],
        "unread_constant_bytes": unread_constant_bytes(program, ops),
        "pte_bytes": len(pte),
        # Every temporary a kernel needs is planned in the arena.
        "temp_allocator_bytes": 0,
        "kernel_calls": len(ops),
        "non_lowered_kernel_calls": sum(1 for op in ops if not is_lowered_op(op["op"])),
    }


# Constant arguments by kind: the plan reports each kind's bytes separately.
_CONSTANT_KINDS = {"bias": "int32_bias", "multiplier": "requantization", "shift": "requantization",
                   "table": "luts"}
CONSTANT_KINDS = ("int8_weights", "int32_bias", "requantization", "luts", "other")


def constant_kind(constant: dict[str, Any]) -> str:
    """The kind of one constant argument of an op in the plan."""
    # A constant int8 matmul operand is a weight matrix, whatever the argument is called.
    if constant["dtype"] == "int8" and constant["argument"] in ("weight", "rhs"):
        return "int8_weights"
    kind = _CONSTANT_KINDS.get(constant["argument"], "other")
    return kind if kind != "int32_bias" or constant["dtype"] == "int32" else "other"


def constant_bytes_by_kind(ops: list[dict[str, Any]]) -> dict[str, int]:
    """Bytes of the constant buffers kernel calls read, by kind; a shared buffer counts once."""
    totals = dict.fromkeys(CONSTANT_KINDS, 0)
    seen: set[int] = set()
    for op in ops:
        for constant in op["constants"]:
            if constant["buffer"] not in seen:
                seen.add(constant["buffer"])
                totals[constant_kind(constant)] += constant["bytes"]
    return totals


def unread_constant_bytes(program, ops: list[dict[str, Any]]) -> int:
    """Bytes of the stored constant buffers that no kernel call of `ops` reads.

    A buffer's bytes are those of a tensor naming it (the deserialized storage
    includes the segment's alignment padding); an unnamed buffer counts whole.
    """
    read = {constant["buffer"] for op in ops for constant in op["constants"]}
    sizes = {index: nbytes for index, nbytes in enumerate(program.constant_buffer_sizes) if index > 0}
    for method in program.execution_plan:
        for value in method.values:
            if isinstance(value.val, Tensor) and value.val.data_buffer_idx > 0:
                sizes[value.val.data_buffer_idx] = _nbytes(value.val)
    return sum(nbytes for index, nbytes in sizes.items() if index not in read)


def is_lowered_op(op_name: str) -> bool:
    """A torchmcu kernel, or free pointer aliasing."""
    base = op_name.split(".")[0]
    return base.startswith("torchmcu::") or base in FREE_OPS


def _aligned(nbytes: int, alignment: int) -> int:
    return -(-nbytes // alignment) * alignment


def _latest_writers(view: int, first_read: int, where: dict[int, tuple[int, int]],
                    written: dict[int, int]) -> list[int]:
    """The values whose writes last reached each byte of `view` before `first_read` (latest first)."""
    offset, nbytes = where[view]
    uncovered = [(offset, offset + nbytes)]
    latest = []
    for value in sorted((v for v in written if written[v] < first_read and v in where),
                        key=lambda v: (-written[v], v)):
        start, end = where[value][0], sum(where[value])
        rest = [piece for lo, hi in uncovered for piece in ((lo, min(hi, start)), (max(lo, end), hi))
                if piece[0] < piece[1]]
        if rest != uncovered:
            latest.append(value)
            uncovered = rest
        if not uncovered:
            break
    return latest


def live_tensors(plan: dict[str, Any]) -> dict[int, tuple[int, int, int, int]]:
    """Arena allocations: (first op, last op, arena offset, bytes), keyed by the value spanning each.

    A view or zero-copy part shares bytes with the tensor it aliases: they are
    one allocation, live from the first write of any of them to the last read
    of any of them, its bytes the union of theirs. An `et_view` call names its
    base. A static view ExecuTorch elided is a value no call writes; its bytes
    were last written, before its first read, either by one tensor covering it
    (a slice or reshape of that tensor) or by the parts of a zero-copy cat,
    each an output no call reads (the cat read it, and the cat is gone). A
    last writer that is neither stays an allocation of its own, so a tensor
    that overwrote a view's bytes shows up as an overlap. Program inputs are
    written before op 0; outputs are read after the last op.
    """
    ops = plan["ops"]
    where: dict[int, tuple[int, int]] = {}  # value -> (arena offset, bytes)
    written: dict[int, int] = {}  # value -> the op writing it (-1: a program input)
    reads: dict[int, list[int]] = {}
    outputs: set[int] = set()  # op outputs, the only values that can be a cat's parts
    root: dict[int, int] = {}  # union-find: one root per allocation
    named_views: set[int] = set()

    def find(value: int) -> int:
        while root.get(value, value) != value:
            value = root[value]
        return value

    def note(entry: dict[str, Any]) -> int:
        if entry["arena_offset"] is not None:
            where[entry["value"]] = (entry["arena_offset"], entry["bytes"])
        return entry["value"]

    for entry in plan["program_inputs"]:
        written[note(entry)] = -1
    for op in ops:
        for entry in op["inputs"]:
            reads.setdefault(note(entry), []).append(op["index"])
        if op["op"].split(".")[0] in FREE_OPS and op["inputs"] and op["outputs"]:
            named_views.add(note(op["outputs"][0]))
            root[find(op["outputs"][0]["value"])] = find(op["inputs"][0]["value"])
            continue
        for entry in op["outputs"] + op["scratch"]:
            written.setdefault(note(entry), op["index"])
        outputs |= {entry["value"] for entry in op["outputs"]}
    for entry in plan["program_outputs"]:
        reads.setdefault(note(entry), []).append(len(ops))
    for view in sorted(v for v in where if v not in written and v not in named_views):
        latest = _latest_writers(view, min(reads.get(view, [len(ops)])), where, written)
        covering = (len(latest) == 1 and where[latest[0]][0] <= where[view][0]
                    and sum(where[view]) <= sum(where[latest[0]]))
        for value in latest:
            if covering or (value in outputs and value not in reads):
                root[find(value)] = find(view)

    members: dict[int, list[int]] = {}
    for value in where.keys() | written.keys() | reads.keys():
        members.setdefault(find(value), []).append(value)
    allocations: dict[int, tuple[int, int, int, int]] = {}
    for group in members.values():
        placed = sorted((v for v in group if v in where), key=lambda v: (-where[v][1], v))
        if not placed:
            continue  # a constant, or a view of one
        op_times = [written[v] for v in group if written.get(v, -1) >= 0] + \
            [i for v in group for i in reads.get(v, []) if i < len(ops)]
        if not op_times:
            continue  # no call touches it
        first = 0 if any(written.get(v) == -1 for v in group) else min(op_times)
        last = len(ops) - 1 if any(len(ops) in reads.get(v, []) for v in group) else max(op_times)
        offset = min(where[v][0] for v in placed)
        allocations[placed[0]] = (first, last, offset, max(sum(where[v]) for v in placed) - offset)
    return allocations


def lower_bound_bytes(plan: dict[str, Any], alignment: int = ARENA_ALIGNMENT) -> int:
    """No plan with `alignment`-aligned offsets fits in fewer bytes (docs/scratch.md proves it).

    While op i runs, every allocation live at i (`live_tensors`: its inputs,
    outputs and scratch, and every tensor written before i and read after it,
    a view or zero-copy part counted once with the tensor it aliases) needs
    bytes no other one uses. Stacked at aligned offsets, each but the topmost
    takes its size rounded up to the alignment.
    """
    live_at: list[list[int]] = [[] for _ in plan["ops"]]
    for first, last, _, nbytes in live_tensors(plan).values():
        for index in range(first, last + 1):
            live_at[index].append(nbytes)
    best = 0
    for sizes in live_at:
        if sizes:
            padded = [_aligned(n, alignment) for n in sizes]
            best = max(best, sum(padded) - max(p - n for p, n in zip(padded, sizes)))
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
        ("constant_bytes", "constant bytes read"),
        ("unread_constant_bytes", "unread constant bytes"),
        ("pte_bytes", ".pte bytes"),
        ("temp_allocator_bytes", "temp allocator bytes"),
        ("method_allocator_bytes", "method allocator bytes"),
        ("kernel_calls", "kernel calls"),
        ("non_lowered_kernel_calls", "non-lowered kernel calls"),
    ):
        if key in plan and plan[key] is not None:
            lines.append(f"{label:<26} {plan[key]}")
        if key == "constant_bytes" and "constant_bytes_by_kind" in plan:
            lines += [f"  {kind.replace('_', ' '):<24} {nbytes}"
                      for kind, nbytes in plan["constant_bytes_by_kind"].items()]
    if plan.get("method_allocator_note"):
        lines.append(f"  ({plan['method_allocator_note']})")
    if plan.get("lstm_fusion"):
        lines.append(f"LSTM layers: {plan['lstm_fusion']}")
    return "\n".join(lines)
