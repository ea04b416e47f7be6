"""SQNR of a zoo model's int8 graph (PT2E quantize/dequantize, before lowering) per activation-range choice.

    python3 benchmarks/zoo_activation_ranges.py MODEL [MODEL ...]

Per model and per choice of torchmcu.observers.ACTIVATION_RANGES: SQNR against the float model
on example_inputs() (what benchmarks/zoo.py measures, one image) and over 8 held-out images
(seed 3, the same construction as the calibration images). Quantizing alone takes a minute where a
whole zoo compile takes several, so observers can be compared before any is compiled.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import zoo  # noqa: E402

HELD_OUT_IMAGES, HELD_OUT_SEED = 8, 3


def int8_graph(name: str, activation_ranges: str):
    """(float model, example inputs, the quantized Q/DQ graph) of one zoo model."""
    from torchmcu.compiler import export_model, quantize
    from torchmcu.determinism import fixed_float_environment

    entry = zoo.load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = entry.model().eval()
        example = entry.example_inputs()
        with fixed_float_environment():
            graph = quantize(export_model(module, example), entry.calibration_data(),
                             activation_ranges=activation_ranges)
    return module, example, graph


def sqnr_over(module, graph, samples: list[tuple]) -> float:
    from torchmcu.compare import sqnr_db

    with torch.no_grad():
        expected = torch.cat([module(*s).flatten() for s in samples])
        actual = torch.cat([graph(*s).flatten() for s in samples])
    return sqnr_db(expected, actual)


def main(argv: list[str] | None = None) -> int:
    from torchmcu.observers import ACTIVATION_RANGES

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", help=f"zoo models ({', '.join(zoo.discover())})")
    args = parser.parse_args(argv)
    if zoo.refuse_unknown(args.models):
        return 2
    sys.path.insert(0, str(zoo.ZOO))
    import _zoo_common

    print(f"{'model':<28} {'ranges':<7} {'example dB':>10} {'held-out dB':>11}")
    for name in args.models:
        for ranges in ACTIVATION_RANGES:
            module, example, graph = int8_graph(name, ranges)
            size = example[0].shape[-1]
            held = [(x,) for x in _zoo_common.images(HELD_OUT_IMAGES, size, seed=HELD_OUT_SEED)]
            print(f"{name:<28} {ranges:<7} {sqnr_over(module, graph, [example]):>10.2f} "
                  f"{sqnr_over(module, graph, held):>11.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
