"""The runner refuses buffers that are too small, naming the size it needs; inputs are checked."""

from __future__ import annotations

import numpy as np
import pytest

from tests.runtime.conftest import tiny_program
from torchmcu.native import HostRunner, RunnerError


def test_arena_too_small_names_the_needed_size():
    program = tiny_program()
    needed = program.plan["arena_bytes"]
    with pytest.raises(RunnerError) as info:
        HostRunner(program.pte, arena_bytes=needed - 16)
    assert f"the program plans {needed} bytes" in info.value.message


def test_exact_arena_is_enough_and_temp_allocator_is_empty():
    program = tiny_program()
    runner = HostRunner(program.pte, arena_bytes=program.plan["arena_bytes"])
    runner.run(np.zeros((1, 1, 12, 12), np.float32))  # the runner's temp allocator has 0 bytes


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_method_pool_too_small_is_refused_before_loading(fraction):
    """ExecuTorch crashes if the pool runs out mid-load; the record's measured need prevents it."""
    program = tiny_program()
    needed = program.plan["method_allocator_bytes"]
    assert needed and needed == program.plan["record"]["method_pool_bytes"]
    with pytest.raises(RunnerError, match="method pool too small") as info:
        HostRunner(program.pte, method_pool_bytes=int(needed * fraction))
    if fraction >= 0.5:  # (a pool too small even for the record itself cannot learn the need)
        assert f"the program needs {needed}" in info.value.message
    HostRunner(program.pte, method_pool_bytes=needed)


def test_wrong_input_size_and_index():
    runner = HostRunner(tiny_program().pte)
    with pytest.raises(RunnerError, match="input 0 needs 576 bytes, got 4"):
        runner.set_input(0, np.zeros(1, np.float32))
    with pytest.raises(RunnerError, match="input 3 does not exist"):
        runner.set_input(3, np.zeros((1, 1, 12, 12), np.float32))


def test_profiled_run_times_every_instruction():
    program = tiny_program()
    runner = HostRunner(program.pte)
    runner.set_input(0, np.zeros((1, 1, 12, 12), np.float32))
    timings = runner.run_profiled()
    assert len(timings) >= program.plan["kernel_calls"]
