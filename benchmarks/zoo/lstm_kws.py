"""LSTM keyword spotter at microcontroller size: a convolutional-recurrent (CRNN) KWS.

After "Hello Edge" (Zhang et al., 2017; ARM-software/ML-KWS-for-MCU), whose CRNN puts a
strided convolution in front of the recurrent layer so it runs over few time steps:
25 frames x 10 MFCCs (batch-first) -> Conv1d(10 -> 32, kernel 4, stride 3) + ReLU over time
(8 steps) -> one unidirectional LSTM layer (64 cells) -> linear on the last hidden state
to 12 classes (10 words, silence, unknown). Random weights (PyTorch's default
initialisation, seeded); no BatchNorm to re-estimate.
"""

from __future__ import annotations

import torch
from torch import nn

from _kws_features import CLASSES, COEFFICIENTS, mfcc_clips  # this folder is on sys.path (CLI, zoo.py)

CONV_CHANNELS, HIDDEN = 32, 64


class LstmKws(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv1d(COEFFICIENTS, CONV_CHANNELS, kernel_size=4, stride=3)
        self.lstm = nn.LSTM(CONV_CHANNELS, HIDDEN, batch_first=True)
        self.classifier = nn.Linear(HIDDEN, CLASSES)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        steps = torch.relu(self.conv(features.transpose(1, 2))).transpose(1, 2)
        sequence, _ = self.lstm(steps)
        return self.classifier(sequence[:, -1])


def model() -> nn.Module:
    torch.manual_seed(0)
    return LstmKws().eval()


def example_inputs() -> tuple[torch.Tensor, ...]:
    return (mfcc_clips(1, seed=100)[0],)


def calibration_data() -> list[tuple[torch.Tensor, ...]]:
    return [(clip,) for clip in mfcc_clips(16, seed=101)]
