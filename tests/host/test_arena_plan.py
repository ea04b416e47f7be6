"""The arena reaches its lower bound, tensors live together never share bytes, and the .pte is
little more than the constants its kernels read.

Models: the small ones on every target in CI; benchmarks/memory.py covers every
reference model (docs/memory.md).
"""

from __future__ import annotations

import itertools
import warnings

import pytest
import torch
from torch import nn

from tests.host.conftest import compiled_model
from torchmcu.compiler import compile as compile_model
from torchmcu.plan import ARENA_ALIGNMENT, live_tensors, lower_bound_bytes

TARGETS = ["cortex-m4", "cortex-m33", "cortex-m55"]
SMALL_MODELS = ["small_cnn", "ds_cnn", "resnet8", "tiny_transformer"]
# docs/memory.md: .pte <= 1.05 x constants read + one fixed overhead on every reference model and
# target; the largest measured is mobilenet_v3_small's (111 calls of flatbuffer values).
PTE_FIXED_OVERHEAD_BYTES = 8 * 1024


def fake_plan(tensors: dict[int, tuple[int, int, int]], ops: int) -> dict:
    """A plan whose op `first` writes, and ops up to `last` read, each of {value: (first op, last op, bytes)}."""
    plan_ops = []
    for index in range(ops):
        def entries(keep):
            return [{"value": value, "bytes": nbytes, "arena_offset": 16 * value}
                    for value, (first, last, nbytes) in tensors.items() if keep(first, last)]
        plan_ops.append({"index": index, "op": "torchmcu::add.out", "scratch": [],
                         "inputs": entries(lambda first, last: first < index <= last),
                         "outputs": entries(lambda first, last: first == index)})
    return {"ops": plan_ops, "program_inputs": [], "program_outputs": []}


def test_lower_bound_counts_tensors_live_across_an_op():
    # A residual: tensor 1 is written by op 0 and read by op 2, so it is live while op 1 runs.
    plan = fake_plan({1: (0, 2, 100), 2: (1, 1, 100), 3: (1, 2, 64), 4: (2, 2, 32)}, ops=3)
    assert lower_bound_bytes(plan, alignment=1) == 100 + 100 + 64
    # At 16-byte alignment a 100-byte tensor below another one takes 112; the topmost needs no padding.
    assert ARENA_ALIGNMENT == 16
    assert lower_bound_bytes(plan) == 112 + 100 + 64


def test_lower_bound_rounds_all_but_the_topmost_tensor():
    plan = fake_plan({1: (0, 0, 10), 2: (0, 0, 20)}, ops=1)
    assert lower_bound_bytes(plan) == 16 + 20  # the 10 bytes at the bottom; the 20 on top need no padding


def tensor(value: int, offset: int, nbytes: int) -> dict:
    return {"value": value, "arena_offset": offset, "bytes": nbytes}


def cat_plan(clobber: bool) -> dict:
    """Parts 3 and 4 written at 0..8 and 8..32, the cat 5 over both read by the last op; no op writes 5.

    Value 1 (the program input) held bytes 0..128 before the parts. With `clobber`, op 3 writes
    value 9 over part 3's bytes before the cat is read: a bad plan.
    """
    ops = [([tensor(1, 0, 128)], [tensor(2, 128, 32)]), ([tensor(2, 128, 32)], [tensor(3, 0, 8)]),
           ([tensor(2, 128, 32)], [tensor(4, 8, 24)])]
    if clobber:
        ops.append(([tensor(2, 128, 32)], [tensor(9, 0, 8)]))
    ops.append(([tensor(5, 0, 32)] + ([tensor(9, 0, 8)] if clobber else []), [tensor(6, 128, 32)]))
    return {"ops": [{"index": i, "op": "torchmcu::linear.out", "inputs": inputs, "outputs": outputs, "scratch": []}
                    for i, (inputs, outputs) in enumerate(ops)],
            "program_inputs": [tensor(1, 0, 128)], "program_outputs": [tensor(6, 128, 32)]}


def test_a_zero_copy_cat_and_its_parts_are_one_allocation():
    # The cat is live from its first part's write, its 32 bytes counted once; the input it reuses is dead.
    assert live_tensors(cat_plan(clobber=False)) == {1: (0, 0, 0, 128), 2: (0, 2, 128, 32), 5: (1, 3, 0, 32),
                                                     6: (3, 3, 128, 32)}
    assert lower_bound_bytes(cat_plan(clobber=False), alignment=1) == 128 + 32
    assert tensors_live_together_are_disjoint(cat_plan(clobber=False)) == []


def test_a_tensor_written_over_a_part_before_the_cat_is_read_is_an_overlap():
    assert tensors_live_together_are_disjoint(cat_plan(clobber=True)) == ["values 5 and 9"]


class ZeroCopyParts(nn.Module):
    """A split whose parts are views of one linear's output, feeding a cat whose parts the producers write in place."""

    def __init__(self) -> None:
        super().__init__()
        self.fc, self.g, self.h, self.k = (nn.Linear(8, 8) for _ in range(4))

    def forward(self, x):
        a, b = self.fc(x).split([1, 3], 1)
        return self.k(torch.cat([self.g(a), self.h(b)], 1))


def test_zero_copy_parts_reach_the_lower_bound_without_overlaps():
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(ZeroCopyParts().eval(), (torch.randn(1, 4, 8),), target="cortex-m55",
                                calibration=[(torch.randn(1, 4, 8),) for _ in range(4)], strict=True)
    plan = program.plan
    assert not {"torchmcu::slice.out", "torchmcu::cat.out"} & {op["op"] for op in plan["ops"]}
    bound = lower_bound_bytes(plan)
    assert bound <= plan["arena_bytes"] <= 1.01 * bound, (plan["arena_bytes"], bound)
    assert tensors_live_together_are_disjoint(plan) == []
    # The cat (read by k) is one 32-byte allocation from g's call to k's, at an aligned offset.
    k_input = plan["ops"][-2]["inputs"][0]
    allocation = next(a for a in live_tensors(plan).values()
                      if a[2] == k_input["arena_offset"] and a[1] >= len(plan["ops"]) - 2)
    assert allocation[0] == len(plan["ops"]) - 4 and allocation[3] == k_input["bytes"] == 32
    assert all(offset % ARENA_ALIGNMENT == 0 for _, _, offset, _ in live_tensors(plan).values())


def tensors_live_together_are_disjoint(plan: dict) -> list[str]:
    tensors = live_tensors(plan)
    clashes = []
    for (a, (a_first, a_last, a_offset, a_bytes)), (b, (b_first, b_last, b_offset, b_bytes)) in \
            itertools.combinations(tensors.items(), 2):
        live_together = a_first <= b_last and b_first <= a_last
        if live_together and a_offset < b_offset + b_bytes and b_offset < a_offset + a_bytes:
            clashes.append(f"values {a} and {b}")
    return clashes


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", SMALL_MODELS)
def test_arena_reaches_the_lower_bound(name, target):
    plan = compiled_model(name, target)[0].plan
    bound = lower_bound_bytes(plan)
    assert bound <= plan["arena_bytes"] <= 1.01 * bound, (name, target, plan["arena_bytes"], bound)
    assert tensors_live_together_are_disjoint(plan) == []
    assert all(offset % ARENA_ALIGNMENT == 0 for _, _, offset, _ in live_tensors(plan).values())


@pytest.mark.parametrize("name", SMALL_MODELS)
def test_pte_is_the_constants_kernels_read_plus_a_fixed_overhead(name):
    plan = compiled_model(name)[0].plan
    read = plan["constant_bytes"]
    assert plan["unread_constant_bytes"] == 0
    assert plan["pte_bytes"] <= 1.05 * read + PTE_FIXED_OVERHEAD_BYTES, (name, plan["pte_bytes"], read)

