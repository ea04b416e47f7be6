"""Flash and RAM per sample and board, by category, from the real Zephyr images.

    python benchmarks/zephyr_size.py [--build] [BUILD_DIR ...]

With build directories: their zephyr/zephyr.elf (sample and board read from the
build's CMakeCache.txt). Without: every sample for each QEMU board from the build
directories tests/zephyr uses (TORCHMCU_ZEPHYR_BUILDS); --build runs the missing
`west build`s against ../shared/zephyr first. Categories are `torchmcu size`'s
(torchmcu.report.elf_size): program, arena, method pool, torchmcu kernels,
ExecuTorch, CMSIS-NN; "other" is Zephyr and the C/C++ libraries.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.zephyr.test_samples import SAMPLES  # noqa: E402
from tests.zephyr.test_zephyr_build import CONFIGS  # noqa: E402
from tests.zephyr.zephyr_workspace import build_dir, west_build, workspace_missing  # noqa: E402
from torchmcu.report.elf_size import CATEGORIES, elf_size  # noqa: E402

SHORT = {"program (.pte)": "program", "method allocator": "method pool", "torchmcu kernels": "kernels",
         "ExecuTorch runtime": "ExecuTorch", "other": "Zephyr+libc"}


def describe(directory: Path) -> tuple[str, str]:
    """(sample, board) of a Zephyr build directory."""
    cache = (directory / "CMakeCache.txt").read_text(errors="replace")
    board = re.search(r"^BOARD:\w+=(.*)$", cache, re.M).group(1)
    sample = Path(re.search(r"^APPLICATION_SOURCE_DIR:\w+=(.*)$", cache, re.M).group(1)).name
    return sample, board


def default_build_dirs(build: bool) -> list[Path]:
    directories = []
    for board, configs in CONFIGS.items():
        for sample in SAMPLES:
            directory = build_dir(board, sample, configs)
            if build and not (directory / "zephyr" / "zephyr.elf").is_file():
                result, _ = west_build(board, sample, configs)
                if result.returncode != 0:
                    raise SystemExit(f"error: west build of {sample} for {board} failed:\n{result.stderr[-2000:]}")
            directories.append(directory)
    return directories


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dirs", nargs="*", type=Path)
    parser.add_argument("--build", action="store_true", help="build missing images first (needs ../shared/zephyr)")
    args = parser.parse_args()
    if args.build and workspace_missing():
        print(f"error: {workspace_missing()}", file=sys.stderr)
        return 1
    names = [SHORT.get(c, c) for c in CATEGORIES]
    print("| sample | board | memory | " + " | ".join(names) + " | total |")
    print("|---|---|---|" + "---:|" * (len(names) + 1))
    for directory in args.build_dirs or default_build_dirs(args.build):
        elf = directory / "zephyr" / "zephyr.elf"
        if not elf.is_file():
            print(f"error: {elf}: no such file (build it first, or pass --build)", file=sys.stderr)
            return 1
        sample, board = describe(directory)
        report = elf_size(elf)
        for memory in ("flash", "ram"):
            values = [getattr(report.categories[c], memory) for c in CATEGORIES]
            print(f"| {sample} | {board} | {memory} | " + " | ".join(f"{v:,}" for v in values) + f" | {sum(values):,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
