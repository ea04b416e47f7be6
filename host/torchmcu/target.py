"""Compile targets: which Cortex-M CPU, and which CMSIS-NN code path it runs.

A target string is `cortex-<cpu>[+int8][+nomve][+nodsp]`, e.g. `cortex-m55`,
`cortex-m55+nomve` (a Cortex-M55 built without Helium, as Zephyr builds the
STM32N6), `cortex-m33+nodsp`. The ISA backend decides CMSIS-NN's code path and
so the scratch sizes: MVE (Helium), DSP, or scalar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Isa = Literal["scalar", "dsp", "mve"]

# CPU -> (has DSP extension by default, has MVE by default, DSP optional, MVE optional)
_CPUS: dict[str, tuple[bool, bool, bool, bool]] = {
    "m0": (False, False, False, False),
    "m0plus": (False, False, False, False),
    "m3": (False, False, False, False),
    "m4": (True, False, False, False),
    "m7": (True, False, False, False),
    "m23": (False, False, False, False),
    "m33": (True, False, True, False),
    "m35p": (True, False, True, False),
    "m55": (True, True, False, True),
    "m85": (True, True, False, True),
}
_DTYPES = ("int8",)
_FEATURES = ("nomve", "nodsp")


class TargetError(ValueError):
    """An unknown or impossible target string; the message lists what is valid."""


def valid_targets() -> list[str]:
    return [f"cortex-{cpu}" for cpu in _CPUS]


def _usage() -> str:
    return (
        f"valid CPUs: {', '.join(valid_targets())}; optional suffixes: +int8 (the only dtype), "
        "+nomve (cortex-m55/m85 without Helium), +nodsp (cortex-m33/m35p without the DSP extension)"
    )


@dataclass(frozen=True)
class Target:
    """A resolved compile target."""

    cpu: str
    dsp: bool
    mve: bool
    dtype: str = "int8"

    @property
    def isa(self) -> Isa:
        if self.mve:
            return "mve"
        if self.dsp:
            return "dsp"
        return "scalar"

    @property
    def name(self) -> str:
        """The canonical target string (round-trips through `parse_target`)."""
        default_dsp, default_mve, _, _ = _CPUS[self.cpu]
        suffix = ""
        if default_mve and not self.mve:
            suffix += "+nomve"
        if default_dsp and not self.dsp:
            suffix += "+nodsp"
        return f"cortex-{self.cpu}{suffix}"

    def __str__(self) -> str:
        return self.name


def parse_target(text: str) -> Target:
    """Parse `cortex-m55+int8+nomve` and friends; raise TargetError listing valid values."""
    if not isinstance(text, str) or not text:
        raise TargetError(f"empty target; {_usage()}")
    base, *suffixes = text.strip().lower().split("+")
    if not base.startswith("cortex-") or base[len("cortex-"):] not in _CPUS:
        raise TargetError(f"unknown CPU {base!r} in target {text!r}; {_usage()}")
    cpu = base[len("cortex-"):]
    dsp, mve, dsp_optional, mve_optional = _CPUS[cpu]
    dtype = "int8"
    for suffix in suffixes:
        if suffix in _DTYPES:
            dtype = suffix
        elif suffix == "nomve":
            if not mve_optional:
                raise TargetError(f"+nomve is meaningless for cortex-{cpu} (it has no Helium); {_usage()}")
            # CMSIS-NN's non-MVE path on an Armv8.1-M core is the DSP one.
            mve = False
        elif suffix == "nodsp":
            if not dsp_optional and dsp:
                raise TargetError(f"cortex-{cpu} always has the DSP extension, +nodsp is impossible; {_usage()}")
            dsp = False
        elif suffix in ("mve", "dsp", "helium"):
            have = mve if suffix in ("mve", "helium") else dsp
            if not have:
                raise TargetError(f"cortex-{cpu} has no {suffix.upper()}; {_usage()}")
        else:
            raise TargetError(f"unknown target suffix +{suffix} in {text!r}; {_usage()}")
    return Target(cpu=cpu, dsp=dsp, mve=mve, dtype=dtype)
