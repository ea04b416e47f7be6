"""Instructions of the model-input quantize: quantize + NCHW->NHWC transpose (two calls) against the
fused quantize_per_tensor_nhwc (one call), at the MLPerf Tiny image inputs (VWW 1x3x96x96, IC 1x3x32x32),
on QEMU Cortex-M55 (Helium), M33 and M4 through the tests/target harness (docs/target.md).

Every case is checked against the Python reference; each machine runs the set twice and both counts are
printed. Portable backend always; CMSIS-NN (its arm_transpose_s8) when CMSIS_NN_PATH names a checkout.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.target import cases as layer  # noqa: E402
from tests.target import harness  # noqa: E402

SHAPES = {"VWW": (1, 3, 96, 96), "IC": (1, 3, 32, 32)}


def input_cases(shape: tuple[int, int, int, int]) -> tuple[harness.Case, harness.Case, harness.Case]:
    """(quantize, transpose of its result to NHWC, fused quantize_nhwc) for one float NCHW input."""
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(shape) * 10).astype(np.float32)
    fused = layer.quantize_nhwc_case(rng, shape, x)
    scale, zero_point = np.int32(fused.params[3]).view(np.float32), fused.params[4]
    quantize = layer.quantize_cases(rng, x.reshape(-1), float(scale), zero_point)[0]
    transpose = layer.transpose(quantize.expected[0].reshape(shape), [0, 2, 3, 1])
    assert np.array_equal(fused.expected[0], transpose.expected[0]), "the fused reference is quantize + transpose"
    return quantize, transpose, fused


def main() -> None:
    missing = harness.tools_missing()
    if missing:
        print(f"skipped: {missing}")
        return
    backends = harness.backends()
    print("model  shape        machine     backend   quantize  transpose  q+t       fused     saved    (2nd run)")
    for name, shape in SHAPES.items():
        cases = list(input_cases(shape))
        for backend in backends:
            for machine in harness.MACHINES.values():
                runs = []
                for _ in range(2):
                    results = harness.run(machine, cases, backend)
                    for case, result in zip(cases, results):
                        harness.assert_matches(case, result, machine.name)
                    runs.append([round(r.ticks * machine.instructions_per_tick) for r in results])
                q, t, f = runs[0]
                print(f"{name:<6} {'x'.join(map(str, shape)):<12} {machine.name:<11} {backend:<9} {q:>9,} {t:>9,} "
                      f"{q + t:>9,} {f:>9,} {q + t - f:>8,}  {'same' if runs[0] == runs[1] else runs[1]}")


if __name__ == "__main__":
    main()
