"""scaled_dot_product_attention is spelled out before quantization (DecomposeAttentionPass), so
attention lowers to batch matmul, mul and softmax kernels, bit-exact on the host kernels."""

from __future__ import annotations

import warnings

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from torchmcu.compiler import compile as compile_model
from torchmcu.run import run_program


class TwoHeadAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v = nn.Linear(16, 16), nn.Linear(16, 16), nn.Linear(16, 16)

    def forward(self, x):
        heads = [p(x).view(1, 8, 2, 8).transpose(1, 2) for p in (self.q, self.k, self.v)]  # [1, 2 heads, 8, 8]
        return F.scaled_dot_product_attention(*heads)


def _input(seed: int) -> torch.Tensor:
    return torch.randn(1, 8, 16, generator=torch.Generator().manual_seed(seed))


def test_attention_lowers_to_kernels_bit_exact():
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(TwoHeadAttention().eval(), (_input(0),),
                                calibration=[(_input(s),) for s in range(1, 6)], strict=True)
    targets = [str(n.target) for n in program.reference.graph.nodes if n.op == "call_function"]
    assert targets.count("torchmcu.batch_matmul.default") == 2
    assert targets.count("torchmcu.softmax.default") == 1
    sample = _input(9)
    ours, _ = run_program(program.pte, [sample.numpy()])
    np.testing.assert_array_equal(ours[0], program.run_reference(sample)[0].detach().numpy())
