"""Instructions per kernel call for representative layers of the reference models, on
QEMU Cortex-M55 (mps3-an547), M33 (mps2-an505) and M4 (mps2-an386).

Counted with SysTick under -icount shift=0 (instructions = ticks x 1e9 / clock, see
docs/target.md). Each machine runs the layer set twice; both figures are printed to
show the count is exact and repeatable. Portable backend always; CMSIS-NN when
CMSIS_NN_PATH names a CMSIS-NN checkout.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.target import cases as layer  # noqa: E402
from tests.target import harness  # noqa: E402


def representative_layers(isa: str) -> list[harness.Case]:
    """Shapes taken from the reference models in tests/models (NHWC)."""
    rng = np.random.default_rng(7)
    return [
        layer.convolution(rng, "conv", isa, input_nhwc=(1, 49, 10, 1), c_out=64, kernel_hw=(10, 4), stride_hw=(2, 2),
                          pad_hw=(5, 1), label="ds_cnn conv 10x4/2, 1->64, 49x10"),
        layer.convolution(rng, "depthwise", isa, input_nhwc=(1, 25, 5, 64), c_out=1, kernel_hw=(3, 3),
                          stride_hw=(1, 1), pad_hw=(1, 1), label="ds_cnn depthwise 3x3, 64ch, 25x5"),
        layer.convolution(rng, "conv", isa, input_nhwc=(1, 25, 5, 64), c_out=64, kernel_hw=(1, 1), stride_hw=(1, 1),
                          pad_hw=(0, 0), label="ds_cnn pointwise 1x1, 64->64, 25x5"),
        layer.convolution(rng, "conv", isa, input_nhwc=(1, 12, 12, 16), c_out=96, kernel_hw=(1, 1),
                          stride_hw=(1, 1), pad_hw=(0, 0), label="mobilenet_v2 expand 1x1, 16->96, 12x12"),
        layer.convolution(rng, "depthwise", isa, input_nhwc=(1, 12, 12, 96), c_out=1, kernel_hw=(3, 3),
                          stride_hw=(2, 2), pad_hw=(1, 1), label="mobilenet_v2 depthwise 3x3/2, 96ch, 12x12"),
        layer.convolution(rng, "conv", isa, input_nhwc=(1, 1, 50, 64), c_out=64, kernel_hw=(1, 7), stride_hw=(1, 1),
                          pad_hw=(0, 3), label="wav2letter conv1d k7, 64->64, 50 frames"),
        layer.convolution(rng, "conv", isa, input_nhwc=(1, 32, 32, 3), c_out=16, kernel_hw=(3, 3), stride_hw=(1, 1),
                          pad_hw=(1, 1), label="small_cnn conv 3x3, 3->16, 32x32"),
        layer.pool(rng, "max_pool2d", isa, (1, 32, 32, 16), (2, 2), 2, 0, label="small_cnn max pool 2x2, 16ch, 32x32"),
        layer.linear(rng, isa, 1, 32, 10, per_channel=True, label="small_cnn classifier 32->10"),
        layer.linear(rng, isa, 1, 64, 12, per_channel=True, label="ds_cnn classifier 64->12"),
        layer.pool(rng, "avg_pool2d", isa, (1, 25, 5, 64), (24, 5), 24, 0, label="ds_cnn average pool 24x5, 64ch"),
        layer.linear(rng, isa, 16, 32, 32, per_channel=True, label="tiny_transformer q projection 16x32->32"),
        layer.batch_matmul(rng, isa, (1, 1, 16, 32), (1, 1, 16, 32), label="tiny_transformer q.k^T 16x32x16"),
        layer.softmax(rng, 16, 16, label="tiny_transformer softmax 16x16"),
        layer.batch_matmul(rng, isa, (1, 1, 16, 16), (1, 1, 32, 16), label="tiny_transformer attn.v 16x16x32"),
    ]


def main() -> None:
    missing = harness.tools_missing()
    if missing:
        print(f"skipped: {missing}")
        return
    backends = harness.backends()
    for backend in backends:
        for name, machine in harness.MACHINES.items():
            cases = representative_layers(machine.isa)
            first = harness.run(machine, cases, backend)
            second = harness.run(machine, cases, backend)
            print(f"\n{backend} on {name} ({machine.cpu}, {machine.instructions_per_tick:g} instructions per tick)")
            print(f"{'layer':<46} {'instructions':>13} {'again':>13} {'ok':>3}")
            for case, a, b in zip(cases, first, second):
                ok = a.status == 0 and a.guards_intact and all(
                    np.array_equal(np.frombuffer(raw, e.dtype).reshape(e.shape), e)
                    for raw, e in zip(a.outputs, case.expected))
                print(f"{case.label:<46} {a.ticks * machine.instructions_per_tick:>13,.0f} "
                      f"{b.ticks * machine.instructions_per_tick:>13,.0f} {'yes' if ok else 'NO':>3}")
    if "cmsis_nn" not in backends:
        print("\ncmsis_nn: skipped (set CMSIS_NN_PATH to a CMSIS-NN checkout)")


if __name__ == "__main__":
    main()
