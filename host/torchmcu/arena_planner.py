"""Arena placement: offsets for every planned tensor so that the arena is as small as we can make it.

ExecuTorch's default `greedy` groups tensors into shared objects and stacks the
objects; a tensor that fits in a gap between two objects with other lifetimes
cannot go there (16% of mobilenet_v2's arena, issue #17). Here each tensor is
placed at the lowest offset where it overlaps no tensor it is live with
(greedy by size, first fit); a few visiting orders are tried and the smallest
arena wins. docs/scratch.md defines the lower bound; docs/memory.md shows the arena reaching it.
"""

from __future__ import annotations

from typing import Callable, Iterable

from executorch.exir.memory_planning import MemoryAlgoResult, SpecAllocResult, greedy
from executorch.exir.tensor import TensorSpec

from torchmcu.zero_copy_parts import alias_parts, elide_calls, resolve_offsets

# Visiting orders: each is a sort key (smaller first). Size first is the classic
# greedy-by-size; the others put long-lived tensors first so short ones fill around them.
# Every key ends in (size, lifetime), so the plan does not depend on set iteration order.
_ORDERS: tuple[Callable[[TensorSpec], tuple], ...] = (
    lambda s: (-s.allocated_memory, *s.lifetime),
    lambda s: (s.lifetime[0] - s.lifetime[1], -s.allocated_memory, *s.lifetime),
    lambda s: (-s.allocated_memory * (s.lifetime[1] - s.lifetime[0] + 1), -s.allocated_memory, *s.lifetime),
    lambda s: (s.lifetime[0], -s.allocated_memory, s.lifetime[1]),
)


def _live_together(a: TensorSpec, b: TensorSpec) -> bool:
    """Lifetimes are inclusive [first, last] node indices, as ExecuTorch computes them."""
    return not (a.lifetime[1] < b.lifetime[0] or b.lifetime[1] < a.lifetime[0])


def _first_fit(spec: TensorSpec, placed: Iterable[tuple[int, TensorSpec]]) -> int:
    """The lowest offset where `spec` overlaps no placed tensor it is live with."""
    busy = sorted((offset, offset + other.allocated_memory) for offset, other in placed if _live_together(spec, other))
    candidate = 0
    for start, end in busy:
        if candidate + spec.allocated_memory <= start:
            break
        candidate = max(candidate, end)
    return candidate


def _place(specs: list[TensorSpec], order: Callable[[TensorSpec], tuple]) -> tuple[int, dict[TensorSpec, int]]:
    placed: list[tuple[int, TensorSpec]] = []
    offsets: dict[TensorSpec, int] = {}
    for spec in sorted(specs, key=order):
        offsets[spec] = _first_fit(spec, placed)
        placed.append((offsets[spec], spec))
    return max((o + s.allocated_memory for o, s in placed), default=0), offsets


def plan_arena(alignment, specs, graph_module, graph_signature, extra_padding=0) -> MemoryAlgoResult:
    """An ExecuTorch memory-planning algorithm (see `MemoryPlanningAlgorithmSuite`).

    Expects: specs with lifetimes (ExecuTorch's memory planning pass computed them).
    Leaves: every spec in one arena per memory id at an `alignment`-aligned
    offset, no two live-together specs overlapping; returns the buffer sizes.
    Zero-copy slices and cats (`torchmcu.zero_copy_parts`) are backed by their
    whole: only the wholes are placed, the parts follow at their byte offsets,
    and their calls are elided. Programs ExecuTorch's own algorithm handles
    specially (tensors already backed by another tensor's storage, control-flow
    submodules) go to its `greedy`.
    """
    if any(s.storage_base is not None for s in specs) or getattr(graph_module, "input_mem_buffer_sizes", None):
        return greedy(alignment, specs, graph_module, graph_signature, extra_padding)
    aliased = alias_parts(graph_module, specs)
    backed = [spec for spec in specs if spec.storage_base is not None]
    by_memory: dict[int, list[TensorSpec]] = {}
    for spec in specs:
        if spec.storage_base is not None:
            continue
        spec.realign(alignment)
        by_memory.setdefault(1 if spec.mem_id is None else spec.mem_id, []).append(spec)
    result = MemoryAlgoResult({}, [0] * (max(by_memory, default=1) + 1))
    for mem_id, members in by_memory.items():
        size, offsets = min((_place(members, order) for order in _ORDERS), key=lambda placed: placed[0])
        result.bufsizes[mem_id] = size + extra_padding
        resolve_offsets(offsets, [spec for spec in backed if _root(spec) in offsets])
        for index, spec in enumerate(sorted(offsets, key=lambda s: offsets[s])):
            result.spec_dict[spec] = SpecAllocResult(mem_id=mem_id, mem_obj_id=index, mem_offset=offsets[spec])
    elide_calls(graph_module, aliased)
    return result


def _root(spec: TensorSpec) -> TensorSpec:
    while spec.storage_base is not None:
        spec = spec.storage_base
    return spec
