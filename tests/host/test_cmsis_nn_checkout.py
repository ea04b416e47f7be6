"""With CMSIS_NN_PATH set, scratch sizes come from that checkout's own C functions."""

from __future__ import annotations

import ctypes
import os
import warnings
from pathlib import Path

import pytest
from torch import nn

CHECKOUT = os.environ.get("CMSIS_NN_PATH")
pytestmark = pytest.mark.skipif(not CHECKOUT, reason="CMSIS_NN_PATH does not name a CMSIS-NN checkout")


def test_plan_uses_the_checkout_sizers(tmp_path):
    from torchmcu.cmsis_nn_checkout import CheckoutSizer, _ConvParams, _Dims, _Tile, _Activation, sizing_version
    from torchmcu.compiler import compile as compile_model

    sizer = CheckoutSizer(CHECKOUT)
    model = nn.Sequential(nn.Conv2d(5, 8, 3), nn.ReLU(), nn.Conv2d(8, 8, (1, 5))).eval()
    import torch

    x = torch.randn(1, 5, 6, 9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(model, (x,), target="cortex-m55", calibration=[(x,)])
    record = program.plan["record"]
    assert record["scratch_sizing_source"] == "cmsis-nn-checkout"
    assert record["scratch_sizing_version"] == f"0x{sizing_version(Path(CHECKOUT)):08x}"
    # The C function itself, called directly on the checkout's library.
    fn = sizer._lib.arm_convolve_wrapper_s8_get_buffer_size_mve
    fn.restype = ctypes.c_int32
    convs = [op for op in program.plan["ops"] if op["op"].startswith("torchmcu::conv2d")]
    for op, (kh, kw) in zip(convs, [(3, 3), (1, 5)]):
        in_shape, out_shape = op["inputs"][0]["shape"], op["outputs"][0]["shape"]
        params = _ConvParams(0, 0, _Tile(1, 1), _Tile(0, 0), _Tile(1, 1), _Activation(-128, 127))
        expected = fn(ctypes.byref(params), ctypes.byref(_Dims(*in_shape)),
                      ctypes.byref(_Dims(out_shape[3], kh, kw, in_shape[3])), ctypes.byref(_Dims(*out_shape)))
        assert op["scratch_bytes"] == expected
