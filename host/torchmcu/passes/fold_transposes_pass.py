"""FoldTransposesPass: keep activations NHWC by cancelling layout changes."""

from __future__ import annotations

import torch
from torch.fx import GraphModule, Node
from torch.fx.passes.infra.pass_base import PassBase, PassResult

mcu = torch.ops.torchmcu
aten = torch.ops.aten

# Ops whose result does not depend on layout: a common input permutation
# can move to their output.
_ELEMENTWISE = {mcu.add.default, mcu.mul.default, mcu.minimum.default, mcu.maximum.default, mcu.lut.default}


def _is_transpose(node: object) -> bool:
    return isinstance(node, Node) and node.op == "call_function" and node.target == mcu.transpose.default


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
    """

    def call(self, gm: GraphModule) -> PassResult:
        modified = False
        changed = True
        while changed:
            changed = False
            for node in list(gm.graph.nodes):
                if node._erased:
                    continue
                if _is_transpose(node):
                    changed |= self._fold(gm, node)
                elif node.op == "call_function" and node.target in _ELEMENTWISE:
                    changed |= self._sink_through_elementwise(gm, node)
            modified |= changed
        gm.graph.eliminate_dead_code()
        gm.recompile()
        return PassResult(gm, modified)

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
