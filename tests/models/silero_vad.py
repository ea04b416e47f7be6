"""Silero-VAD-style voice activity detector on raw 16 kHz audio.

Reproduces the structure of Silero VAD v5 (snakers4/silero-vad; 16 kHz branch): the STFT is a Conv1d
with in_channels = 1 whose fixed weights are a Hann-windowed DFT basis (filter length 256, hop 128,
129 frequency bins, real and imaginary rows), followed by an encoder of four Conv1d(kernel 3) + ReLU
blocks (129->128, 128->64 stride 2, 64->64 stride 2, 64->128) and a decoder Conv1d(128, 1, 1) +
sigmoid giving a speech probability per output frame. Input 1x1x1536 (96 ms), output 1x1x3.

Differences from Silero, on purpose (int8-friendly, and so the model is one static graph):
- No magnitude (sqrt(re^2 + im^2)) after the STFT: the encoder takes the 258 real / imaginary rows
  directly (so its first conv is 258 -> 128). No reflection padding before the STFT.
- Silero runs an LSTMCell between encoder and decoder with state carried across calls. Here the
  recurrence is optional: `model(lstm=True)` inserts an nn.LSTM over the 3 frames of this window
  (state starts at zero each call) followed by ReLU, as Silero's decoder does; the default is without.
- Output is the per-frame probability, not reduced to one number.
The DFT basis has rows that are (numerically) zero: the imaginary part of the DC and Nyquist bins, as
in Silero itself; a per-channel weight quantizer must cope with an all-zero output channel.
"""

from __future__ import annotations

import math

import torch
from torch import nn

try:  # imported as tests.models.silero_vad
    from ._synthetic import he_init, speech_like_audio
except ImportError:  # loaded from its path by the torchmcu CLI, which puts this folder on sys.path
    from _synthetic import he_init, speech_like_audio

SAMPLES, FILTER_LENGTH, HOP = 1536, 256, 128
BINS = FILTER_LENGTH // 2 + 1  # 129


def stft_basis() -> torch.Tensor:
    """(2 * BINS, 1, FILTER_LENGTH) Conv1d weight: Hann-windowed cos rows then -sin rows, i.e. the real and
    imaginary parts of the DFT of each frame, as Silero's `forward_basis_buffer`."""
    n = torch.arange(FILTER_LENGTH, dtype=torch.float64)
    k = torch.arange(BINS, dtype=torch.float64)[:, None]
    window = torch.hann_window(FILTER_LENGTH, periodic=True, dtype=torch.float64)
    angle = 2 * math.pi * k * n / FILTER_LENGTH
    basis = torch.cat([torch.cos(angle), -torch.sin(angle)]) * window
    return basis.to(torch.float32).unsqueeze(1)


class SileroVad(nn.Module):
    def __init__(self, lstm: bool = False):
        super().__init__()
        self.stft = nn.Conv1d(1, 2 * BINS, FILTER_LENGTH, stride=HOP, bias=False)  # 1536 samples -> 11 frames
        self.encoder = nn.Sequential(
            nn.Conv1d(2 * BINS, 128, 3, padding=1), nn.ReLU(),
            nn.Conv1d(128, 64, 3, stride=2, padding=1), nn.ReLU(),  # 11 -> 6 frames
            nn.Conv1d(64, 64, 3, stride=2, padding=1), nn.ReLU(),  # 6 -> 3 frames
            nn.Conv1d(64, 128, 3, padding=1), nn.ReLU(),
        )
        self.lstm = nn.LSTM(128, 128, batch_first=True) if lstm else None
        self.decoder = nn.Sequential(nn.Conv1d(128, 1, 1), nn.Sigmoid())

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        x = self.encoder(self.stft(audio))
        if self.lstm is not None:
            x, _ = self.lstm(x.transpose(1, 2))  # (N, frames, 128): the LSTM wants time before features
            x = torch.relu(x.transpose(1, 2))
        return self.decoder(x)


def model(lstm: bool = False) -> nn.Module:
    torch.manual_seed(0)
    network = he_init(SileroVad(lstm))
    with torch.no_grad():
        network.stft.weight.copy_(stft_basis())  # fixed, not learned: a signal-processing front end
    network.stft.weight.requires_grad_(False)
    return network.eval()


def example_inputs() -> tuple[torch.Tensor, ...]:
    return (speech_like_audio(1, seed=100, samples=SAMPLES)[0],)


def calibration_data() -> list[tuple[torch.Tensor, ...]]:
    return [(wave,) for wave in speech_like_audio(12, seed=101, samples=SAMPLES)]
