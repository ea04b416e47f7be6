"""Small convolutional decoder: latent vector -> 16x16 single-channel image.

Reproduces the generator / decoder half of DCGAN (Radford et al., 2016) and of convolutional VAEs,
shrunk to MCU size: a linear layer projects the 16-d latent to 32x4x4, a view makes it a feature map,
two ConvTranspose2d(kernel 4, stride 2, padding 1) + ReLU layers upsample 4x4 -> 8x8 -> 16x16, and a
3x3 conv maps to one output channel (no output activation: raw intensities / logits). No BatchNorm
(DCGAN has it in the generator; omitted here to keep the transposed-conv path the thing under test).
Input 1x16 latent, output 1x1x16x16.
"""

from __future__ import annotations

import torch
from torch import nn

try:  # imported as tests.models.conv_decoder
    from ._synthetic import he_init
except ImportError:  # loaded from its path by the torchmcu CLI, which puts this folder on sys.path
    from _synthetic import he_init

LATENT, CHANNELS, SEED_SIZE = 16, 32, 4


class ConvDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.project = nn.Linear(LATENT, CHANNELS * SEED_SIZE * SEED_SIZE)
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(CHANNELS, 16, kernel_size=4, stride=2, padding=1), nn.ReLU(),  # 4x4 -> 8x8
            nn.ConvTranspose2d(16, 8, kernel_size=4, stride=2, padding=1), nn.ReLU(),  # 8x8 -> 16x16
        )
        self.to_image = nn.Conv2d(8, 1, kernel_size=3, padding=1)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        x = self.project(latent).view(-1, CHANNELS, SEED_SIZE, SEED_SIZE)
        return self.to_image(self.upsample(x))


def model() -> nn.Module:
    torch.manual_seed(0)
    return he_init(ConvDecoder()).eval()


def _latents(count: int, seed: int) -> list[torch.Tensor]:
    """Draws from the standard normal prior, which is what a VAE / GAN decoder is fed at inference."""
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(1, LATENT, generator=g) for _ in range(count)]


def example_inputs() -> tuple[torch.Tensor, ...]:
    return (_latents(1, seed=100)[0],)


def calibration_data() -> list[tuple[torch.Tensor, ...]]:
    return [(latent,) for latent in _latents(16, seed=101)]
