"""Zero-copy parts on the target: kernel calls chained through one arena buffer (harness/steps.c).

torchmcu's planner (torchmcu.zero_copy_parts) makes a split or chunk part a
view into its source and puts a cat's parts inside the cat's output, so
kernels read and write parts at byte offsets of one arena, offsets that need
not be aligned. These cases run such a chain on the device: a kernel writing
a part must stay inside it (its neighbour is another kernel's output), and a
kernel reading a part reads the bytes where its source left them.
"""

from __future__ import annotations

import numpy as np
import torch

import torchmcu.ops  # noqa: F401  (registers torch.ops.torchmcu)
from tests.target.cases import _int8, elementwise_case, linear
from tests.target.harness import OPS, ROLE_INPUT, ROLE_OUTPUT, Case

TABLE, CONSTANTS, ARENA = 0, 1, 2  # the buffers of a "steps" case
ALIGNMENT = 16  # of the program's constants and arena tensors
GUARD_VALUE = 0xA5  # harness/main.c fills an output buffer with it: bytes no step writes keep it


def _aligned(nbytes: int) -> int:
    return -(-nbytes // ALIGNMENT) * ALIGNMENT


def steps_case(steps: list[tuple[Case, dict[int, int]]], arena_bytes: int, label: str) -> Case:
    """One "steps" case, laid out as a program: each (case, {buffer position: arena offset}) is a kernel
    call whose listed buffers are those ranges of the arena; its other outputs follow in the arena from
    `arena_bytes` on, its other inputs are constants. Expected: the arena's bytes after the last call."""
    table, constants, arena = [len(steps)], bytearray(), bytearray([GUARD_VALUE] * arena_bytes)
    for case, in_arena in steps:
        table += [OPS[case.op], len(case.params), *case.params, len(case.buffers)]
        outputs = iter(case.expected)
        for position, (role, value) in enumerate(case.buffers):
            data = b"" if value is None else value.tobytes() if role == ROLE_INPUT else b""
            nbytes = len(data) if role == ROLE_INPUT else int(value)
            if role == ROLE_OUTPUT:
                data = next(outputs).tobytes()
            if position in in_arena:
                offset, where = in_arena[position], ARENA
            elif role == ROLE_INPUT:
                offset, where = len(constants), CONSTANTS
                constants += data + bytes(_aligned(nbytes) - nbytes)
            else:
                offset, where = _aligned(len(arena)), ARENA
                arena += bytes([GUARD_VALUE] * (offset + nbytes - len(arena)))
            table += [where, offset, nbytes]
            if role == ROLE_OUTPUT:
                arena[offset:offset + nbytes] = data
    buffers = [(ROLE_INPUT, np.array(table, np.int32)), (ROLE_INPUT, np.frombuffer(bytes(constants), np.uint8)),
               (ROLE_OUTPUT, len(arena))]
    return Case("steps", [], buffers, [np.frombuffer(bytes(arena), np.uint8)], label)


def zero_copy_parts_case(rng, isa: str, width: int) -> Case:
    """y = fc(x), 4 rows of `width` bytes at arena 0. split(y, [1, 3]): g (linear) and h (LUT) read the
    views at 0 and `width` and write the two parts of cat([g, h]) in place behind y; k (linear) reads the
    cat. chunk(y, 2): an add reads the halves at 0 and 2 x `width`, after g and h wrote next to y."""
    rows = 4
    fc = linear(rng, isa, rows, 7, width, per_channel=True)
    y = fc.expected[0]
    g = linear(rng, isa, 1, width, width, per_channel=False, x=y[:1])
    table = _int8(rng, 256)
    looked_up = torch.ops.torchmcu.lut(torch.from_numpy(y[1:]), torch.from_numpy(table)).numpy()
    h = Case("lut", [looked_up.size], [(ROLE_INPUT, y[1:]), (ROLE_INPUT, table), (ROLE_OUTPUT, looked_up.nbytes)],
             [looked_up])
    cat = np.concatenate([g.expected[0], looked_up])
    k = linear(rng, isa, rows, width, 6, per_channel=True, x=cat)
    halves = [part.reshape(1, 1, rows // 2, width) for part in np.split(y, 2)]
    add = elementwise_case(rng, "add", inputs=halves)
    whole, half = rows * width, rows // 2 * width
    steps = [(fc, {6: 0}), (g, {0: 0, 6: whole}), (h, {0: width, 2: whole + width}), (k, {0: whole}),
             (add, {0: 0, 1: half})]
    return steps_case(steps, 2 * whole, f"zero-copy split [1, 3] -> cat, chunk 2 -> add, rows of {width} bytes")


def zero_copy_cases(isa: str, seed: int = 0) -> list[Case]:
    """Rows of 5 bytes (parts at odd offsets) and of 16 (whole vectors)."""
    rng = np.random.default_rng(seed)
    return [zero_copy_parts_case(rng, isa, width) for width in (5, 16)]
