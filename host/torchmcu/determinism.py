"""Machine-independent float evaluation: the same model file gives the same program bytes everywhere.

Float32 results in torch depend on the machine: ATen picks vectorised kernels
by CPU capability (AVX2's randn and reductions round differently from the
portable ones), oneDNN picks its own ISA, and reductions split work by thread
count. A calibration range that moves by one float32 ulp can move a scale
across a rounding boundary, and then every byte after it. So a compile:

* evaluates the model file with ATen's portable kernels, oneDNN off and one
  thread (`pin_portable_kernels` + `fixed_float_environment`);
* calibrates in float64, where kernel differences are ~1e-16 relative, and
  rounds every observed min/max once to `QPARAM_SIGNIFICANT_BITS` significant
  bits before scales and zero points are computed (`round_to_grid`), so such
  differences never reach a scale;
* makes its fallback calibration data with exact arithmetic (`random_calibration`).

docs/reproducibility.md states the contract.
"""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

import torch

# Significant bits kept of every observed calibration min/max: float64 kernels
# differ in the last ~2 bits of 53; 16 bits leave a margin of 2^-35 and move a
# scale by at most 2^-17 relative (an int8 step is 2^-8 of the range).
QPARAM_SIGNIFICANT_BITS = 16


def pin_portable_kernels() -> bool:
    """Select ATen's portable ("default") CPU kernels for this process.

    Works only before torch dispatches its first CPU kernel (the choice is made
    once); returns whether the portable kernels are in use.
    """
    os.environ["ATEN_CPU_CAPABILITY"] = "default"
    return torch.backends.cpu.get_cpu_capability() == "DEFAULT"


@contextlib.contextmanager
def fixed_float_environment() -> Iterator[None]:
    """One torch thread and no oneDNN while inside: reductions and convolutions in one fixed order."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.backends.mkldnn.flags(enabled=False):
            yield
    finally:
        torch.set_num_threads(threads)


def round_to_grid(values: torch.Tensor, bits: int = QPARAM_SIGNIFICANT_BITS) -> torch.Tensor:
    """`values` rounded to `bits` significant bits (ties to even), exactly; same dtype; inf/nan kept."""
    wide = values.to(torch.float64)
    mantissa, exponent = torch.frexp(wide)  # mantissa in [0.5, 1): exact
    rounded = torch.ldexp(torch.round(torch.ldexp(mantissa, torch.tensor(bits))), exponent - bits)
    return torch.where(torch.isfinite(wide), rounded, wide).to(values.dtype)


def random_calibration(example_inputs: tuple, samples: int = 8) -> list[tuple[torch.Tensor, ...]]:
    """Seeded, approximately standard-normal inputs shaped like `example_inputs`, bit-identical everywhere.

    torch.randn's float32 path is vectorised differently per CPU. Float32
    uniforms are multiples of 2^-24 drawn from the generator's bits, so the sum
    of 12 of them minus 6 (Irwin-Hall) is exact in float64 on every machine.
    """
    generator = torch.Generator().manual_seed(0)
    result = []
    for _ in range(samples):
        result.append(tuple(
            (torch.rand((12, *x.shape), generator=generator).to(torch.float64).sum(0) - 6.0).to(torch.float32)
            for x in example_inputs
        ))
    return result
