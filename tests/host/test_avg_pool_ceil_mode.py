"""avg_pool with ceil_mode=True lowers to torchmcu::avg_pool2d exactly where PyTorch's divisor is
arm_avgpool_s8's: the elements of the window inside the input.

PyTorch divides each window by its elements inside the input (count_include_pad=False), or by its size
clipped to the padded input (count_include_pad=True): ceil_mode's last windows hang over the padded
input and count only what they cover. Without padding the two are the same, so the kernels reproduce
every window; with padding counted they differ and the op stays float, named with its source line.
The kernels meet the reference on both backends through tests/target/cases.py (pool_case draws the
ceil_mode padding for both pools): tests/kernels/test_nn_core.py on the host, tests/target under QEMU.
"""

from __future__ import annotations


import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch import nn

from torchmcu.compare import sqnr_db
from torchmcu.lowering.pooling import _ceil_mode_padding
from torchmcu.run import run_program
from tests.host.conftest import call_counts, compile_quietly


@settings(max_examples=80, deadline=None)
@given(h=st.integers(1, 12), w=st.integers(1, 12), kh=st.integers(1, 5), kw=st.integers(1, 5),
       sh=st.integers(1, 4), sw=st.integers(1, 4), ph=st.integers(0, 2), pw=st.integers(0, 2),
       count_include_pad=st.booleans(), seed=st.integers(0, 2**16))
def test_the_reference_is_pytorchs_ceil_mode_average_where_it_lowers(h, w, kh, kw, sh, sw, ph, pw,
                                                                      count_include_pad, seed):
    assume(2 * ph <= kh and 2 * pw <= kw and h + 2 * ph >= kh and w + 2 * pw >= kw)  # PyTorch's own limits
    x = torch.randint(-128, 128, (1, 3, h, w), generator=torch.Generator().manual_seed(seed))
    exact = F.avg_pool2d(x.double(), (kh, kw), (sh, sw), (ph, pw), ceil_mode=True, count_include_pad=count_include_pad)
    padding = _ceil_mode_padding([h, w], list(exact.shape[2:]), [kh, kw], [sh, sw], [ph, pw])
    ours = torch.ops.torchmcu.avg_pool2d(x.to(torch.int8).permute(0, 2, 3, 1).contiguous(), [kh, kw], [sh, sw],
                                         padding, -128, 127).permute(0, 3, 1, 2)
    # arm_avgpool_s8 rounds half away from zero (an int8 average is never closer than 1/8192 to a tie).
    rounded = torch.sign(exact) * torch.floor(exact.abs() + 0.5)
    lowered = (ph == 0 and pw == 0) or not count_include_pad
    assert ours.shape == exact.shape
    if lowered:
        assert torch.equal(ours.double(), rounded)
    else:  # PyTorch counts the padding of the first windows: all ones no longer average to one
        assert not torch.equal(F.avg_pool2d(torch.ones(1, 1, h, w), (kh, kw), (sh, sw), (ph, pw), ceil_mode=True),
                               torch.ones_like(exact[:, :1]))


class CeilModePools(nn.Module):
    """Maps whose last windows overhang: 9 x 8 under 3/2, length 11 under 2/2."""

    def __init__(self):
        super().__init__()
        self.conv2d, self.conv1d = nn.Conv2d(3, 4, 3), nn.Conv1d(3, 4, 3)

    def forward(self, image, signal):
        y, t = self.conv2d(image), self.conv1d(signal)
        return (F.avg_pool2d(y, 3, 2, ceil_mode=True),
                F.avg_pool2d(y, (3, 2), 2, padding=1, ceil_mode=True, count_include_pad=False),
                F.avg_pool1d(t, 2, 2, ceil_mode=True),
                F.avg_pool2d(y, 3, 2, padding=1, ceil_mode=True))  # counts padding: stays float


def _inputs(seed: int):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(1, 3, 11, 10, generator=g), torch.randn(2, 3, 13, generator=g)


def test_ceil_mode_average_pools_lower_and_match_the_reference_and_float():
    torch.manual_seed(0)
    module = CeilModePools().eval()
    program = compile_quietly(module, _inputs(0), [_inputs(s) for s in range(1, 8)])
    ops = call_counts(program)
    assert ops["torchmcu.avg_pool2d.default"] == 3
    (refused,) = program.not_lowered
    assert refused.op == "aten.avg_pool2d.default" and "count_include_pad=True" in refused.reason
    assert "test_avg_pool_ceil_mode.py" in refused.source  # the model's source line
    sample = _inputs(9)
    ours, _ = run_program(program.pte, [x.numpy() for x in sample])
    for actual, exact, real in list(zip(ours, program.run_reference(*sample), module(*sample)))[:3]:
        np.testing.assert_array_equal(actual, exact.numpy())
        assert sqnr_db(real.detach(), exact) >= 30.0
