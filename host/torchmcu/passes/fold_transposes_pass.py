"""FoldTransposesPass: keep activations NHWC by cancelling layout changes."""

from __future__ import annotations

import copy

import torch
from torch.fx import GraphModule, Node
from torch.fx.passes.infra.pass_base import PassBase, PassResult

from torchmcu.passes.permuted_view import PermutedView, permuted_view
from torchmcu.zero_copy_parts import cat_is_one_range, slice_is_one_range

mcu = torch.ops.torchmcu
aten = torch.ops.aten

# Ops whose result does not depend on layout: a common input permutation
# can move to their output.
_ELEMENTWISE = {mcu.add.default, mcu.mul.default, mcu.minimum.default, mcu.maximum.default, mcu.lut.default}


def _is_call(node: object, target) -> bool:
    return isinstance(node, Node) and node.op == "call_function" and node.target == target


def _is_transpose(node: object) -> bool:
    return _is_call(node, mcu.transpose.default)


def _inverse(perm: list[int]) -> list[int]:
    return [list(perm).index(i) for i in range(len(perm))]


def _compose(inner: list[int], outer: list[int]) -> list[int]:
    """Permutation equal to transpose(transpose(x, inner), outer)."""
    return [inner[i] for i in outer]


def _is_identity(perm: list[int]) -> bool:
    return list(perm) == list(range(len(perm)))


def _only_moves_unit_dims(shape: list[int], perm: list[int]) -> bool:
    """True when the permutation keeps the order of every dim larger than 1 (a pure view)."""
    moved = [p for p in perm if shape[p] != 1]
    return moved == sorted(moved)


class FoldTransposesPass(PassBase):
    """Cancel, merge and sink `torchmcu::transpose` nodes until none is redundant.

    Expects: torchmcu ops with NHWC<->NCHW transposes around each 4-D op
    (LowerQuantizedOpsPass). Leaves: transposes composed pairwise (identity
    pairs removed), transposes that only move size-1 dims turned into views,
    and transposes common to all inputs of an elementwise op moved after it;
    what remains is a real layout change (model boundary, or a flatten of a
    feature map).

    Layouts also move through pure data movement: a transpose common to all
    parts of a `cat` (the axis remapped), one read only by slices, views and
    transposes (each slice's box remapped; each view split per
    `permuted_view`), so an NCHW region such as ShuffleNet's chunk, cat and
    channel shuffle can run NHWC. Those moves can cost more than they save:
    a transpose split in two that nothing cancels later, or a slice or cat that
    was one byte range of a kernel's output (zero-copy, no call) and is not one
    in the new layout. So the graph is folded both with and without them and
    the one with fewer data-movement calls (then fewer elements moved) is kept.
    """

    def call(self, gm: GraphModule) -> PassResult:
        moved = copy.deepcopy(gm)
        modified = self._fold_all(gm, move_data_movement=False)
        if self._fold_all(moved, move_data_movement=True) and _copy_cost(moved) < _copy_cost(gm):
            return PassResult(moved, True)
        return PassResult(gm, modified)

    def _fold_all(self, gm: GraphModule, move_data_movement: bool) -> bool:
        modified = False
        changed = True
        while changed:
            changed = False
            for node in list(gm.graph.nodes):
                if node._erased:
                    continue
                if _is_transpose(node):
                    changed |= self._fold(gm, node) or (move_data_movement and self._sink_into_readers(gm, node))
                elif node.op == "call_function" and node.target in _ELEMENTWISE:
                    changed |= self._sink_through_elementwise(gm, node)
                elif move_data_movement and _is_call(node, mcu.cat.default):
                    changed |= self._sink_through_cat(gm, node)
            modified |= changed
        gm.graph.eliminate_dead_code()
        gm.recompile()
        return modified

    def _fold(self, gm: GraphModule, node: Node) -> bool:
        source, perm = node.args
        if _is_transpose(source):
            perm = _compose(source.args[1], perm)
            source = source.args[0]
            node.args = (source, perm)
            if not _is_identity(perm):
                return True
        if _is_identity(perm):
            node.replace_all_uses_with(source)
            gm.graph.erase_node(node)
            return True
        shape = list(source.meta["val"].shape)
        if _only_moves_unit_dims(shape, perm):
            with gm.graph.inserting_before(node):
                view = gm.graph.call_function(aten.view.default, (source, list(node.meta["val"].shape)))
            view.meta = dict(node.meta)
            node.replace_all_uses_with(view)
            gm.graph.erase_node(node)
            return True
        return False

    def _sink_through_elementwise(self, gm: GraphModule, node: Node) -> bool:
        """op(T(a), T(b)) -> T(op(a, b)); an operand that is not a transpose may join
        when re-laying it out only moves size-1 dims (a view), e.g. the [N, C, 1, 1]
        scale of a squeeze-excite block."""
        tensors = [a for a in node.args if isinstance(a, Node) and a.op != "get_attr"]
        transposes = [a for a in tensors if _is_transpose(a)]
        if not transposes:
            return False
        perms = {tuple(a.args[1]) for a in transposes}
        if len(perms) != 1:
            return False
        (perm,) = perms
        inverse = [perm.index(i) for i in range(len(perm))]
        for operand in tensors:
            shape = list(operand.meta["val"].shape)
            if len(shape) != len(perm):
                return False
            if not _is_transpose(operand) and not _only_moves_unit_dims(shape, inverse):
                return False
        constants = [a for a in node.args if isinstance(a, Node) and a.op == "get_attr"]
        # A lut table, or a broadcast scalar, is layout-free; any other constant is not.
        if node.target != mcu.lut.default and any(c.meta["val"].numel() != 1 for c in constants):
            return False
        new_args = []
        for arg in node.args:
            if _is_transpose(arg):
                new_args.append(arg.args[0])
            elif arg in tensors:
                # Same bytes, shape seen through the inverse permutation.
                shape = list(arg.meta["val"].shape)
                with gm.graph.inserting_before(node):
                    view = gm.graph.call_function(aten.view.default, (arg, [shape[i] for i in inverse]))
                view.meta["val"] = arg.meta["val"].permute(inverse).contiguous()
                new_args.append(view)
            else:
                new_args.append(arg)
        node.args = tuple(new_args)
        node.meta["val"] = node.meta["val"].permute(inverse).contiguous()
        with gm.graph.inserting_after(node):
            after = gm.graph.call_function(mcu.transpose.default, (node, list(perm)))
        after.meta["val"] = node.meta["val"].permute(list(perm)).contiguous()
        node.replace_all_uses_with(after, delete_user_cb=lambda user: user is not after)
        return True

    def _sink_through_cat(self, gm: GraphModule, node: Node) -> bool:
        """cat([T(a), T(b)], dim) -> T(cat([a, b], perm[dim])): part i's dim d is a's dim perm[d].
        Only when every part is such a transpose read by this cat alone (else it stays too)."""
        parts, dim = node.args
        if not parts or not all(_is_transpose(p) and set(p.users) == {node} for p in parts):
            return False
        perms = {tuple(p.args[1]) for p in parts}
        if len(perms) != 1:
            return False
        perm = list(perms.pop())
        node.args = ([p.args[0] for p in parts], perm[dim % len(perm)])
        self._transpose_after(gm, node, perm)
        return True

    def _sink_into_readers(self, gm: GraphModule, node: Node) -> bool:
        """Move T(x) past every slice and view reading it; transposes reading it compose
        with it (`_fold`). Only when those are all its readers, so T itself goes."""
        source, perm = node.args
        readers = list(node.users)
        rewrites = {}
        for reader in readers:
            if _is_call(reader, aten.view.default):
                split = permuted_view(list(source.meta["val"].shape), perm, list(reader.meta["val"].shape))
                if split is None or not _moves_on(split):
                    return False
                rewrites[reader] = split
            elif not (_is_call(reader, mcu.slice.default) or _is_transpose(reader)):
                return False
        if not rewrites and not any(_is_call(r, mcu.slice.default) for r in readers):
            return False
        for reader in readers:
            if reader in rewrites:
                self._view_then_transpose(gm, reader, source, rewrites[reader])
            elif _is_call(reader, mcu.slice.default):
                # Output dim j is x's dim perm[j]: the box's entries move to x's order.
                inverse = _inverse(perm)
                _, start, step, size = reader.args
                reader.args = (source, *([box[i] for i in inverse] for box in (start, step, size)))
                self._transpose_after(gm, reader, perm)
        return True

    def _view_then_transpose(self, gm: GraphModule, view: Node, source: Node, split: PermutedView) -> None:
        """Replace view(T(source)) by its `permuted_view` form."""
        with gm.graph.inserting_before(view):
            value = source
            if not _is_identity(split.before):
                value = _new(gm, aten.view.default, value, split.atoms, view.meta)
                value = _new(gm, mcu.transpose.default, value, split.before, view.meta)
            value = _new(gm, aten.view.default, value, split.grouped, view.meta)
            value = _new(gm, mcu.transpose.default, value, split.after, view.meta)
        view.replace_all_uses_with(value)
        gm.graph.erase_node(view)

    def _transpose_after(self, gm: GraphModule, node: Node, perm: list[int]) -> None:
        """`node` now computes in its inputs' layout: T(node) takes its place for its readers."""
        node.meta["val"] = node.meta["val"].permute(_inverse(perm)).contiguous()
        with gm.graph.inserting_after(node):
            after = _new(gm, mcu.transpose.default, node, list(perm), node.meta)
        node.replace_all_uses_with(after, delete_user_cb=lambda user: user is not after)


def _moves_on(split: PermutedView) -> bool:
    """The transpose gets past the view: whole, or with a real transpose of whole dims after it
    (one whose after part only moves unit dims is the transpose it was, before the view)."""
    return _is_identity(split.before) or not _only_moves_unit_dims(split.grouped, split.after)


def _new(gm: GraphModule, target, source: Node, shape_or_perm: list[int], meta: dict) -> Node:
    """A view (to a shape) or transpose (by a perm) of `source`, with `meta` of the node it serves."""
    node = gm.graph.call_function(target, (source, list(shape_or_perm)))
    node.meta = {k: v for k, v in meta.items() if k != "val"}
    value = source.meta["val"]
    node.meta["val"] = (value.permute(shape_or_perm) if target == mcu.transpose.default
                        else value.reshape(shape_or_perm)).contiguous()
    return node


def _copy_cost(gm: GraphModule) -> tuple[int, int]:
    """(data-movement calls, elements they move): transposes, and the slices and cats the arena
    planner cannot make zero-copy (torchmcu.zero_copy_parts: one byte range of a kernel's output)."""
    copies = [n for n in gm.graph.nodes
              if _is_transpose(n) or (_is_call(n, mcu.slice.default) and not _slice_may_be_free(n))
              or (_is_call(n, mcu.cat.default) and not _cat_may_be_free(n))]
    return len(copies), sum(n.meta["val"].numel() for n in copies)


def _slice_may_be_free(node: Node) -> bool:
    """zero_copy_parts aliases a step-1 slice that is one byte range of a planned, non-constant
    tensor; a view's output is not planned on its own (its base is)."""
    source, _, step, size = node.args
    return (source.op != "get_attr" and not _is_call(source, aten.view.default)
            and slice_is_one_range(list(source.meta["val"].shape), step, size))


def _cat_may_be_free(node: Node) -> bool:
    """zero_copy_parts writes a cat's parts in place when each is one byte range of the output and
    the output of its own kernel call (seen through views), read by this cat alone."""
    parts, dim = node.args
    if len(set(parts)) != len(parts) or not cat_is_one_range(list(node.meta["val"].shape), dim):
        return False
    for part in parts:
        reader = node
        while _is_call(part, aten.view.default) and set(part.users) == {reader}:
            reader, part = part, part.args[0]
        if part.op != "call_function" or set(part.users) != {reader}:
            return False
    return True
