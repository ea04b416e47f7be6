"""Wav2Letter acoustic model (a small one): a fully convolutional 1-D network from speech features to
per-frame character log-probabilities.

Reproduces Wav2Letter (Collobert et al., "Wav2Letter: an End-to-End ConvNet-based Speech Recognition
System", 2016) in the layout of torchaudio.models.Wav2Letter for MFCC input (and of the Arm ML-Zoo
int8 Wav2Letter): a strided wide first conv, a stack of same-length convs, one wide-context conv, two
1x1 convs, ReLU after each hidden layer, log_softmax over the 29 classes (a-z, apostrophe, space,
CTC blank). Input 1x39x100: 13 MFCCs + deltas + delta-deltas over 100 frames (1 s at 10 ms hop);
output 1x29x50.

Scaled to MCU size on purpose: 64 / 128 channels instead of 250 / 2000, four middle convs instead of
seven, and the kernel-32 wide-context layer written as a kernel-7 conv with dilation 4 (receptive field
25 frames), so the zoo has one dilated conv1d. The final layer has no ReLU (torchaudio adds one before
log_softmax; the paper does not).
"""

from __future__ import annotations

import torch
from torch import nn

try:  # imported as tests.models.wav2letter
    from ._synthetic import he_init, smooth_trajectories
except ImportError:  # loaded from its path by the torchmcu CLI, which puts this folder on sys.path
    from _synthetic import he_init, smooth_trajectories

FEATURES, FRAMES, CLASSES = 39, 100, 29
CHANNELS, WIDE_CHANNELS = 64, 128


class Wav2Letter(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [nn.Conv1d(FEATURES, CHANNELS, kernel_size=11, stride=2, padding=5), nn.ReLU()]  # 100 -> 50 frames
        for _ in range(4):
            layers += [nn.Conv1d(CHANNELS, CHANNELS, kernel_size=7, padding=3), nn.ReLU()]
        layers += [
            nn.Conv1d(CHANNELS, WIDE_CHANNELS, kernel_size=7, dilation=4, padding=12), nn.ReLU(),  # wide context
            nn.Conv1d(WIDE_CHANNELS, WIDE_CHANNELS, kernel_size=1), nn.ReLU(),
            nn.Conv1d(WIDE_CHANNELS, CLASSES, kernel_size=1),
        ]
        self.acoustic_model = nn.Sequential(*layers)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return torch.log_softmax(self.acoustic_model(features), dim=1)  # over classes, per frame


def model() -> nn.Module:
    torch.manual_seed(0)
    return he_init(Wav2Letter()).eval()


def _deltas(features: torch.Tensor) -> torch.Tensor:
    """First-order regression deltas over time with N = 2 (the HTK / librosa formula), edge-padded."""
    padded = torch.cat([features[:, :1], features[:, :1], features, features[:, -1:], features[:, -1:]], dim=1)
    frames = features.shape[1]
    return sum(n * (padded[:, 2 + n:2 + n + frames] - padded[:, 2 - n:2 - n + frames]) for n in (1, 2)) / 10.0


def _utterances(count: int, seed: int) -> list[torch.Tensor]:
    """MFCC + delta + delta-delta features, normalised per utterance (CMVN), as ASR front ends feed
    Wav2Letter: smooth cepstral tracks with larger low-order coefficients, and speech / pause structure."""
    g = torch.Generator().manual_seed(seed)
    spread = 1.0 / (1.0 + torch.arange(13, dtype=torch.float32)) ** 0.5
    utterances = []
    for _ in range(count):
        mfcc = spread[:, None] * smooth_trajectories(13, FRAMES, g, smoothing=3)
        pause = int(torch.randint(20, 80, (1,), generator=g))
        mfcc[:, pause:pause + 15] *= 0.2  # a short pause between words
        mfcc[0] += torch.linspace(-0.5, 0.5, FRAMES) * torch.randn(1, generator=g)  # loudness drift
        delta = _deltas(mfcc)
        features = torch.cat([mfcc, delta, _deltas(delta)])
        features = (features - features.mean(dim=1, keepdim=True)) / features.std(dim=1, keepdim=True)
        utterances.append(features.reshape(1, FEATURES, FRAMES).contiguous())
    return utterances


def example_inputs() -> tuple[torch.Tensor, ...]:
    return (_utterances(1, seed=100)[0],)


def calibration_data() -> list[tuple[torch.Tensor, ...]]:
    return [(utterance,) for utterance in _utterances(12, seed=101)]
