"""The numeric core (kernels/nn, portable backend) as a shared library for ctypes tests."""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import subprocess
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
NN = REPO / "kernels" / "nn"


class Dims(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in "nhwc"]


class Buf(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("size", ctypes.c_int32)]


class Quant(ctypes.Structure):
    _fields_ = [("multiplier", ctypes.c_void_p), ("shift", ctypes.c_void_p), ("count", ctypes.c_int32)]


class ConvParams(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in ("input_offset", "output_offset", "stride_h", "stride_w", "pad_h",
                                              "pad_w", "dilation_h", "dilation_w", "act_min", "act_max")]


class AddParams(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in (
        "input1_offset", "input1_multiplier", "input1_shift", "input2_offset", "input2_multiplier", "input2_shift",
        "left_shift", "output_offset", "output_multiplier", "output_shift", "act_min", "act_max")]


class MulParams(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in ("input1_offset", "input2_offset", "output_offset", "output_multiplier",
                                              "output_shift", "act_min", "act_max")]


class PoolParams(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in ("kernel_h", "kernel_w", "stride_h", "stride_w", "pad_h", "pad_w",
                                              "act_min", "act_max")]


class BmmParams(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in ("lhs_offset", "rhs_offset", "output_offset", "multiplier", "shift",
                                              "act_min", "act_max")]


def sources() -> list[Path]:
    return sorted((NN / "common").glob("*.c")) + sorted((NN / "portable").glob("*.c"))


@functools.lru_cache(maxsize=None)
def library() -> ctypes.CDLL:
    digest = hashlib.sha256()
    for path in sources() + sorted((REPO / "kernels" / "include").rglob("*.h")) + sorted(NN.rglob("*.h")):
        digest.update(path.read_bytes())
    cache = Path(os.environ.get("TORCHMCU_CACHE", Path.home() / ".cache" / "torchmcu")) / "nn"
    cache.mkdir(parents=True, exist_ok=True)
    so = cache / f"libtmcu_nn_{digest.hexdigest()[:16]}.so"
    if not so.exists():
        command = ["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-fPIC", "-shared",
                   f"-I{REPO / 'kernels' / 'include'}", *map(str, sources()), "-lm", "-o", str(so)]
        subprocess.run(command, check=True, capture_output=True, text=True)
    return ctypes.CDLL(str(so))


def ptr(array: np.ndarray | None) -> ctypes.c_void_p | None:
    """A pointer argument (a bare int would be passed as a 32-bit C int)."""
    return None if array is None else ctypes.c_void_p(array.ctypes.data)


def dims(shape) -> Dims:
    shape = [1] * (4 - len(shape)) + list(shape)
    return Dims(*shape)


def quant(multiplier: np.ndarray, shift: np.ndarray) -> Quant:
    return Quant(multiplier.ctypes.data, shift.ctypes.data, len(multiplier))
