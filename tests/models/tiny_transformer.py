"""One transformer encoder block, written out op by op (single head, no LayerNorm).

Reproduces the encoder layer of Vaswani et al., "Attention Is All You Need" (2017) with one head:
q, k, v linear projections, scores = q @ k^T * 1/sqrt(d), softmax over keys, @ v, output linear,
residual add; then a feed-forward linear -> ReLU -> linear with a residual add. Written by hand (not
nn.MultiheadAttention / nn.TransformerEncoderLayer) so the exported graph is plain linear, matmul,
mul, softmax and add, the ops an int8 MCU backend lowers (batch matmul, softmax).
Left out on purpose: LayerNorm (no int8 kernel for it here) and dropout. Input 1x16x32: 16 tokens of
width 32; output the same shape.
"""

from __future__ import annotations

import math

import torch
from torch import nn

TOKENS, WIDTH, FEED_FORWARD = 16, 32, 64


class EncoderBlock(nn.Module):
    def __init__(self, width: int = WIDTH, feed_forward: int = FEED_FORWARD):
        super().__init__()
        self.q = nn.Linear(width, width)
        self.k = nn.Linear(width, width)
        self.v = nn.Linear(width, width)
        self.out = nn.Linear(width, width)
        self.scale = 1.0 / math.sqrt(width)  # keeps scores O(1) so softmax is not saturated
        self.ff1 = nn.Linear(width, feed_forward)
        self.relu = nn.ReLU()
        self.ff2 = nn.Linear(feed_forward, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scores = self.q(x) @ self.k(x).transpose(-1, -2) * self.scale  # (N, tokens, tokens)
        attention = torch.softmax(scores, dim=-1)  # each query's weights over keys sum to 1
        x = x + self.out(attention @ self.v(x))
        return x + self.ff2(self.relu(self.ff1(x)))


def model() -> nn.Module:
    torch.manual_seed(0)
    return EncoderBlock().eval()


def token_sequences(count: int, seed: int) -> list[torch.Tensor]:
    """Token embeddings as a block sees them: unit-scale random embeddings (a vocabulary lookup) plus the
    sinusoidal position encoding of the paper, so neighbouring tokens share structure."""
    g = torch.Generator().manual_seed(seed)
    position = torch.arange(TOKENS, dtype=torch.float32)[:, None]
    frequency = torch.exp(-math.log(10000.0) * torch.arange(0, WIDTH, 2, dtype=torch.float32) / WIDTH)
    encoding = torch.zeros(TOKENS, WIDTH)
    encoding[:, 0::2] = torch.sin(position * frequency)
    encoding[:, 1::2] = torch.cos(position * frequency)
    vocabulary = torch.randn(64, WIDTH, generator=g)
    sequences = []
    for _ in range(count):
        tokens = torch.randint(0, 64, (TOKENS,), generator=g)
        sequences.append((vocabulary[tokens] + encoding).reshape(1, TOKENS, WIDTH))
    return sequences


def example_inputs() -> tuple[torch.Tensor, ...]:
    return (token_sequences(1, seed=100)[0],)


def calibration_data() -> list[tuple[torch.Tensor, ...]]:
    return [(sequence,) for sequence in token_sequences(12, seed=101)]
