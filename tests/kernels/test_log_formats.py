"""Kernel and runner log formats print on every device printf (docs/kernels.md, "Error messages
on the device"): Zephyr's default formatting and newlib-nano print `zu` for %zu and shift every
later argument, and print nothing useful for %lld or %f."""

from __future__ import annotations

import re

from tests.kernels.nn_lib import REPO

# A printf conversion: flags, width, precision, length modifier, conversion letter.
CONVERSION = re.compile(r"%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(hh|h|ll|l|j|z|t|L)?([diouxXeEfFgGaAcspn%])")
PORTABLE_LENGTHS = {None, "l"}
PORTABLE_CONVERSIONS = set("diuxXcsp%")


def _string_literals(text: str) -> list[str]:
    return re.findall(r'"((?:[^"\\\n]|\\.)*)"', text)


def test_kernel_and_runner_log_formats_are_portable():
    sources = [p for d in ("ops", "runner", "include", "nn") for p in (REPO / "kernels" / d).rglob("*")
               if p.suffix in {".c", ".cpp", ".h"}]
    assert sources
    problems = []
    for path in sources:
        for literal in _string_literals(path.read_text()):
            for match in CONVERSION.finditer(literal):
                length, conversion = match.groups()
                if length not in PORTABLE_LENGTHS or conversion not in PORTABLE_CONVERSIONS:
                    problems.append(f"{path.relative_to(REPO)}: {match.group(0)!r} in \"{literal}\"")
    assert not problems, "non-portable log formats:\n" + "\n".join(problems)


def test_the_checker_catches_what_devices_cannot_print():
    bad = [lit for lit in ('size %zu', 'value %lld', 'scale %f', 'ok %d %ld %s') if any(
        m.group(1) not in PORTABLE_LENGTHS or m.group(2) not in PORTABLE_CONVERSIONS
        for m in CONVERSION.finditer(lit))]
    assert bad == ['size %zu', 'value %lld', 'scale %f']
