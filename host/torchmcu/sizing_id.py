"""The sizing id: one 32-bit name for how a set of CMSIS-NN sizers behaves.

A program records the id of the sizes it was planned with; firmware refuses a
program whose id differs from its own CMSIS-NN's (docs/record.md). The id is
a hash of behaviour, not of a commit name or of source bytes: the sizes each
sizer family (conv, depthwise, transpose conv, fully connected, batch matmul,
average pool) returns for each ISA (scalar, DSP, MVE) over `PROBES`, a fixed
set of shapes that walks every branch of CMSIS-NN's `*_get_buffer_size`
functions (1x1, 1xN, generic and grouped convs; optimised and generic
depthwise, one input channel; transpose convs on both sides of the reverse-
conv threshold; channel counts around the MVE block of 124). The built-in
formulas and a checkout's compiled sizers are probed the same way, so the
same sizing gets the same id whichever side computed it, and a checkout that
sizes any probe differently gets another one.

Changing `PROBES` changes every id: programs compiled before must be recompiled.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from typing import Any, Iterator

from torchmcu.scratch_sizes import ISAS


def _out(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _conv_probes() -> Iterator[dict[str, Any]]:
    for c_in, (kh, kw), stride, pad, dil, (h, w) in itertools.product(
            (1, 3, 4, 8, 17, 124, 130), ((1, 1), (1, 3), (1, 8), (3, 3), (5, 2)), (1, 2), (0, 1), (1, 2),
            ((1, 32), (9, 9))):
        out_h, out_w = _out(h, kh, stride, pad if h > 1 else 0, dil), _out(w, kw, stride, pad, dil)
        if out_h < 1 or out_w < 1:
            continue
        for c_filter in {c_in, max(1, c_in // 2)} if c_in % 2 == 0 else {c_in}:  # dense, then two groups
            yield dict(input_nhwc=[1, h, w, c_in], filter_ohwi=[8, kh, kw, c_filter], output_nhwc=[1, out_h, out_w, 8],
                       stride_hw=[stride, stride], padding_hw=[pad if h > 1 else 0, pad], dilation_hw=[dil, dil],
                       groups=c_in // c_filter)


def _depthwise_probes() -> Iterator[dict[str, Any]]:
    for n, c_in, mult, (kh, kw), stride, pad, dil in itertools.product(
            (1, 2), (1, 3, 8, 17, 130), (1, 2), ((3, 3), (1, 3), (5, 5)), (1, 2), (0, 1, 2), (1, 2)):
        out_h, out_w = _out(9, kh, stride, pad, dil), _out(9, kw, stride, pad, dil)
        if out_h < 1 or out_w < 1:
            continue
        yield dict(input_nhwc=[n, 9, 9, c_in], filter_1hwc=[1, kh, kw, c_in * mult],
                   output_nhwc=[n, out_h, out_w, c_in * mult], stride_hw=[stride, stride], padding_hw=[pad, pad],
                   dilation_hw=[dil, dil], depth_multiplier=mult)


def _transpose_conv_probes() -> Iterator[dict[str, Any]]:
    for c_in, (kh, kw), (sh, sw), pad in itertools.product(
            (4, 16, 17, 32), ((2, 2), (3, 3), (4, 1)), ((1, 1), (2, 2), (3, 3), (2, 1)), (0, 1)):
        out_h, out_w = (5 - 1) * sh - 2 * pad + kh, (7 - 1) * sw - 2 * pad + kw
        yield dict(input_nhwc=[1, 5, 7, c_in], filter_ohwi=[8, kh, kw, c_in], output_nhwc=[1, out_h, out_w, 8],
                   stride_hw=[sh, sw], padding_hw=[pad, pad])


PROBES: dict[str, list[dict[str, Any]]] = {
    "conv2d_scratch_bytes": list(_conv_probes()),
    "depthwise_conv2d_scratch_bytes": list(_depthwise_probes()),
    "transpose_conv2d_scratch_bytes": list(_transpose_conv_probes()),
    "linear_scratch_bytes": [dict(in_features=i, out_features=o)
                             for i, o in itertools.product((1, 3, 4, 17, 128, 1000), (1, 10, 64))],
    "batch_matmul_scratch_bytes": [dict(lhs_nhwc=[1, 1, m, k], rhs_nhwc=[1, 1, k, n], output_nhwc=[1, 1, m, n])
                                   for m, k, n in ((1, 4, 8), (7, 16, 3), (16, 64, 65))],
    "avg_pool2d_scratch_bytes": [dict(output_w=w, channels=c) for w, c in itertools.product((1, 4, 7), (1, 8, 17, 128))],
}


def sizing_lines(sizer) -> Iterator[str]:
    """One line per probe: `family isa arguments -> size` ("absent" where the sizer is missing), as hashed."""
    for family, probes in PROBES.items():
        for isa in ISAS:
            for kwargs in probes:
                try:
                    size = getattr(sizer, family)(isa, **kwargs)
                except AttributeError:  # a checkout without this sizer: it cannot plan this op
                    size = "absent"
                yield f"{family} {isa} {json.dumps(kwargs, sort_keys=True)} -> {json.dumps(size)}\n"


def sizing_id(sizer) -> int:
    """32-bit id of `sizer`'s behaviour over `PROBES` (see the module docstring)."""
    digest = hashlib.sha256()
    for line in sizing_lines(sizer):
        digest.update(line.encode())
    return int(digest.hexdigest()[:8], 16)
