"""How much SQNR a zoo model can keep once its weights are int8, before any activation is quantized.

    python3 benchmarks/zoo_ceiling.py [MODEL ...]

Per model, on example_inputs(), the float model against itself with
* every conv/linear weight rounded to int8 per output channel (symmetric, [-127, 127]), activations float:
  no int8 program can do better, since CMSIS-NN needs int8 weights (BatchNorm gains are positive here,
  so rounding the unfolded weight per channel equals rounding the folded one);
* only the first such layer's weights rounded: how much the rest of the network amplifies one
  layer's rounding noise (a well-conditioned network keeps that near the layer's own ~40-50 dB);
* every weight rounded to float16 instead (11 significant bits, ~70 dB per weight): a network that
  cannot keep 25 dB even then amplifies perturbations, whatever the quantizer does.
"""

from __future__ import annotations

import argparse
import copy
import sys
import warnings
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import zoo  # noqa: E402

WEIGHTED = (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Linear)


def round_weights_per_channel(weight: torch.Tensor) -> torch.Tensor:
    scale = weight.abs().flatten(1).amax(1).clamp_min(2.0**-20) / 127
    scale = scale.view((-1,) + (1,) * (weight.dim() - 1))
    return (weight / scale).round().clamp(-127, 127) * scale


def round_weights_float16(weight: torch.Tensor) -> torch.Tensor:
    return weight.half().float()


def rounded_sqnr_db(module: torch.nn.Module, sample: tuple, layers: int | None,
                    rounding=round_weights_per_channel) -> float:
    """SQNR of `module` with its first `layers` weighted layers (all when None) rounded by `rounding`."""
    from torchmcu.compare import sqnr_db

    perturbed = copy.deepcopy(module)
    weighted = [m for m in perturbed.modules() if isinstance(m, WEIGHTED)]
    for layer in weighted[:layers]:
        layer.weight.data = rounding(layer.weight.data)
    with torch.no_grad():
        return sqnr_db(module(*sample), perturbed(*sample))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", help=f"zoo models (default: all of {', '.join(zoo.discover())})")
    args = parser.parse_args(argv)
    if zoo.refuse_unknown(args.models):
        return 2
    print(f"{'model':<28} {'all weights int8 dB':>19} {'first layer only dB':>19} {'all weights fp16 dB':>19}")
    for name in args.models or zoo.discover():
        entry = zoo.load(name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = entry.model().eval()
        sample = entry.example_inputs()
        print(f"{name:<28} {rounded_sqnr_db(module, sample, None):>19.1f} {rounded_sqnr_db(module, sample, 1):>19.1f} "
              f"{rounded_sqnr_db(module, sample, None, round_weights_float16):>19.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
