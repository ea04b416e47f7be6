"""The numeric core, cross-compiled with arm-none-eabi-gcc, runs under qemu-system-arm on
Cortex-M55 (Helium), M33 and M4 and equals the Python reference bit for bit, never
writes past its outputs or scratch, and reports the same instruction count every run.

Portable backend always; CMSIS-NN backend (MVE on M55, DSP on M33/M4) when
CMSIS_NN_PATH names a CMSIS-NN checkout."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from tests.target import harness
from tests.target.cases import all_cases

pytestmark = pytest.mark.skipif(harness.tools_missing() is not None, reason=str(harness.tools_missing()))

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
    cases = cases_for(machine.isa)
    return cases, harness.run(machine, cases, backend)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("machine_name", sorted(harness.MACHINES))
def test_kernels_on_target_equal_the_python_reference(machine_name, backend):
    cases, results = run_all(machine_name, backend)
    assert {c.op for c in cases} == set(harness.OPS), "every kernel is exercised"
    for case, result in zip(cases, results):
        assert result.status == 0, f"{case.label}: status {result.status}"
        assert result.guards_intact, f"{case.label}: wrote past an output or scratch buffer"
        for expected, raw in zip(case.expected, result.outputs):
            actual = np.frombuffer(raw, dtype=expected.dtype).reshape(expected.shape)
            np.testing.assert_array_equal(actual, expected, err_msg=f"{machine_name}/{backend}: {case.label}")
        assert result.ticks > 0


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
    case = cases_for(machine.isa)[0]
    broken = harness.Case(case.op, [*case.params[:2], 0, *case.params[3:]], case.buffers, label="stride 0")
    (result,) = harness.run(machine, [broken])
    assert result.status == -1  # TMCU_ERR_ARG
    assert result.guards_intact
