"""Firmware flash by component, side by side, from Zephyr build directories; and against upstream.

    python benchmarks/firmware_flash.py NAME=BUILD_DIR [NAME=BUILD_DIR ...]
    python benchmarks/firmware_flash.py --upstream [--boards m55,m33,m4] [--models kws,ad]

Each BUILD_DIR is a finished `west build` (its zephyr/zephyr.elf and
zephyr/zephyr.map are read); NAME labels its column, e.g. `before=build/kws-old
after=build/kws`. Prints flash bytes per component (torchmcu kernels per op,
runner, ExecuTorch runtime, CMSIS-NN, C/C++ libraries, Zephyr, program) and the
flash that is not the program, with each column's ratio to the last one.

--upstream builds, for each model (kws: the keyword_spotting sample's model; ad:
MLPerf Tiny's AD autoencoder) and board, torchmcu's firmware (benchmarks/flash_app:
the keyword_spotting sample's code for any model file) and upstream ExecuTorch's
(benchmarks/upstream: its own Cortex-M AoT pipeline and cortex_m kernels), both
embedding the model's example input; runs both once in QEMU (torchmcu's must print
its "output matches host" verdict), prints both breakdowns and one table of
non-program flash with the ratio torchmcu / upstream.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "host")]

from tests.zephyr.zephyr_workspace import BOARDS  # noqa: E402
from torchmcu.report.components import ComponentReport, component_size, non_program_flash  # noqa: E402

# The keyword_spotting sample's model, and MLPerf Tiny's AD autoencoder.
MODELS = {"kws": REPO / "samples" / "keyword_spotting" / "model.py",
          "ad": REPO / "tests" / "models" / "deep_autoencoder.py"}


def print_side_by_side(reports: dict[str, ComponentReport]) -> None:
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


def torchmcu_firmware(model: str, board: str) -> Path:
    """torchmcu's firmware for `model` on `board`, built and checked in QEMU; its zephyr.elf."""
    from tests.zephyr.zephyr_workspace import build_root, read_until_verdict, west_build

    directory = build_root() / "flash_app" / board  # one per board: a new model rebuilds little
    result, _ = west_build(BOARDS[board].name, "flash_app", (f"FLASH_MODEL={MODELS[model]}",), directory=directory,
                           source=REPO / "benchmarks" / "flash_app")
    if result.returncode != 0:
        raise RuntimeError(f"west build of flash_app for {board} failed:\n{(result.stdout + result.stderr)[-4000:]}")
    elf = directory / "zephyr" / "zephyr.elf"
    name = "flash_app"
    console = read_until_verdict(BOARDS[board].qemu_command(elf), 600,
                                 rf"{name}: (output matches host|MISMATCH|.*failed)")
    if f"{name}: output matches host" not in console:
        raise RuntimeError(f"{elf} on {board} gave no 'output matches host' verdict:\n{console[-2000:]}")
    return elf


def upstream_firmware(model: str, board: str) -> Path:
    """Upstream ExecuTorch's firmware for `model` on `board` (benchmarks/upstream), run once; its zephyr.elf."""
    from benchmarks.upstream import build_and_run, compile_upstream
    from tests.zephyr.zephyr_workspace import build_root

    model_file = MODELS[model]
    pte = build_root() / "upstream" / f"{model}_{board}.pte"
    if not pte.is_file():
        compile_upstream(model_file, pte, board)
    # -Os, as torchmcu's flash_app (the samples' default): a flash comparison.
    return build_and_run(pte, board, size=True).elf


def versus_upstream(models: list[str], boards: list[str]) -> None:
    rows = []
    for model in models:
        for board in boards:
            reports = {"torchmcu": component_size(torchmcu_firmware(model, board)),
                       "upstream": component_size(upstream_firmware(model, board))}
            print(f"\n{model} on {board}")
            print_side_by_side(reports)
            rows.append((model, board, *(non_program_flash(r) for r in reports.values())))
    print("\n| model | board | torchmcu non-program flash | upstream non-program flash | ratio |")
    print("|---|---|---:|---:|---:|")
    for model, board, ours, theirs in rows:
        print(f"| {model} | {board} | {ours:,} | {theirs:,} | {ours / theirs:.3f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("builds", nargs="*", metavar="NAME=BUILD_DIR")
    parser.add_argument("--upstream", action="store_true", help="build torchmcu and upstream firmware and compare")
    parser.add_argument("--boards", default="m55,m33,m4", help=f"with --upstream: {', '.join(BOARDS)}")
    parser.add_argument("--models", default="kws,ad", help=f"with --upstream: {', '.join(MODELS)}")
    args = parser.parse_args(argv)
    if args.upstream:
        boards, models = args.boards.split(","), args.models.split(",")
        unknown = [b for b in boards if b not in BOARDS] + [m for m in models if m not in MODELS]
        if unknown:
            print(f"error: unknown board or model {', '.join(unknown)} (boards: {', '.join(BOARDS)}; "
                  f"models: {', '.join(MODELS)})", file=sys.stderr)
            return 1
        versus_upstream(models, boards)
        return 0
    if not args.builds:
        parser.error("give NAME=BUILD_DIR arguments, or --upstream")
    reports = {}
    for item in args.builds:
        name, _, directory = item.rpartition("=")
        reports[name or Path(directory).name] = component_size(Path(directory) / "zephyr" / "zephyr.elf")
    print_side_by_side(reports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
