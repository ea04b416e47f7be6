"""Every reference model's .pte, run by the C++ runner and kernels on the host,
equals the Python reference bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from tests.models import ALL_MODELS, calibration_split
from tests.runtime.conftest import reference_program
from torchmcu.run import run_program


@pytest.mark.parametrize("name", ALL_MODELS)
def test_host_kernels_match_the_python_reference(name):
    program, module = reference_program(name)
    for sample in calibration_split(module)[1][:2]:
        ours, stats = run_program(program.pte, [x.numpy() for x in sample])
        reference = [r.detach().numpy() for r in program.run_reference(*sample)]
        assert len(ours) == len(reference)
        for actual, expected in zip(ours, reference):
            np.testing.assert_array_equal(actual, expected)
        assert stats["method_pool_used"] > 0


def test_no_model_has_a_float_tail():
    """Every op of every reference model runs on an int8 kernel (Wav2Letter's log_softmax included)."""
    tails = {name: [r.op for r in reference_program(name)[0].not_lowered] for name in ALL_MODELS}
    assert {name: ops for name, ops in tails.items() if ops} == {}
