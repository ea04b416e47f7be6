"""Per reference model: host run time (median of several runs) through the C++ runner.

Portable backend always; the CMSIS-NN backend (x86 scalar path) when CMSIS_NN_PATH
names a checkout, run in a subprocess because a process registers one kernel build.
Programs are planned for cortex-m3 (scalar), which both backends accept.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from _models import AUDIO_MODELS, CNN_MODELS, calibration_split, compile_reference_model, quiet

RUNS = 7


def median_ms(pte: bytes, inputs) -> float:
    from torchmcu.native import HostRunner

    runner = HostRunner(pte)  # the kernels main() loaded
    for i, x in enumerate(inputs):
        runner.set_input(i, x)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        runner.run()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main(backend: str) -> None:
    from torchmcu.native import BuildConfig, load_library

    quiet()
    # Loaded first: compiling measures the method pool with whichever kernels are loaded.
    load_library(BuildConfig(backend=backend,
                             cmsis_nn_path=os.environ.get("CMSIS_NN_PATH") if backend == "cmsis_nn" else None))
    print(f"backend {backend}: median of {RUNS} runs")
    print(f"{'model':<20} {'ms':>9}")
    for name in CNN_MODELS + AUDIO_MODELS:
        program, module = compile_reference_model(name, "cortex-m3")
        inputs = [x.numpy() for x in calibration_split(module)[1][0]]
        print(f"{name:<20} {median_ms(program.pte, inputs):>9.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        main("portable")
        if os.environ.get("CMSIS_NN_PATH"):
            subprocess.run([sys.executable, __file__, "cmsis_nn"], check=True)
        else:
            print("cmsis_nn: skipped (set CMSIS_NN_PATH to a CMSIS-NN checkout)")
