"""The zoo's CI subset (benchmarks/zoo.py): each model compiles with --strict (no float op left),
runs on both host backends bit-exact with the Python reference, and stays within 25 dB SQNR of float.
The CMSIS-NN backend runs when CMSIS_NN_PATH names a checkout (in CI: ../shared/cmsis-nn)."""

from __future__ import annotations

import os

import pytest

from tests.zoo.zoo_benchmark import zoo as _zoo

MIN_SQNR_DB = 25.0


SUBSET = [
    "audio_encoder",
    "transformer_encoder",  # LayerNorm, GELU, attention, and MultiheadAttention's packed q/k/v split
]


@pytest.fixture(scope="module")
def measured():
    """name -> (row, program, sample) of every subset model, each compiled once."""
    zoo = _zoo()
    return {name: zoo.measure(name, strict=True) for name in SUBSET}


@pytest.fixture(scope="module")
def cmsis_nn_bit_exact(measured):
    """name -> CMSIS-NN run equal to the reference, from one child process for the whole subset
    (each child pays the interpreter, torch and kernel-library start-up)."""
    if not os.environ.get("CMSIS_NN_PATH"):
        return {}
    return _zoo().cmsis_nn_bit_exact({name: (program, sample) for name, (_, program, sample) in measured.items()
                                      if program is not None})


@pytest.mark.parametrize("name", SUBSET)
def test_zoo_model_lowers_fully_and_runs_bit_exact(name, measured, cmsis_nn_bit_exact):
    row, _, _ = measured[name]
    assert row.error == "", row.error
    assert row.float_calls == []
    assert row.bit_exact["portable"]
    assert row.sqnr_db >= MIN_SQNR_DB, f"{name}: SQNR {row.sqnr_db:.1f} dB"
    if os.environ.get("CMSIS_NN_PATH"):
        assert cmsis_nn_bit_exact[name] is True


def test_every_zoo_model_file_has_the_three_functions():
    zoo = _zoo()
    names = zoo.discover()
    assert {"audio_encoder", "transformer_encoder"} <= set(names)
    for name in names:
        module = zoo.load(name)
        for function in ("model", "example_inputs", "calibration_data"):
            assert callable(getattr(module, function, None)), f"{name}.py lacks {function}()"
