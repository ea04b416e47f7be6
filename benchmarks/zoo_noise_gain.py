"""Per conv+BatchNorm layer of a zoo model: how much the layer lowers the SNR of a perturbation of its input.

    python3 benchmarks/zoo_noise_gain.py MODEL [--all]

On the model's calibration images, for each convolution followed by a BatchNorm:
* the BatchNorm's running variance (min, median): a channel with variance near 0 would be a
  near-dead channel that BatchNorm rescales by 1/sqrt(var + eps), amplifying any noise on it;
* its noise gain per output channel (median, max): sum over the channel's inputs of
  |weight|^2 * E[input^2], divided by the running variance. A perturbation of the input that is
  uncorrelated across positions and channels reaches the BatchNorm output with this much less SNR
  than it had against the input's power (mean included). 1 keeps SNR; a ReLU on a zero-mean Gaussian
  followed by a mean-removing BatchNorm gives pi/(pi-1) = 1.47 (1.66 dB): the ReLU passes half a
  perturbation's power but only 1/2 - 1/(2 pi) of its input's variance as variance, the rest as the
  mean the next BatchNorm subtracts.
Then the logits over the calibration images: rms, and rms of their input-dependent part (minus
their mean over the images), so a metric dominated by a constant output would show.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import zoo  # noqa: E402


def conv_batch_norm_pairs(module: nn.Module) -> list[tuple[nn.Conv2d, nn.BatchNorm2d]]:
    """Convolutions whose next module (in definition order) is a BatchNorm2d."""
    modules = list(module.modules())
    return [(a, b) for a, b in zip(modules, modules[1:])
            if isinstance(a, nn.Conv2d) and isinstance(b, nn.BatchNorm2d)]


def noise_gain(conv: nn.Conv2d, norm: nn.BatchNorm2d, inputs: torch.Tensor) -> torch.Tensor:
    """Per output channel: uncorrelated-noise power gain over signal variance gain (see module doc)."""
    groups, per_group = conv.groups, conv.weight.shape[1]
    power = (inputs.double() ** 2).mean(dim=(0, 2, 3)).view(groups, per_group)
    power = power.repeat_interleave(conv.out_channels // groups, dim=0)
    white = ((conv.weight.double() ** 2).sum(dim=(2, 3)) * power).sum(1)
    return white / (norm.running_var.double() + norm.eps)


@torch.no_grad()
def report(name: str, show_all: bool) -> None:
    entry = zoo.load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = entry.model().eval()
    batch = tuple(torch.cat(parts) for parts in zip(*entry.calibration_data()))
    pairs = conv_batch_norm_pairs(module)
    inputs = {}
    hooks = [conv.register_forward_hook(lambda m, args, out: inputs.__setitem__(m, args[0])) for conv, _ in pairs]
    logits = module(*batch)
    for hook in hooks:
        hook.remove()
    print(f"{name}: {len(pairs)} conv+BatchNorm layers on {batch[0].shape[0]} calibration samples")
    if pairs:
        print(f"{'#':>3} {'weight':<18} {'groups':>6} {'var min':>9} {'var med':>9} {'gain med':>8} {'gain max':>8}")
    medians = []
    for index, (conv, norm) in enumerate(pairs):
        gain = noise_gain(conv, norm, inputs[conv])
        medians.append(float(gain.median()))
        if show_all or index < 8 or index >= len(pairs) - 2:
            var = norm.running_var
            print(f"{index:>3} {str(tuple(conv.weight.shape)):<18} {conv.groups:>6} {float(var.min()):>9.2e} "
                  f"{float(var.median()):>9.2e} {medians[-1]:>8.2f} {float(gain.max()):>8.2f}")
    if pairs:
        smallest = min(float(n.running_var.min() / n.running_var.median()) for _, n in pairs)
        print(f"smallest running variance over its layer's median: {smallest:.3f}")
        print(f"median noise gain per layer: {sorted(medians)[len(medians) // 2]:.2f}, "
              f"sum over layers {sum(10 * math.log10(m) for m in medians):.1f} dB "
              f"(pi/(pi-1) = {math.pi / (math.pi - 1):.2f})")
    centered = logits - logits.mean(0)
    print(f"logits rms {float(logits.pow(2).mean().sqrt()):.3f}, "
          f"input-dependent rms {float(centered.pow(2).mean().sqrt()):.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help=f"a zoo model ({', '.join(zoo.discover())})")
    parser.add_argument("--all", action="store_true", help="every layer, not the first 8 and last 2")
    args = parser.parse_args(argv)
    if zoo.refuse_unknown([args.model]):
        return 2
    report(args.model, args.all)
    return 0


if __name__ == "__main__":
    sys.exit(main())
