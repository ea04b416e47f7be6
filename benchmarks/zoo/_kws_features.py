"""Keyword-spotting features (25 frames x 10 MFCCs, normalised) and the CRNN model of the recurrent zoo files.

The LSTM/GRU keyword spotters of "Hello Edge" (Zhang et al., 2017; ARM-software/ML-KWS-for-MCU)
read 1 s of audio as 25 frames (40 ms window, 40 ms stride) of 10 MFCCs, mean/variance-normalised
per coefficient as their front ends do.
Here each coefficient is a slowly varying random track, stronger while a "word" is spoken.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

FRAMES, COEFFICIENTS, CLASSES = 25, 10, 12


def mfcc_clips(count: int, seed: int) -> list[torch.Tensor]:
    """`count` clips of shape (1, FRAMES, COEFFICIENTS), batch-first."""
    g = torch.Generator().manual_seed(seed)
    clips = []
    for _ in range(count):
        noise = torch.randn(COEFFICIENTS, 1, FRAMES + 3, generator=g)
        tracks = F.avg_pool1d(noise, 4, stride=1).squeeze(1)
        tracks = tracks / tracks.std(dim=1, keepdim=True).clamp_min(1e-6)
        start = int(torch.randint(0, FRAMES // 2, (1,), generator=g))
        length = int(torch.randint(FRAMES // 5, FRAMES // 2, (1,), generator=g))
        envelope = torch.full((FRAMES,), 0.3)
        envelope[start:start + length] = 1.0
        clips.append((tracks * envelope).t().unsqueeze(0).contiguous())
    return clips


CONV_CHANNELS, HIDDEN = 32, 64


class CrnnKws(nn.Module):
    """The zoo's CRNN keyword spotter: strided Conv1d + ReLU over time, one recurrent layer
    (`recurrent`: nn.LSTM or nn.GRU), linear on the last hidden state."""

    def __init__(self, recurrent: type[nn.Module]) -> None:
        super().__init__()
        self.conv = nn.Conv1d(COEFFICIENTS, CONV_CHANNELS, kernel_size=4, stride=3)
        self.recurrent = recurrent(CONV_CHANNELS, HIDDEN, batch_first=True)
        self.classifier = nn.Linear(HIDDEN, CLASSES)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        steps = torch.relu(self.conv(features.transpose(1, 2))).transpose(1, 2)
        sequence, _ = self.recurrent(steps)
        return self.classifier(sequence[:, -1])


def crnn_model_file(recurrent: type[nn.Module]):
    """A zoo model file's model, example_inputs and calibration_data for CrnnKws(recurrent)."""

    def model() -> nn.Module:
        torch.manual_seed(0)
        return CrnnKws(recurrent).eval()

    def example_inputs() -> tuple[torch.Tensor, ...]:
        return (mfcc_clips(1, seed=100)[0],)

    def calibration_data() -> list[tuple[torch.Tensor, ...]]:
        return [(clip,) for clip in mfcc_clips(16, seed=101)]

    return model, example_inputs, calibration_data
