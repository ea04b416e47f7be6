"""One nn.TransformerEncoderLayer (LayerNorm, GELU, 2-head attention) over 16 tokens of width 32.

Its inputs are those of tests/models/tiny_transformer.py: token embeddings plus the sinusoidal position encoding.
"""

import sys
from pathlib import Path

import torch
from torch import nn

from _zoo_common import CALIBRATION_SAMPLES

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from tests.models.tiny_transformer import WIDTH, token_sequences  # noqa: E402


def example_inputs():
    return tuple(token_sequences(1, seed=1))


def calibration_data():
    return [(sequence,) for sequence in token_sequences(CALIBRATION_SAMPLES, seed=2)]


def model():
    torch.manual_seed(0)
    return nn.TransformerEncoderLayer(WIDTH, nhead=2, dim_feedforward=64, dropout=0.0, activation="gelu",
                                      batch_first=True).eval()
