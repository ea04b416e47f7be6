"""Firmware flash by component, side by side, from Zephyr build directories.

    python benchmarks/firmware_flash.py NAME=BUILD_DIR [NAME=BUILD_DIR ...]

Each BUILD_DIR is a finished `west build` (its zephyr/zephyr.elf and
zephyr/zephyr.map are read); NAME labels its column, e.g. `before=build/kws-old
after=build/kws upstream=build/hello-executorch`. Prints flash bytes per
component (torchmcu kernels per op, runner, ExecuTorch runtime, CMSIS-NN, C/C++
libraries, Zephyr, program) and the flash that is not the program, with each
column's ratio to the last one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "host"))

from torchmcu.report.components import component_size, non_program_flash  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("builds", nargs="+", metavar="NAME=BUILD_DIR")
    args = parser.parse_args(argv)
    reports = {}
    for item in args.builds:
        name, _, directory = item.rpartition("=")
        name = name or Path(directory).name
        reports[name] = component_size(Path(directory) / "zephyr" / "zephyr.elf")
    components = sorted({c for r in reports.values() for c in r.components},
                        key=lambda c: (not c.startswith("kernels: "), c))
    width = max(12, *(len(n) for n in reports))
    print(f"{'flash bytes':<32}" + "".join(f" {n:>{width}}" for n in reports))
    for component in components:
        cells = [r.components[component].flash if component in r.components else 0 for r in reports.values()]
        print(f"{component:<32}" + "".join(f" {c:>{width},}" for c in cells))
    totals = [non_program_flash(r) for r in reports.values()]
    print(f"{'not the program':<32}" + "".join(f" {t:>{width},}" for t in totals))
    print(f"{'ratio to ' + list(reports)[-1]:<32}" + "".join(f" {t / totals[-1]:>{width}.3f}" for t in totals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
