"""Read an ExecuTorch program's flatbuffer without torch or executorch.exir.

`torchmcu plan`, `header` and `run` answer in well under a second because they
never import torch (12 s here): this reader walks exactly the tables the plan
needs (executorch/schema/program.fbs) and returns objects with the same field
names as executorch.exir.schema. Every offset and vector length is checked
against the buffer, so a corrupted file raises ProgramFormatError, never
reads past the end.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field


class ProgramFormatError(ValueError):
    """The bytes are not a well-formed ExecuTorch program flatbuffer."""


@dataclass
class AllocationDetails:
    memory_id: int
    memory_offset_low: int
    memory_offset_high: int


@dataclass
class Tensor:
    scalar_type: int
    sizes: list[int]
    data_buffer_idx: int
    allocation_info: AllocationDetails | None


@dataclass
class Int:
    int_val: int


@dataclass
class Other:
    """An EValue kind the plan does not look into (Bool, Double, lists, ...)."""

    kind: int


@dataclass
class EValue:
    val: Tensor | Int | Other | None


@dataclass
class KernelCall:
    op_index: int
    args: list[int]


@dataclass
class Instruction:
    instr_args: KernelCall | Other | None


@dataclass
class Chain:
    instructions: list[Instruction]


@dataclass
class Operator:
    name: str
    overload: str


@dataclass
class ExecutionPlan:
    name: str
    values: list[EValue]
    inputs: list[int]
    outputs: list[int]
    chains: list[Chain]
    operators: list[Operator]
    non_const_buffer_sizes: list[int]


@dataclass
class Program:
    execution_plan: list[ExecutionPlan] = field(default_factory=list)
    # Bytes stored for each constant buffer (index 0 is ExecuTorch's reserved empty one), with the
    # alignment padding that follows each in the constant segment.
    constant_buffer_sizes: list[int] = field(default_factory=list)


# Union member codes (program.fbs: KernelTypes, InstructionArguments).
_INT, _TENSOR = 2, 5
_KERNEL_CALL = 1


class _Buffer:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def _unpack(self, fmt: str, at: int):
        size = struct.calcsize(fmt)
        if at < 0 or at + size > len(self.data):
            raise ProgramFormatError(f"offset {at} outside the {len(self.data)}-byte program")
        return struct.unpack_from(fmt, self.data, at)[0]

    def field_at(self, table: int, slot: int) -> int:
        """Absolute position of field `slot` of the table at `table`, or 0 when absent."""
        vtable = table - self._unpack("<i", table)
        vtable_size = self._unpack("<H", vtable)
        entry = 4 + 2 * slot
        if entry + 2 > vtable_size:
            return 0
        offset = self._unpack("<H", vtable + entry)
        return table + offset if offset else 0

    def scalar(self, table: int, slot: int, fmt: str, default: int = 0) -> int:
        at = self.field_at(table, slot)
        return self._unpack(fmt, at) if at else default

    def table(self, table: int, slot: int) -> int:
        at = self.field_at(table, slot)
        return at + self._unpack("<I", at) if at else 0

    def vector(self, table: int, slot: int, element_size: int) -> tuple[int, int]:
        """(start of elements, count) of a vector field; (0, 0) when absent."""
        at = self.field_at(table, slot)
        if not at:
            return 0, 0
        start = at + self._unpack("<I", at)
        count = self._unpack("<I", start)
        if start + 4 + count * element_size > len(self.data):
            raise ProgramFormatError(f"a vector of {count} elements runs past the end of the program")
        return start + 4, count

    def scalars(self, table: int, slot: int, fmt: str) -> list[int]:
        size = struct.calcsize(fmt)
        start, count = self.vector(table, slot, size)
        return [self._unpack(fmt, start + i * size) for i in range(count)]

    def tables(self, table: int, slot: int) -> list[int]:
        start, count = self.vector(table, slot, 4)
        return [start + 4 * i + self._unpack("<I", start + 4 * i) for i in range(count)]

    def string(self, table: int, slot: int) -> str:
        start, count = self.vector(table, slot, 1)
        return self.data[start:start + count].decode("utf-8", errors="replace") if start else ""


def _tensor(buf: _Buffer, at: int) -> Tensor:
    allocation = buf.table(at, 6)
    info = None
    if allocation:
        info = AllocationDetails(buf.scalar(allocation, 0, "<I"), buf.scalar(allocation, 1, "<I"),
                                 buf.scalar(allocation, 2, "<I"))
    return Tensor(scalar_type=buf.scalar(at, 0, "<b"), sizes=buf.scalars(at, 2, "<i"),
                  data_buffer_idx=buf.scalar(at, 5, "<I"), allocation_info=info)


def _evalue(buf: _Buffer, at: int) -> EValue:
    kind = buf.scalar(at, 0, "<B")
    value = buf.table(at, 1)
    if not value:
        return EValue(None)
    if kind == _TENSOR:
        return EValue(_tensor(buf, value))
    if kind == _INT:
        return EValue(Int(buf.scalar(value, 0, "<q")))
    return EValue(Other(kind))


def _instruction(buf: _Buffer, at: int) -> Instruction:
    kind = buf.scalar(at, 0, "<B")
    arguments = buf.table(at, 1)
    if kind == _KERNEL_CALL and arguments:
        return Instruction(KernelCall(buf.scalar(arguments, 0, "<i"), buf.scalars(arguments, 1, "<i")))
    return Instruction(Other(kind))


def _plan(buf: _Buffer, at: int) -> ExecutionPlan:
    return ExecutionPlan(
        name=buf.string(at, 0),
        values=[_evalue(buf, v) for v in buf.tables(at, 2)],
        inputs=buf.scalars(at, 3, "<i"),
        outputs=buf.scalars(at, 4, "<i"),
        chains=[Chain([_instruction(buf, i) for i in buf.tables(c, 2)]) for c in buf.tables(at, 5)],
        operators=[Operator(buf.string(o, 0), buf.string(o, 1)) for o in buf.tables(at, 6)],
        non_const_buffer_sizes=buf.scalars(at, 8, "<q"),
    )


def _constant_buffer_sizes(buf: _Buffer, root: int) -> list[int]:
    """Program.constant_buffer inline, else the constant segment's offsets (program.fbs)."""
    inline = buf.tables(root, 2)
    if inline:
        return [buf.vector(b, 0, 1)[1] for b in inline]
    segment_offsets = buf.table(root, 5)
    offsets = buf.scalars(segment_offsets, 1, "<Q") if segment_offsets else []
    if not offsets:
        return []
    segments = buf.tables(root, 4)
    index = buf.scalar(segment_offsets, 0, "<I")
    if index >= len(segments):
        raise ProgramFormatError(f"the constant segment is segment {index} of {len(segments)}")
    end = buf.scalar(segments[index], 1, "<Q")
    return [following - offset for offset, following in zip(offsets, offsets[1:] + [end])]


def read_program(pte: bytes) -> Program:
    """The execution plans of a serialized program (raises ProgramFormatError on malformed bytes)."""
    buf = _Buffer(bytes(pte))
    if len(buf.data) < 8 or buf.data[4:6] != b"ET":
        raise ProgramFormatError("no ExecuTorch file identifier")
    root = buf._unpack("<I", 0)
    return Program([_plan(buf, p) for p in buf.tables(root, 1)], _constant_buffer_sizes(buf, root))
