"""Scratch sizes from the CMSIS-NN sources the firmware links.

Given a CMSIS-NN checkout (CMSIS_NN_PATH, or the one a Zephyr workspace
pins), build its C sources as a small host library (its `*_get_buffer_size`,
`_dsp` and `_mve` functions are host-callable) and answer the same questions
as `torchmcu.scratch_sizes`. A program planned this way records the checkout's
sizing id (torchmcu.sizing_id, a hash of what the sizers return); firmware
whose CMSIS-NN sizes alike accepts it, whether it was planned with this
checkout or with the built-in formulas.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import subprocess
from pathlib import Path

from torchmcu.errors import TorchMcuError
from torchmcu.native import cache_dir

SOURCE = "cmsis-nn-checkout"


class CheckoutError(TorchMcuError):
    """CMSIS_NN_PATH does not name a usable CMSIS-NN checkout."""


class _Tile(ctypes.Structure):
    _fields_ = [("w", ctypes.c_int32), ("h", ctypes.c_int32)]


class _Dims(ctypes.Structure):
    _fields_ = [("n", ctypes.c_int32), ("h", ctypes.c_int32), ("w", ctypes.c_int32), ("c", ctypes.c_int32)]


class _Activation(ctypes.Structure):
    _fields_ = [("min", ctypes.c_int32), ("max", ctypes.c_int32)]


class _ConvParams(ctypes.Structure):
    _fields_ = [("input_offset", ctypes.c_int32), ("output_offset", ctypes.c_int32), ("stride", _Tile),
                ("padding", _Tile), ("dilation", _Tile), ("activation", _Activation)]


class _DwConvParams(ctypes.Structure):
    _fields_ = [("input_offset", ctypes.c_int32), ("output_offset", ctypes.c_int32), ("ch_mult", ctypes.c_int32),
                ("stride", _Tile), ("padding", _Tile), ("dilation", _Tile), ("activation", _Activation)]


class _TransposeConvParams(ctypes.Structure):
    _fields_ = [("input_offset", ctypes.c_int32), ("output_offset", ctypes.c_int32), ("stride", _Tile),
                ("padding", _Tile), ("padding_offsets", _Tile), ("dilation", _Tile), ("activation", _Activation)]


def _dims(shape) -> _Dims:
    n, h, w, c = (int(v) for v in shape)
    return _Dims(n, h, w, c)


def _tile(hw) -> _Tile:
    return _Tile(int(hw[1]), int(hw[0]))


_SUFFIX = {"scalar": "", "dsp": "_dsp", "mve": "_mve"}


def sources(checkout: Path) -> list[Path]:
    """CMSIS-NN's C sources, without the float kernels (they need Arm float16 support)."""
    files = sorted((checkout / "Source").rglob("*.c"))
    return [f for f in files if not f.name.endswith(("_f16.c", "_f32.c"))]


def content_hash(checkout: Path) -> str:
    """Hash of a checkout's headers and sources: names its compiled sizer library in the cache."""
    digest = hashlib.sha256()
    for path in sorted((checkout / "Include").rglob("*.h")) + sources(checkout):
        digest.update(path.relative_to(checkout).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def sizing_version(checkout: Path) -> int:
    """The checkout's sizing id (torchmcu.sizing_id): the built-in sizers' id when it sizes alike."""
    return CheckoutSizer(checkout).sizing_version()


class CheckoutSizer:
    """`torchmcu.scratch_sizes`' interface, answered by a checkout's own compiled sizers."""

    SIZING_SOURCE = SOURCE

    def __init__(self, checkout: str | Path) -> None:
        self.checkout = Path(checkout)
        if not (self.checkout / "Include" / "arm_nnfunctions.h").is_file():
            raise CheckoutError(f"{self.checkout}: not a CMSIS-NN checkout (no Include/arm_nnfunctions.h)")
        self.content = content_hash(self.checkout)
        self._lib = ctypes.CDLL(str(self._build()))
        self._id: int | None = None

    def sigmoid_table(self) -> tuple[int, ...]:
        """CMSIS-NN's sigmoid_table_uint16 as this checkout defines it: the table its s16 sigmoid and
        tanh interpolate (arm_nn_activation_s16), which torchmcu::lstm programs carry (ops/lstm.py)."""
        return tuple((ctypes.c_uint16 * 256).in_dll(self._lib, "sigmoid_table_uint16"))

    def _build(self) -> Path:
        cache = cache_dir() / "cmsis_nn_sizers"
        library = cache / f"libcmsis_nn_{self.content}.so"
        if library.exists():
            return library
        cache.mkdir(parents=True, exist_ok=True)
        building = library.with_suffix(f".{os.getpid()}.tmp")  # two processes may build it at once
        command = ["gcc", "-shared", "-fPIC", "-O1", "-w", f"-I{self.checkout / 'Include'}",
                   *map(str, sources(self.checkout)), "-o", str(building)]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            building.unlink(missing_ok=True)
            raise CheckoutError(f"{self.checkout}: building CMSIS-NN's sizers failed:\n{result.stderr[-2000:]}")
        building.replace(library)  # whole or absent: another process may be loading it
        return library

    def _call(self, name: str, *args) -> int:
        fn = getattr(self._lib, name)
        fn.restype = ctypes.c_int32
        return int(fn(*args))

    def sizing_version(self) -> int:
        if self._id is None:
            from torchmcu.sizing_id import sizing_id

            self._id = sizing_id(self)
        return self._id

    def conv2d_scratch_bytes(self, isa, *, input_nhwc, filter_ohwi, output_nhwc, stride_hw, padding_hw,
                             dilation_hw, groups=1) -> int:
        params = _ConvParams(0, 0, _tile(stride_hw), _tile(padding_hw), _tile(dilation_hw), _Activation(-128, 127))
        return self._call(f"arm_convolve_wrapper_s8_get_buffer_size{_SUFFIX[isa]}", ctypes.byref(params),
                          ctypes.byref(_dims(input_nhwc)), ctypes.byref(_dims(filter_ohwi)),
                          ctypes.byref(_dims(output_nhwc)))

    def depthwise_conv2d_scratch_bytes(self, isa, *, input_nhwc, filter_1hwc, output_nhwc, stride_hw, padding_hw,
                                       dilation_hw, depth_multiplier) -> int:
        params = _DwConvParams(0, 0, depth_multiplier, _tile(stride_hw), _tile(padding_hw), _tile(dilation_hw),
                               _Activation(-128, 127))
        return self._call(f"arm_depthwise_conv_wrapper_s8_get_buffer_size{_SUFFIX[isa]}", ctypes.byref(params),
                          ctypes.byref(_dims(input_nhwc)), ctypes.byref(_dims(filter_1hwc)),
                          ctypes.byref(_dims(output_nhwc)))

    def transpose_conv2d_scratch_bytes(self, isa, *, input_nhwc, filter_ohwi, output_nhwc, stride_hw,
                                       padding_hw) -> tuple[int, int]:
        params = _TransposeConvParams(0, 0, _tile(stride_hw), _tile(padding_hw), _Tile(0, 0), _Tile(1, 1),
                                      _Activation(-128, 127))
        # CMSIS-NN has no DSP variant of this sizer: the DSP build uses the generic one.
        suffix = "_mve" if isa == "mve" else ""
        ctx = self._call(f"arm_transpose_conv_s8_get_buffer_size{suffix}", ctypes.byref(params),
                         ctypes.byref(_dims(input_nhwc)), ctypes.byref(_dims(filter_ohwi)),
                         ctypes.byref(_dims(output_nhwc)))
        reverse = self._call("arm_transpose_conv_s8_get_reverse_conv_buffer_size", ctypes.byref(params),
                             ctypes.byref(_dims(input_nhwc)), ctypes.byref(_dims(filter_ohwi)))
        return ctx, reverse

    def linear_scratch_bytes(self, isa, *, in_features, out_features) -> int:
        filter_dims = _Dims(in_features, 1, 1, out_features)
        return self._call(f"arm_fully_connected_s8_get_buffer_size{_SUFFIX[isa]}", ctypes.byref(filter_dims))

    def batch_matmul_scratch_bytes(self, isa, *, lhs_nhwc, rhs_nhwc, output_nhwc) -> int:
        return self._call(f"arm_fully_connected_s8_get_buffer_size{_SUFFIX[isa]}", ctypes.byref(_dims(output_nhwc)))

    def avg_pool2d_scratch_bytes(self, isa, *, output_w, channels) -> int:
        fn = getattr(self._lib, f"arm_avgpool_s8_get_buffer_size{_SUFFIX[isa]}")
        fn.argtypes = [ctypes.c_int, ctypes.c_int]
        fn.restype = ctypes.c_int32
        return int(fn(output_w, channels))


def main(argv: list[str] | None = None) -> int:
    """`python -m torchmcu.cmsis_nn_checkout PATH`: print the checkout's sizing id (for firmware builds)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m torchmcu.cmsis_nn_checkout CMSIS_NN_PATH", file=sys.stderr)
        return 2
    checkout = Path(args[0])
    if not (checkout / "Include" / "arm_nnfunctions.h").is_file():
        print(f"error: {checkout}: not a CMSIS-NN checkout (no Include/arm_nnfunctions.h)", file=sys.stderr)
        return 1
    try:
        print(f"0x{sizing_version(checkout):08x}")
    except CheckoutError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
