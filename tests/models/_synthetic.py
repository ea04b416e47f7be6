"""Shared helpers for the reference model zoo: realistic-looking synthetic inputs and
"trained-looking" deterministic weight initialisation.

Why not plain `torch.randn` inputs and default init? Quantisation is calibrated on
these samples, and int8 ranges chosen on white noise, or on a network whose
activations shrink to its biases after a few layers, test much less than ranges
chosen on structured inputs flowing through a network that keeps its signal alive.

Not a model file (leading underscore): `tests.models.load` never returns it.
"""

from __future__ import annotations

import math

import torch
from torch import nn
import torch.nn.functional as F


def _generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def natural_images(count: int, seed: int, channels: int = 3, size: int = 32) -> list[torch.Tensor]:
    """`count` images (1, C, size, size) in [0, 1] with the statistics of photos rather than noise:
    mostly smooth multi-scale structure, correlated colour channels, a little sensor noise, and a
    contrast range that differs from image to image (as after `ToTensor()` without normalisation)."""
    g = _generator(seed)
    images = []
    for _ in range(count):
        # Luminance: sum of octaves of smooth noise, coarse ones dominating (1/f-like spectrum).
        luminance = torch.zeros(1, 1, size, size)
        for octave, grid in enumerate((2, 4, 8, 16)):
            coarse = torch.randn(1, 1, grid, grid, generator=g)
            luminance += F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False) / (1.6**octave)
        # Colour: each channel is the luminance plus a weak smooth tint, so channels correlate as in photos.
        tint = F.interpolate(torch.randn(1, channels, 3, 3, generator=g), size=(size, size), mode="bilinear",
                             align_corners=False)
        image = luminance.expand(1, channels, size, size) + 0.35 * tint
        image = image + 0.03 * torch.randn(1, channels, size, size, generator=g)  # sensor noise
        # Per-image exposure: stretch into [low, high] with low near black and high near white.
        low = 0.15 * torch.rand(1, generator=g)
        high = 1.0 - 0.15 * torch.rand(1, generator=g)
        image = (image - image.min()) / (image.max() - image.min())
        images.append((low + (high - low) * image).clamp(0.0, 1.0))
    return images


def smooth_trajectories(count: int, frames: int, generator: torch.Generator, smoothing: int = 5) -> torch.Tensor:
    """(count, frames) unit-variance random signals that change slowly over time (a moving average of
    white noise), like per-coefficient feature tracks in speech or machine sound."""
    noise = torch.randn(count, 1, frames + smoothing - 1, generator=generator)
    smooth = F.avg_pool1d(noise, smoothing, stride=1).squeeze(1)
    return smooth / smooth.std(dim=1, keepdim=True).clamp_min(1e-6)


def speech_like_audio(count: int, seed: int, samples: int, sample_rate: int = 16000) -> list[torch.Tensor]:
    """`count` raw waveforms (1, 1, samples) in [-1, 1]: voiced harmonic segments with a gliding pitch,
    unvoiced noise bursts and near-silence, at varying loudness, as a VAD sees from a microphone."""
    g = _generator(seed)
    t = torch.arange(samples, dtype=torch.float64) / sample_rate
    waves = []
    for index in range(count):
        kind = index % 3  # a fixed mix: one third each of voiced, unvoiced and quiet windows
        if kind == 0:
            f0 = 100 + 150 * torch.rand(1, generator=g, dtype=torch.float64)  # speaking pitch, Hz
            glide = 1 + 0.2 * (torch.rand(1, generator=g, dtype=torch.float64) - 0.5) * t / t[-1]
            phase = 2 * math.pi * f0 * glide * t
            # Harmonics shaped by two formant-like peaks so the spectrum is not flat.
            formants = 400 + 500 * torch.rand(2, generator=g, dtype=torch.float64)
            formants[1] += 900
            wave = torch.zeros(samples, dtype=torch.float64)
            for harmonic in range(1, 30):
                frequency = float(f0) * harmonic
                if frequency > sample_rate / 2:
                    break
                gain = sum(math.exp(-((frequency - float(f)) / 300) ** 2) for f in formants) + 0.05
                wave += gain / harmonic**0.5 * torch.sin(harmonic * phase)
            wave += 0.05 * torch.randn(samples, generator=g, dtype=torch.float64)
        elif kind == 1:
            wave = torch.randn(samples, generator=g, dtype=torch.float64)  # fricative / background noise
            wave[1:] -= 0.7 * wave[:-1].clone()  # pre-emphasis-like tilt towards high frequencies
        else:
            wave = 0.05 * torch.randn(samples, generator=g, dtype=torch.float64)  # room tone
        loudness = 0.02 + 0.5 * float(torch.rand(1, generator=g))
        wave = loudness * wave / wave.abs().max()
        waves.append(wave.to(torch.float32).reshape(1, 1, samples))
    return waves


def fit_batchnorm(model: nn.Module, samples: list[tuple[torch.Tensor, ...]], seed: int) -> nn.Module:
    """Give every BatchNorm the look of a trained network, deterministically.

    Default BatchNorm (mean 0, var 1, gamma 1, beta 0) is almost the identity, so a compiler that
    folds it wrongly (drops the mean, mixes up eps, forgets the conv bias) would still pass. Here the
    running statistics are measured on `samples` (a forward pass in training mode, cumulative average),
    so each BatchNorm really normalises its input as in a trained model, and gamma / beta are drawn at
    random so folding changes every channel's scale and offset. Returns the model in eval mode.
    """
    g = _generator(seed)
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    model.eval()
    with torch.no_grad():
        for norm in norms:
            norm.reset_running_stats()
            norm.momentum = None  # cumulative average over the single calibration batch
            norm.train()  # only the BatchNorms: Dropout stays off
            norm.weight.copy_(0.5 + torch.rand(norm.num_features, generator=g))
            norm.bias.copy_(0.25 * torch.randn(norm.num_features, generator=g))
        batch = tuple(torch.cat(parts) for parts in zip(*samples))
        model(*batch)
    for norm in norms:
        norm.momentum = 0.1
    return model.eval()


def he_init(model: nn.Module) -> nn.Module:
    """He (Kaiming) normal init for every conv / linear weight, small biases.

    PyTorch's default init shrinks the signal by about sqrt(3) per layer; in a stack of 8 layers
    without BatchNorm the output would then be nearly the biases alone, whatever the input. He init
    is what such networks are trained from and keeps activations at a steady scale through ReLUs.
    """
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                # ConvTranspose weights are (in, out, kH, kW): the input channels sit on dim 0, which
                # PyTorch's fan calculation calls fan_out.
                mode = "fan_out" if isinstance(module, nn.ConvTranspose2d) else "fan_in"
                nn.init.kaiming_normal_(module.weight, mode=mode, nonlinearity="relu")
                if module.bias is not None:
                    nn.init.normal_(module.bias, std=0.05)
    return model
