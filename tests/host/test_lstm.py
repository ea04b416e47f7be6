"""torchmcu::lstm (arm_lstm_unidirectional_s8's integer LSTM): the Python reference follows float
nn.LSTM, and both C backends equal it bit for bit on random layers of either layout, through the
same harness cases the QEMU target runs (tests/target/lstm_cases.py)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch

from tests.kernels.nn_lib import cmsis_nn_path
from tests.target import harness
from tests.target.lstm_cases import lstm_case, sigmoid_table
from torchmcu.cmsis_nn_checkout import CheckoutSizer
from torchmcu.lowering.lstm_quantization import cell_scale_power, lstm_arguments
from torchmcu.lstm_fusion import lstm_fusion
from torchmcu.ops import lstm as lstm_op
from torchmcu.target import parse_target

BACKENDS = ["portable", pytest.param("cmsis_nn", marks=pytest.mark.skipif(
    cmsis_nn_path() is None, reason="CMSIS_NN_PATH does not name a CMSIS-NN checkout"))]


def test_the_sigmoid_table_is_read_from_the_checkout():
    """The table a fused program carries is the checkout's compiled sigmoid_table_uint16, not a copy of ours."""
    checkout = cmsis_nn_path()
    if checkout is None:
        pytest.skip("CMSIS_NN_PATH does not name a CMSIS-NN checkout")
    sizer = CheckoutSizer(checkout)
    text = (checkout / "Source" / "NNSupportFunctions" / "arm_nntables.c").read_text()
    body = text.split("sigmoid_table_uint16[256] = {")[1].split("}")[0]
    in_source = [int(v) for v in re.findall(r"\d+", body)]
    assert list(sizer.sigmoid_table()) == in_source
    fusion = lstm_fusion(parse_target("cortex-m4"), sizer)
    assert (lstm_op.unsigned_table(fusion.sigmoid_table) == torch.tensor(in_source)).all()


def test_activations_follow_float_sigmoid_and_tanh():
    x = torch.arange(-32768, 32768, 7)
    table = lstm_op.unsigned_table(sigmoid_table())
    for tanh, fn in ((False, torch.sigmoid), (True, torch.tanh)):
        approx = lstm_op.activation_s16(x, 0, tanh, table).to(torch.float64) / 2**15
        assert float((approx - fn(x.to(torch.float64) / 2**12)).abs().max()) < 2e-4
    shifted = lstm_op.activation_s16(x, -3, True, table).to(torch.float64) / 2**15  # a cell scale of 2^-15
    assert float((shifted - torch.tanh(x.to(torch.float64) / 2**15)).abs().max()) < 2e-4


def _calibrated_int8(v: torch.Tensor) -> tuple[float, int]:
    low, high = min(float(v.min()), 0.0), max(float(v.max()), 0.0)
    scale = (high - low) / 255
    return scale, int(round(-128 - low / scale))


def _float_cell_max(lstm: torch.nn.LSTM, x: torch.Tensor) -> float:
    """The largest |c| over the sequence, from PyTorch's own cell run step by step."""
    cell = torch.nn.LSTMCell(lstm.input_size, lstm.hidden_size)
    cell.load_state_dict({k.removesuffix("_l0"): v for k, v in lstm.state_dict().items()})
    h = c = torch.zeros(x.shape[0], lstm.hidden_size)
    largest = 0.0
    for t in range(x.shape[1]):
        h, c = cell(x[:, t], (h, c))
        largest = max(largest, float(c.abs().max()))
    return largest


@pytest.mark.parametrize("batch_first", [True, False])
def test_reference_follows_float_lstm(batch_first):
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(20, 32, batch_first=batch_first)
    x = torch.randn(2, 25, 20)  # [B, T, I]
    with torch.no_grad():
        cell_max = _float_cell_max(lstm, x)
        x_in = x if batch_first else x.transpose(0, 1).contiguous()
        expected, _ = lstm(x_in)
        (s_x, z_x), (s_h, z_h) = _calibrated_int8(x_in), _calibrated_int8(expected)
        args = lstm_arguments(lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0,
                              (s_x, z_x), (s_h, z_h), cell_max, time_major=not batch_first)
    x_q = torch.clamp(torch.round(x_in / s_x) + z_x, -128, 127).to(torch.int8)
    actual = (torch.ops.torchmcu.lstm(x_q, sigmoid_table=sigmoid_table(), **args).to(torch.float32) - z_h) * s_h
    sqnr = 10 * math.log10(float((expected**2).sum() / ((expected - actual) ** 2).sum()))
    assert sqnr > 30, sqnr


def test_cell_scale_is_the_smallest_power_of_two_that_holds_the_range():
    assert cell_scale_power(0.99) == -15  # 0.99 <= 32767 * 2^-15 (just under 1)
    assert cell_scale_power(1.0) == -14
    assert cell_scale_power(4.0) == -12
    assert cell_scale_power(1e9) == lstm_op.CELL_SCALE_POWERS[1]


@pytest.mark.parametrize("backend", BACKENDS)
def test_both_backends_equal_the_reference(backend):
    """Random layers, plus shapes that reach CMSIS-NN's unrolled loops' tails (rows by 3, columns by 4)."""
    rng = np.random.default_rng(18)
    cases = [lstm_case(rng) for _ in range(16)]
    cases += [lstm_case(rng, batch=3, time_steps=4, input_size=i, hidden_size=h, time_major=major)
              for i, h in ((16, 12), (7, 13), (33, 5)) for major in (True, False)]
    for case, result in zip(cases, harness.run_on_host(cases, backend)):
        harness.assert_matches(case, result, backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_bad_arguments_are_refused(backend):
    case = lstm_case(np.random.default_rng(1), batch=2, time_steps=3, input_size=5, hidden_size=4)
    names = ("time_major", "batch", "input_offset", "cell_scale_power", "output_shift")
    bad_values = (2, 0, 129, 4, 31)
    broken = []
    for name, value in zip(names, bad_values):
        params = list(case.params)
        params[lstm_case.__globals__["PARAMS"].index(name)] = value
        broken.append(harness.Case(case.op, params, case.buffers, label=f"{name} = {value}"))
    short_scratch = [*case.buffers[:9], (harness.ROLE_SCRATCH, case.buffers[9][1] - 2)]
    broken.append(harness.Case(case.op, case.params, short_scratch, label="scratch 2 bytes short"))
    gate_shift = case.buffers[6][1].copy()
    gate_shift[7] = 31
    broken.append(harness.Case(case.op, case.params, [*case.buffers[:6], (harness.ROLE_INPUT, gate_shift),
                                                      *case.buffers[7:]], label="hidden output-gate shift 31"))
    for c, result in zip(broken, harness.run_on_host(broken, backend)):
        assert result.status == -1, c.label
        assert result.guards_intact, c.label


@pytest.mark.parametrize("backend", BACKENDS)
def test_only_cmsis_nn_refuses_a_table_other_than_its_own(backend):
    """A program compiled against another CMSIS-NN (here: one table entry changed) would compute other numbers
    on a CMSIS-NN firmware than its reference: TMCU_ERR_TABLE (-5). The portable kernel interpolates any table."""
    case = lstm_case(np.random.default_rng(2), batch=1, time_steps=3, input_size=5, hidden_size=4)
    table = case.buffers[7][1].copy()
    table[100] += 1
    buffers = [*case.buffers[:7], (harness.ROLE_INPUT, table), *case.buffers[8:]]
    (result,) = harness.run_on_host([harness.Case(case.op, case.params, buffers, label="other table")], backend)
    assert result.status == (-5 if backend == "cmsis_nn" else 0)
    assert result.guards_intact
