"""Share equal scalar arguments in a program: the .pte holds each distinct one once.

ExecuTorch's emitter gives every scalar argument of every kernel call its own
value (and an int list one value per element), so a conv's stride, padding,
offsets and clamp bounds cost about 300 bytes of flatbuffer each time, though
a model uses a few dozen distinct numbers. Kernels only read scalar arguments
and constant tensors, so one value can serve every call that passes the same
number or the same constant (e.g. the one multiplier of per-tensor layers).
"""

from __future__ import annotations

from executorch.exir.schema import (
    Bool,
    BoolList,
    DelegateCall,
    Double,
    DoubleList,
    EValue,
    ExecutionPlan,
    FreeCall,
    Int,
    IntList,
    JumpFalseCall,
    KernelCall,
    MoveCall,
    Null,
    OptionalTensorList,
    String,
    Tensor,
    TensorList,
)

_SCALARS = (Int, Double, Bool, Null, String)


def _value_key(value: object) -> tuple | None:
    """What makes two values interchangeable for a kernel that only reads them (None: never shared)."""
    if isinstance(value, _SCALARS):
        # Bool(True) and Int(1) are different values: the type is part of the key.
        return (type(value).__name__, repr(value))
    if isinstance(value, (IntList, BoolList, DoubleList)):
        return (type(value).__name__, tuple(value.items))
    if isinstance(value, Tensor) and value.data_buffer_idx > 0 and value.allocation_info is None:
        # A constant: ExecuTorch's emitter already stores equal bytes once, so equal
        # constants name the same buffer; one value can describe them all.
        return ("Tensor", repr(value))
    return None


def _written_values(plan: ExecutionPlan) -> set[int]:
    """Values something writes or the caller sees: never shared."""
    written = set(plan.inputs) | set(plan.outputs)
    for chain in plan.chains:
        for instruction in chain.instructions:
            call = instruction.instr_args
            if isinstance(call, KernelCall) and call.args:
                written.add(call.args[-1])  # an op's return value (a tensor for every torchmcu kernel)
            elif isinstance(call, MoveCall):
                written.add(call.move_to)
    return written


def share_plan_values(plan: ExecutionPlan) -> None:
    """Store each distinct read-only scalar (or list) or constant-tensor value of `plan` once.

    Expects: IntList items that name earlier values (as ExecuTorch emits them).
    Leaves: the same instructions, tensors and constants.
    """
    written = _written_values(plan)
    new_index: dict[int, int] = {}
    kept: list[EValue] = []
    first_of: dict[tuple, int] = {}
    for index, value in enumerate(plan.values):
        payload = value.val
        if isinstance(payload, IntList):  # elements first: equal lists then have equal keys
            payload.items = [new_index[item] for item in payload.items]
        key = None if index in written else _value_key(payload)
        if key is not None and key in first_of:
            new_index[index] = first_of[key]
            continue
        new_index[index] = len(kept)
        kept.append(value)
        if key is not None:
            first_of[key] = new_index[index]
    for value in kept:
        payload = value.val
        if isinstance(payload, (TensorList, OptionalTensorList)):
            payload.items = [item if item < 0 else new_index[item] for item in payload.items]
    plan.values = kept
    plan.inputs = [new_index[i] for i in plan.inputs]
    plan.outputs = [new_index[i] for i in plan.outputs]
    for chain in plan.chains:
        chain.inputs = [new_index[i] for i in chain.inputs]
        chain.outputs = [new_index[i] for i in chain.outputs]
        for instruction in chain.instructions:
            call = instruction.instr_args
            if isinstance(call, (KernelCall, DelegateCall)):
                call.args = [new_index[i] for i in call.args]
            elif isinstance(call, MoveCall):
                call.move_from, call.move_to = new_index[call.move_from], new_index[call.move_to]
            elif isinstance(call, JumpFalseCall):
                call.cond_value_index = new_index[call.cond_value_index]
            elif isinstance(call, FreeCall):
                call.value_index = new_index[call.value_index]

