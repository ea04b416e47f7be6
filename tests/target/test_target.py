"""The numeric core, cross-compiled with arm-none-eabi-gcc, runs under qemu-system-arm on
Cortex-M55 (Helium), M33 and M4 and equals the Python reference bit for bit (also kernels
chained through the zero-copy parts of one arena), never writes past its outputs or
scratch, and reports the same instruction count every run.

Portable backend always (never skipped: without arm-none-eabi-gcc or qemu-system-arm
these tests fail and say what to install); CMSIS-NN backend (MVE on M55, DSP on
M33/M4) when CMSIS_NN_PATH names a CMSIS-NN checkout."""

from __future__ import annotations

import functools

import pytest

from tests.target import harness
import numpy as np

from tests.target.cases import all_cases, linear
from tests.target.zero_copy_cases import zero_copy_cases

BACKENDS = [
    "portable",
    pytest.param("cmsis_nn", marks=pytest.mark.skipif(harness.cmsis_nn_path() is None,
                                                       reason="CMSIS_NN_PATH does not name a CMSIS-NN checkout")),
]


@functools.lru_cache(maxsize=None)
def cases_for(isa: str):
    return all_cases(isa, seed=2026)


@functools.lru_cache(maxsize=None)
def run_all(machine_name: str, backend: str):
    machine = harness.MACHINES[machine_name]
    cases = cases_for(machine.isa) + zero_copy_cases(machine.isa, seed=2026)  # chains over one arena
    return cases, harness.run(machine, cases, backend)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("machine_name", sorted(harness.MACHINES))
def test_kernels_on_target_equal_the_python_reference(machine_name, backend):
    cases, results = run_all(machine_name, backend)
    assert {c.op for c in cases} == set(harness.OPS) | {"steps"}, "every kernel is exercised"
    assert len(results) == len(cases)
    for case, result in zip(cases, results):
        harness.assert_matches(case, result, f"{machine_name}/{backend}")
        assert result.ticks > 0


@pytest.mark.parametrize("machine_name", sorted(harness.MACHINES))
def test_ticks_times_instructions_per_tick_is_the_instruction_count(machine_name):
    """A subs/bne loop of exactly 2n instructions reads 2n / instructions_per_tick SysTick
    ticks, give or take one tick of phase and a few dozen instructions (timer reads and,
    on the last loop, which runs past SysTick's 24-bit wrap, the wrap interrupt)."""
    machine = harness.MACHINES[machine_name]
    per_tick = machine.instructions_per_tick
    loops = [1_000, 1_000_000, int(2**24 * per_tick / 2) + 1_000_000]
    results = harness.run(machine, [harness.Case("spin", [n], [], label=f"spin {n}") for n in loops])
    assert results[-1].ticks > 2**24
    for n, result in zip(loops, results):
        assert result.status == 0
        assert abs(result.ticks * per_tick - 2 * n) <= per_tick + 64, (n, result.ticks)


@pytest.mark.parametrize("machine_name", sorted(harness.MACHINES))
def test_instruction_counts_repeat_exactly(machine_name):
    machine = harness.MACHINES[machine_name]
    cases = cases_for(machine.isa)[:40]
    first = [r.ticks for r in harness.run(machine, cases)]
    second = [r.ticks for r in harness.run(machine, cases)]
    assert first == second
    assert len(set(first)) > 1, "different kernels cost different amounts"


def test_a_bad_argument_is_an_error_status_not_a_crash():
    machine = harness.MACHINES["mps3-an547"]
    case = next(c for c in cases_for(machine.isa) if c.op == "conv2d")
    broken = harness.Case(case.op, [*case.params[:2], 0, *case.params[3:]], case.buffers, label="stride 0")
    (result,) = harness.run(machine, [broken])
    assert result.status == -1  # TMCU_ERR_ARG
    assert result.guards_intact


@pytest.mark.parametrize("machine_name", sorted(harness.MACHINES))
def test_a_shift_outside_cmsis_nn_range_is_refused_in_every_channel(machine_name):
    """kernels/nn/common/shift_range.c checks whole Helium vectors, then a scalar tail: 11 channels have both.
    One shift just outside [-31, 30] in any channel fails the call; the range's ends pass."""
    machine = harness.MACHINES[machine_name]
    case = linear(np.random.default_rng(7), machine.isa, 1, 16, 11, per_channel=True)
    role, shifts = case.buffers[5]
    assert role == harness.ROLE_INPUT and shifts.shape == (11,)

    def with_shift(channel: int, value: int) -> harness.Case:
        changed = shifts.copy()
        changed[channel] = value
        buffers = [*case.buffers[:5], (harness.ROLE_INPUT, changed), *case.buffers[6:]]
        return harness.Case(case.op, case.params, buffers, label=f"shift[{channel}] = {value}")

    variants = [(channel, value) for channel in range(11) for value in (-32, 31, -31, 30)]
    results = harness.run(machine, [with_shift(*v) for v in variants])
    for (channel, value), result in zip(variants, results):
        assert result.status == (0 if -31 <= value <= 30 else -1), (channel, value, result.status)
        assert result.guards_intact


def test_the_guard_bytes_catch_a_write_past_an_output():
    """An output buffer 4 bytes shorter than its dims: the kernel's last bytes land in the guard."""
    machine = harness.MACHINES["mps2-an386"]
    case = next(c for c in cases_for(machine.isa) if c.op == "pad" and c.expected[0].size > 4)
    short = [(role, value - 4 if role == harness.ROLE_OUTPUT else value) for role, value in case.buffers]
    (result,) = harness.run(machine, [harness.Case(case.op, case.params, short, label="short output")])
    assert result.status == 0
    assert not result.guards_intact
