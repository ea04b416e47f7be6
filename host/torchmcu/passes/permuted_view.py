"""Moving a transpose past a view: view(transpose(x, perm), shape) as view, transpose, view, transpose.

A row-major tensor's elements can be described by "atoms": the finest split
of its dims that both the transposed shape and the view's shape are groupings
of (a view only splits and merges neighbouring dims). The view's result is
then x's atoms permuted and grouped. Its dims (groups of atoms) can be
reached in two steps: `before`, a transpose that only makes each group's atoms
neighbours in the right order (groups otherwise keep their order in memory),
then a view to one dim per group, then `after`, a transpose of whole groups.
When `before` is the identity the transpose simply moved past the view; when
it is not, the transpose was split in two, e.g. ShuffleNet's channel shuffle
seen from NHWC: `before` is the shuffle inside each pixel, `after` the
NHWC->NCHW change, free to move on and cancel against its inverse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_RANK = 4  # the transpose kernel takes rank 1..4


@dataclass(frozen=True)
class PermutedView:
    """view(transpose(x, perm), shape) == transpose(view(transpose(view(x, atoms), before), grouped), after)."""

    atoms: list[int]  # x's atoms in memory order, neighbours in both orders merged
    before: list[int]  # on `atoms`
    grouped: list[int]  # one dim per view dim, in memory order of the groups
    after: list[int]  # on `grouped`, giving the view's shape


def _atoms(shape: list[int], perm: list[int], view_shape: list[int]) -> tuple[list[int], dict, list[list[int]]] | None:
    """(atom ids in x's memory order, id -> size, atom ids of each view dim) or None if no common split exists."""
    sizes: dict[int, int] = {}
    memory: list[int] = []
    for dim, size in enumerate(shape):
        if size != 1:
            sizes[dim] = size
            memory.append(dim)
    order = [p for p in perm if shape[p] != 1]  # atoms in the transposed (logical) order
    groups: list[list[int]] = []
    position = 0
    for wanted in view_shape:
        group: list[int] = []
        while wanted > 1:
            if position == len(order):
                return None
            atom = order[position]
            if sizes[atom] <= wanted:
                if wanted % sizes[atom]:
                    return None
                wanted //= sizes[atom]
                position += 1
            else:
                if sizes[atom] % wanted:
                    return None
                # Split the atom: its outer part (stride-major) comes first in both orders.
                inner = max(sizes) + 1
                sizes[inner] = sizes[atom] // wanted
                sizes[atom] = wanted
                memory.insert(memory.index(atom) + 1, inner)
                order.insert(position + 1, inner)
                position += 1
                wanted = 1
            group.append(atom)
        groups.append(group)
    return (memory, sizes, groups) if position == len(order) else None


def permuted_view(shape: list[int], perm: list[int], view_shape: list[int]) -> PermutedView | None:
    """The two-step form of view(transpose(x, perm), view_shape) for x of `shape`; None when the
    view is not a regrouping of a common split, or a transpose would need more dims than the kernel takes."""
    if not 1 <= len(view_shape) <= MAX_RANK:
        return None
    found = _atoms(list(shape), list(perm), list(view_shape))
    if found is None:
        return None
    memory, sizes, groups = found
    where = {atom: index for index, atom in enumerate(memory)}
    # Groups keep their memory order (a group sits where its first atom in memory is);
    # a unit dim stays right after the group before it.
    keys, last = [], -1.0
    for index, group in enumerate(groups):
        last = min(where[a] for a in group) if group else last
        keys.append((last, index))
    ranked = sorted(range(len(groups)), key=lambda index: keys[index])
    target = [atom for index in ranked for atom in groups[index]]
    merged_memory, merged_target = _merge_neighbours(memory, target)
    atoms = [math.prod(sizes[a] for a in run) for run in merged_memory]
    before = [merged_memory.index(run) for run in merged_target]
    if len(atoms) > MAX_RANK:
        return None
    grouped = [math.prod(sizes[a] for a in groups[index]) for index in ranked]
    after = [ranked.index(index) for index in range(len(groups))]
    return PermutedView(atoms, before, grouped, after)


def _merge_neighbours(memory: list[int], target: list[int]) -> tuple[list[tuple], list[tuple]]:
    """Runs of atoms that are neighbours, in the same order, both in memory and in `target`."""
    runs: list[list[int]] = []
    for atom in target:
        if runs and memory.index(atom) == memory.index(runs[-1][-1]) + 1:
            runs[-1].append(atom)
        else:
            runs.append([atom])
    runs_as_tuples = [tuple(run) for run in runs]
    return sorted(runs_as_tuples, key=lambda run: memory.index(run[0])), runs_as_tuples
