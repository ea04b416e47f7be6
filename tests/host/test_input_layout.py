"""The model input's quantize writes NHWC itself only when the NHWC transpose is its one use
(FuseInputQuantizeTransposePass); a program with another use of it keeps both calls, and
both programs equal the Python reference on the host kernels."""

from __future__ import annotations

import warnings

import numpy as np
import torch

from torchmcu.compiler import compile as compile_model
from torchmcu.run import run_program


class ImageAndSum(torch.nn.Module):
    """A conv of the 3-channel image (wants NHWC) and, when `also_flat`, a linear of the same image as NCHW."""

    def __init__(self, also_flat: bool) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.linear = torch.nn.Linear(3 * 5 * 7, 4) if also_flat else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.conv(x)).mean(dim=(2, 3))
        return y + self.linear(x.flatten(1)) if self.linear is not None else y


def compiled(also_flat: bool):
    torch.manual_seed(0)
    model = ImageAndSum(also_flat).eval()
    samples = [(torch.randn(1, 3, 5, 7),) for _ in range(8)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(model, samples[0], target="cortex-m55", calibration=samples)
    return program, samples


def kernel_ops(program) -> list[str]:
    return [op["op"].split(".")[0] for op in program.plan["ops"]]


def assert_host_equals_reference(program, samples) -> None:
    for sample in samples[:2]:
        (ours,), _ = run_program(program.pte, [sample[0].numpy()])
        (reference,) = program.run_reference(*sample)
        np.testing.assert_array_equal(ours, reference.numpy())


def test_the_input_quantize_writes_nhwc_when_the_transpose_is_its_only_use():
    program, samples = compiled(also_flat=False)
    ops = kernel_ops(program)
    assert ops[0] == "torchmcu::quantize_per_tensor_nhwc", ops
    assert "torchmcu::transpose" not in ops and "torchmcu::quantize_per_tensor" not in ops, ops
    assert_host_equals_reference(program, samples)


def test_a_quantized_input_with_another_use_keeps_quantize_and_transpose():
    program, samples = compiled(also_flat=True)
    ops = kernel_ops(program)
    assert "torchmcu::quantize_per_tensor_nhwc" not in ops, ops
    assert ops.count("torchmcu::quantize_per_tensor") == 1 and "torchmcu::transpose" in ops, ops
    assert_host_equals_reference(program, samples)
