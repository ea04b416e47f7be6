"""The CMSIS-NN backend built against the CMSIS-NN Zephyr 4.1 pins (zephyr-v7.0.0, from the
workspace in ../shared/zephyr) on emulated Cortex-M55 (Helium) and M33 (DSP): every kernel case
of tests/target, plus the shapes where CMSIS-NN's own code refuses or is wrong and our wrappers
must hand the call to the portable kernel (docs/kernels.md, "Supported CMSIS-NN versions"):

- one-row convolutions (Conv1d lowered as N,1,W,C), which Helium's arm_convolve_1_x_n_s8 only
  computes for TFLite-style padding: the voice_activity sample's layers among them;
- grouped 1x1 and one-row convolutions, which zephyr-v7.0.0's sizer prices for kernels its
  wrapper does not run;
- transposed convolutions whose padding is not a multiple of the stride (zephyr-v7.0.0's
  arm_transpose_conv_s8 misplaces output rows there).

Activations use the whole int8 range so clamping cannot hide a wrong sum. Needs
arm-none-eabi-gcc and qemu-system-arm (tests/target says how to install them)."""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest

from tests.kernels.nn_lib import SHARED_ZEPHYR, zephyr_cmsis_nn_path
from tests.target import cases, harness

pytestmark = pytest.mark.skipif(
    not (SHARED_ZEPHYR / "env.sh").is_file(),
    reason=f"{SHARED_ZEPHYR} is absent (the Zephyr 4.1 workspace with CMSIS-NN zephyr-v7.0.0)")


def one_row_convolutions(rng, isa: str) -> list[harness.Case]:
    conv = functools.partial(cases.convolution, rng, isa=isa)
    found = [
        conv("conv", input_nhwc=(1, 1, 1024, 1), c_out=16, kernel_hw=(1, 32), stride_hw=(1, 16), pad_hw=(0, 8),
             label="voice_activity layer 1: conv1d k32 s16 p8"),
        conv("conv", input_nhwc=(1, 1, 64, 16), c_out=32, kernel_hw=(1, 3), stride_hw=(1, 2), pad_hw=(0, 1),
             label="voice_activity layer 2: conv1d k3 s2 p1 (right pad 0)"),
        conv("depthwise", input_nhwc=(1, 1, 32, 32), c_out=1, kernel_hw=(1, 3), stride_hw=(1, 2), pad_hw=(0, 1),
             label="voice_activity layer 3: depthwise conv1d k3 s2 p1"),
        conv("conv", input_nhwc=(1, 4, 4, 8), c_out=4, kernel_hw=(1, 1), stride_hw=(1, 1), pad_hw=(0, 0), groups=2,
             label="grouped 1x1 (zephyr-v7.0.0 sizes it for the 1x1 kernel)"),
        conv("conv", input_nhwc=(1, 1, 12, 8), c_out=4, kernel_hw=(1, 3), stride_hw=(1, 1), pad_hw=(0, 1), groups=2,
             label="grouped conv1d (zephyr-v7.0.0 sizes it for the 1xN kernel)"),
    ]
    for width, c_in, k, stride, pad, pad_h in itertools.product((11, 16), (1, 4), (1, 3, 5), (1, 2, 4), (0, 1, 2),
                                                               (0, 1)):
        if k == 1 and pad == 0:
            continue
        found.append(conv("conv", input_nhwc=(1, 1, width, c_in), c_out=4, kernel_hw=(1, k), stride_hw=(1, stride),
                          pad_hw=(pad_h, pad), label=f"conv1d w{width} c{c_in} k{k} s{stride} p{pad} pad_h {pad_h}"))
    return [case for case in found if case is not None]


def transposed_convolutions(rng, isa: str) -> list[harness.Case]:
    conv = functools.partial(cases.convolution, rng, "transpose", isa=isa)
    shapes = [((1, 4, 5, 3), 4, (3, 3), 2, 1), ((1, 3, 4, 6), 2, (4, 4), 2, 1), ((1, 5, 5, 2), 3, (3, 3), 3, 1),
              ((1, 4, 4, 5), 2, (5, 5), 3, 2), ((1, 4, 4, 8), 4, (2, 2), 2, 0), ((1, 3, 3, 4), 2, (4, 4), 2, 2)]
    found = [conv(input_nhwc=shape, c_out=c_out, kernel_hw=kernel, stride_hw=(stride, stride), pad_hw=(pad, pad),
                  label=f"transpose {shape} k{kernel[0]} s{stride} p{pad}")
             for shape, c_out, kernel, stride, pad in shapes]
    return [case for case in found if case is not None]


@pytest.fixture
def full_int8_activation(monkeypatch):
    draw = cases._offsets_and_activation
    monkeypatch.setattr(cases, "_offsets_and_activation", lambda rng: (*draw(rng)[:2], -128, 127))


@pytest.mark.parametrize("machine_name", ["mps3-an547", "mps2-an505"])
def test_zephyr_cmsis_nn_kernels_on_target_equal_the_python_reference(machine_name, monkeypatch,
                                                                       full_int8_activation):
    missing = harness.tools_missing()
    assert missing is None, missing
    monkeypatch.setenv("CMSIS_NN_PATH", str(zephyr_cmsis_nn_path()))
    machine = harness.MACHINES[machine_name]
    rng = np.random.default_rng(2026)
    case_list = (cases.all_cases(machine.isa, seed=2026) + one_row_convolutions(rng, machine.isa) +
                 transposed_convolutions(rng, machine.isa))
    results = harness.run(machine, case_list, "cmsis_nn")
    assert len(results) == len(case_list)
    for case, result in zip(case_list, results):
        harness.assert_matches(case, result, f"{machine_name}/cmsis_nn zephyr-v7.0.0")
