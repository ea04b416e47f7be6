"""Wall time of the answers that must come fast (< 2 s): --help, plan, header, size, argument errors.

    python benchmarks/cli_latency.py [--program model.pte] [--elf zephyr.elf] [--repeat 3]

Each command runs in a fresh interpreter (`python -m torchmcu ...`), as a user
runs it; the best of --repeat runs is printed. Without --program, a tiny model
is compiled once first (not timed).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_SECONDS = 2.0
REPO = Path(__file__).resolve().parents[1]


def timed(argv: list[str], repeat: int) -> tuple[float, int]:
    best, code = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        code = subprocess.run([sys.executable, "-m", "torchmcu", *argv], capture_output=True).returncode
        best = min(best, time.perf_counter() - started)
    return best, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--program", help="a compiled .pte (default: compile tests/host/model_files/tiny_cnn.py)")
    parser.add_argument("--elf", help="a firmware ELF for `size` (default: a non-ELF file, timing the error)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="torchmcu_latency_"))
    program = args.program
    if program is None:
        model = REPO / "tests" / "host" / "model_files" / "tiny_cnn.py"
        subprocess.run([sys.executable, "-m", "torchmcu", "compile", str(model), "--output-dir", str(work),
                        "--quiet"], check=True)
        program = str(work / "tiny_cnn.pte")
    elf = args.elf or str(Path(program))
    cases = {
        "--help": ["--help"],
        "plan": ["plan", program],
        "plan --json": ["plan", program, "--json"],
        "header": ["header", program, "--output", str(work / "model_pte.h")],
        "size" + ("" if args.elf else " (not an ELF: error)"): ["size", elf],
        "compile missing.py": ["compile", str(work / "missing.py")],
        "compile --target bad": ["compile", str(REPO / "tests" / "host" / "model_files" / "tiny_cnn.py"),
                                 "--target", "cortex-m99"],
        "compile --output-dir is a file": ["compile", str(REPO / "tests" / "host" / "model_files" / "tiny_cnn.py"),
                                           "--output-dir", program],
        "run missing.pte": ["run", str(work / "missing.pte"), "--random"],
        "run --input missing.npy": ["run", program, "--input", str(work / "missing.npy")],
        "compare --calibration missing": ["compare", str(REPO / "tests" / "host" / "model_files" / "tiny_cnn.py"),
                                          "--calibration", str(work / "missing.npz")],
        "unknown option": ["plan", program, "--frobnicate"],
    }
    print(f"{'command':<34} {'best of ' + str(args.repeat):>11}  exit  under {LIMIT_SECONDS:.0f} s")
    slow = 0
    for name, argv in cases.items():
        seconds, code = timed(argv, args.repeat)
        slow += seconds >= LIMIT_SECONDS
        print(f"{name:<34} {seconds:>9.2f} s  {code:>4}  {'yes' if seconds < LIMIT_SECONDS else 'NO'}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
