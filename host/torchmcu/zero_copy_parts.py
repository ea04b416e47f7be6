"""Zero-copy slices and concatenations: the planner places parts inside their whole.

Run inside the arena planner (`torchmcu.arena_planner.plan_arena`), on the
out-variant graph ExecuTorch plans. A tensor is stored row-major in its graph
shape (4-D activations are NHWC), so a part along `dim` is one contiguous byte
range of the whole exactly when every dim before `dim` has size 1 and every
dim after it is whole.

- A step-1 `torchmcu::slice` that is such a range becomes a view: its output
  is backed by the input's storage at the range's byte offset.
- A `torchmcu::cat` whose parts are such ranges puts each part inside the
  output: the producers write straight into place. A part falls back to
  the copy kernel (the whole cat does) when it is not written by a kernel
  call of its own (a program input, a constant, a view), or it is read by
  anything but this cat (a second cat, a later op, the program's output).

Both ops only move bytes with one set of qparams (the lowering refuses
others), so the view holds exactly what the kernel would have written. The
node then becomes an ExecuTorch `memory.view` of a planned static tensor,
which the emitter elides: no kernel call. Lifetimes: a backed tensor keeps
its base live (ExecuTorch's `_extend_storage_base_lifetimes`), so a cat's
output is live from its first part's producer to its last reader.
"""

from __future__ import annotations

import math

import torch
from executorch.exir.memory import view as memory_view
from executorch.exir.memory_planning import _extend_storage_base_lifetimes
from executorch.exir.tensor import TensorSpec
from torch.fx import GraphModule, Node

import torchmcu.ops  # noqa: F401  (registers torchmcu::)

_mcu = torch.ops.torchmcu


def _spec(value: object) -> TensorSpec | None:
    spec = value.meta.get("spec") if isinstance(value, Node) else None
    return spec if isinstance(spec, TensorSpec) else None


def _range_offset(whole: list[int], starts: list[int], sizes: list[int]) -> int | None:
    """Element offset of the part (`starts`, `sizes`) of a row-major `whole`, or None if not one range."""
    partial = [d for d, (size, full) in enumerate(zip(sizes, whole)) if size != full]
    if not partial:
        return 0
    dim = partial[0]
    if any(sizes[d] != 1 for d in range(dim)) or any(sizes[d] != whole[d] for d in range(dim + 1, len(whole))):
        return None
    strides = [math.prod(whole[d + 1:]) for d in range(len(whole))]
    return sum(start * stride for start, stride in zip(starts, strides))


def slice_is_one_range(whole: list[int], steps: list[int], sizes: list[int]) -> bool:
    """A slice (`steps`, `sizes`) of a row-major `whole` that is one contiguous byte range."""
    return all(step == 1 for step in steps) and _range_offset(list(whole), [0] * len(whole), list(sizes)) is not None


def cat_is_one_range(whole: list[int], dim: int) -> bool:
    """Each part of a cat along `dim` into a row-major `whole` is one contiguous byte range."""
    return all(size == 1 for size in list(whole)[:dim % len(whole)])


def _alias_slice(node: Node, planned: set[TensorSpec]) -> bool:
    source, starts, steps, sizes = node.args[:4]
    base, spec = _spec(source), _spec(node)
    if base not in planned or spec not in planned or base.const or not slice_is_one_range(base.shape, steps, sizes):
        return False
    offset = _range_offset(list(base.shape), list(starts), list(sizes))
    spec.storage_base, spec.storage_base_offset = base, offset * base.dtype.itemsize
    return True


def _producer(part: object, whole: Node) -> Node | None:
    """The kernel call writing `part`'s bytes, if `whole` alone reads them (through views: stack's parts)."""
    reader = whole
    while isinstance(part, Node) and part.target == memory_view and set(part.users) == {reader}:
        reader, part = part, part.args[0]
    spec = _spec(part)
    if (isinstance(part, Node) and part.op == "call_function" and "out" in part.kwargs and spec is not None
            and not spec.const and spec.storage_base is None and set(part.users) == {reader}):
        return part
    return None


def _alias_cat(node: Node, planned: set[TensorSpec]) -> bool:
    parts, dim = node.args[0], node.args[1]
    whole = _spec(node)
    if whole not in planned or len(set(parts)) != len(parts):
        return False
    if not cat_is_one_range(whole.shape, dim):
        return False
    producers = [_producer(part, node) for part in parts]
    if not all(p is not None and _spec(p) in planned for p in producers) or len(set(producers)) != len(producers):
        return False
    offset = 0
    for producer in producers:
        spec = _spec(producer)
        spec.storage_base, spec.storage_base_offset = whole, offset
        offset += spec.nbytes()
    return True


_ALIASERS = {_mcu.slice.out: _alias_slice, _mcu.cat.out: _alias_cat}


def alias_parts(graph_module: GraphModule, specs: set[TensorSpec]) -> list[Node]:
    """Back every qualifying slice output / cat part by its whole; returns the calls that became views.

    Expects: ExecuTorch's lifetimes on `specs` (the tensors to plan).
    Leaves: `storage_base` / `storage_base_offset` set on the backed specs and
    their bases' lifetimes extended to cover them.
    """
    aliased = [node for node in graph_module.graph.nodes
               if node.op == "call_function" and node.target in _ALIASERS
               and _ALIASERS[node.target](node, specs)]
    _extend_storage_base_lifetimes(specs)
    return aliased


def elide_calls(graph_module: GraphModule, aliased: list[Node]) -> None:
    """Each aliased call becomes a `memory.view` of a planned static tensor, which ExecuTorch emits as no call."""
    for node in aliased:
        first = node.args[0][0] if node.target == _mcu.cat.out else node.args[0]
        node.target = memory_view
        node.args = (first, list(node.meta["spec"].shape))
        node.kwargs = {}
    graph_module.graph.eliminate_dead_code()
    graph_module.recompile()


def resolve_offsets(offsets: dict[TensorSpec, int], backed: list[TensorSpec]) -> None:
    """Give each backed spec its base's offset plus its own (bases first: chains resolve in any order)."""
    def offset_of(spec: TensorSpec) -> int:
        if spec not in offsets:
            offsets[spec] = offset_of(spec.storage_base) + spec.storage_base_offset
        return offsets[spec]

    for spec in backed:
        offset_of(spec)
