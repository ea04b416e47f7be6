"""The zoo's image classifiers once trained: is their SQNR shortfall the quantizer's or the random weights'?

    python3 benchmarks/zoo_trained.py [MODEL ...] [--steps 1000] [--threads 1] [--activation-ranges mse]
    python3 benchmarks/zoo_trained.py MODEL --layers

The zoo's random-weight BatchNorm CNNs amplify any perturbation (docs/ops.md, "Model zoo"), so
their SQNR cannot judge the quantizer. This trains each one (its zoo construction as the start)
on a synthetic task no download is needed for: 10 classes, each a fixed random coarse pattern,
shown at a random cyclic shift under coarse and fine noise and upsampled like the zoo's images.
AdamW, batch 32, one-cycle learning rate peaking at 1e-3, weight decay 1e-4, --steps steps;
BatchNorm statistics are then re-estimated on 64 task images. The trained weights are cached
under TORCHMCU_CACHE (they depend on this machine's float arithmetic, like any training run).

Per model: the task accuracy on 256 held-out images, the weight-only ceilings of
benchmarks/zoo_ceiling.py (every weight int8 per channel; fp16), and the int8 program
(cortex-m3, calibrated on 32 task images) against the float model: SQNR on one image (as
benchmarks/zoo.py) and over 16 held-out images, top-1 agreement on the 256, and whether the
host kernels equal the Python reference on the one image. --layers prints, instead,
`torchmcu compare`'s per-layer SQNR of the trained model over the 16 held-out images.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import zoo  # noqa: E402
import zoo_ceiling  # noqa: E402

CLASSES = 10
TASK_SEED = 123
HELD_OUT_SEED = 2  # held-out images: 256 for the table (its SQNR over the first 16), 16 for --layers


def task_images(count: int, size: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(images [count, 3, size, size], labels [count]) of the synthetic 10-class task."""
    coarse_size = max(1, size // 8)
    templates = torch.randn(CLASSES, 3, coarse_size, coarse_size, generator=torch.Generator().manual_seed(TASK_SEED))
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, CLASSES, (count,), generator=g)
    shifts = torch.randint(0, coarse_size, (count, 2), generator=g).tolist()
    shown = torch.stack([torch.roll(templates[c], tuple(s), (1, 2)) for c, s in zip(labels.tolist(), shifts)])
    coarse = 0.8 * shown + 0.6 * torch.randn(count, 3, coarse_size, coarse_size, generator=g)
    smooth = F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)
    return smooth + 0.1 * torch.randn(count, 3, size, size, generator=g), labels


def trained(name: str, steps: int) -> tuple[torch.nn.Module, int]:
    """(the zoo model trained on the task, input size), from the cache when it was trained before."""
    from torchmcu.native import cache_dir

    entry = zoo.load(name)
    from _zoo_common import reestimate_batch_norm  # importable once zoo.load has put the zoo on sys.path
    size = entry.example_inputs()[0].shape[-1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = entry.model()
    cached = cache_dir() / "zoo_trained" / f"{name}-{steps}.pt"
    if cached.exists():
        module.load_state_dict(torch.load(cached))
        return module.eval(), size
    module.train()
    optimizer = torch.optim.AdamW(module.parameters(), lr=1e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-3, total_steps=steps)
    for step in range(steps):
        images, labels = task_images(32, size, seed=1000 + step)
        loss = F.cross_entropy(module(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
    images, _ = task_images(64, size, seed=1)
    reestimate_batch_norm(module, [(x[None],) for x in images])
    cached.parent.mkdir(parents=True, exist_ok=True)
    torch.save(module.state_dict(), cached)
    return module.eval(), size


def calibration_samples(size: int) -> list[tuple[torch.Tensor]]:
    """The 32 task images every program is calibrated on, one sample each."""
    images, _ = task_images(32, size, seed=3)
    return [(x[None],) for x in images]


def measure(name: str, steps: int, activation_ranges: str = "minmax") -> str:
    from torchmcu.compiler import compile as compile_model
    from torchmcu.run import run_program

    module, size = trained(name, steps)
    held_out, labels = task_images(256, size, seed=HELD_OUT_SEED)
    calibration = calibration_samples(size)
    example = (held_out[:1],)
    with torch.no_grad():
        float_logits = module(held_out)
    accuracy = (float_logits.argmax(1) == labels).float().mean().item()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(module, example, target=zoo.TARGET, calibration=calibration,
                                activation_ranges=activation_ranges)
    int8_logits = torch.cat([program.run_reference(x[None])[0] for x in held_out])
    ours, _ = run_program(program.pte, [example[0].numpy()])
    bit_exact = np.array_equal(ours[0], int8_logits[:1].numpy())
    agreement = (int8_logits.argmax(1) == float_logits.argmax(1)).float().mean().item()
    return (f"{name:<28} {steps:>5} {100 * accuracy:>7.1f} "
            f"{zoo_ceiling.rounded_sqnr_db(module, example, None):>9.1f} "
            f"{zoo_ceiling.rounded_sqnr_db(module, example, None, zoo_ceiling.round_weights_float16):>9.1f} "
            f"{zoo.sqnr_db(float_logits[:1].numpy(), int8_logits[:1].numpy()):>10.1f} "
            f"{zoo.sqnr_db(float_logits[:16].numpy(), int8_logits[:16].numpy()):>10.1f} "
            f"{100 * agreement:>9.1f} {'yes' if bit_exact else 'NO':>9}")


def print_layers(name: str, steps: int) -> None:
    from torchmcu.report.layer_compare import compare_model, format_report

    module, size = trained(name, steps)
    held_out, _ = task_images(16, size, seed=HELD_OUT_SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = compare_model(module, (held_out[:1],), calibration_samples(size), zoo.TARGET,
                               samples=[(x[None],) for x in held_out])
    print(format_report(report))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", help="zoo image classifiers (default: mobilenet_v2)")
    parser.add_argument("--steps", type=int, default=1000, help="training steps (default 1000)")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "1")))
    parser.add_argument("--activation-ranges", choices=["minmax", "mse"], default="minmax",
                        help="how calibration picks activation ranges (torchmcu compile's option)")
    parser.add_argument("--layers", action="store_true", help="per-layer SQNR (torchmcu compare) instead")
    args = parser.parse_args(argv)
    if zoo.refuse_unknown(args.models):
        return 2
    torch.set_num_threads(args.threads)
    if args.layers:
        for name in args.models or ["mobilenet_v2"]:
            print_layers(name, args.steps)
        return 0
    print(f"{'model':<28} {'steps':>5} {'task %':>7} {'int8 w dB':>9} {'fp16 w dB':>9} "
          f"{'1 image dB':>10} {'16 imgs dB':>10} {'top-1 %':>9} {'= ref':>9}")
    for name in args.models or ["mobilenet_v2"]:
        print(measure(name, args.steps, args.activation_ranges), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
