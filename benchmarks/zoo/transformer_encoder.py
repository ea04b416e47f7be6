"""One nn.TransformerEncoderLayer (LayerNorm, GELU, 2-head attention) over 16 tokens of width 32."""

import math

import torch
from torch import nn

from _zoo_common import CALIBRATION_SAMPLES

TOKENS, WIDTH = 16, 32


def _sequences(count: int, seed: int) -> list[tuple[torch.Tensor]]:
    """Token embeddings plus the sinusoidal position encoding."""
    g = torch.Generator().manual_seed(seed)
    position = torch.arange(TOKENS, dtype=torch.float32)[:, None]
    frequency = torch.exp(-math.log(10000.0) * torch.arange(0, WIDTH, 2, dtype=torch.float32) / WIDTH)
    encoding = torch.zeros(TOKENS, WIDTH)
    encoding[:, 0::2] = torch.sin(position * frequency)
    encoding[:, 1::2] = torch.cos(position * frequency)
    vocabulary = torch.randn(64, WIDTH, generator=g)
    return [((vocabulary[torch.randint(0, 64, (TOKENS,), generator=g)] + encoding)[None],) for _ in range(count)]


def example_inputs():
    return _sequences(1, seed=1)[0]


def calibration_data():
    return _sequences(CALIBRATION_SAMPLES, seed=2)


def model():
    torch.manual_seed(0)
    return nn.TransformerEncoderLayer(WIDTH, nhead=2, dim_feedforward=64, dropout=0.0, activation="gelu",
                                      batch_first=True).eval()
