"""voice_activity: a conv1d voice-activity detector on 1024 raw audio samples (64 ms at 16 kHz).

A learned filter bank (Conv1d, 32-sample windows, hop 16) feeds three conv1d blocks, one of them a
depthwise + pointwise pair, and a 1x1 conv with a sigmoid gives a speech probability per frame
(16 frames). Every layer is a Conv1d, lowered onto CMSIS-NN's conv2d and depthwise kernels as
(N, C, 1, W). Weights are seeded, not trained; the example input is a synthetic voiced burst.
"""

import math

import torch
from torch import nn

SAMPLES = 1024


class VoiceActivity(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(1, 16, 32, stride=16, padding=8), nn.ReLU(),  # 1024 samples -> 64 frames
            nn.Conv1d(16, 32, 3, stride=2, padding=1), nn.ReLU(),  # 32 frames
            nn.Conv1d(32, 32, 3, stride=2, padding=1, groups=32), nn.ReLU(),  # 16 frames, depthwise
            nn.Conv1d(32, 32, 1), nn.ReLU(),
        )
        self.decoder = nn.Sequential(nn.Conv1d(32, 1, 1), nn.Sigmoid())

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.features(audio))


def _audio(count: int, seed: int) -> list[torch.Tensor]:
    """Noise with a voiced burst (a 120-250 Hz pulse train with harmonics) somewhere in the window."""
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(SAMPLES) / 16000.0
    waves = []
    for _ in range(count):
        pitch = 120.0 + 130.0 * float(torch.rand(1, generator=g))
        voiced = sum(math.pow(0.6, h) * torch.sin(2 * math.pi * pitch * (h + 1) * t) for h in range(5))
        start = int(torch.randint(0, SAMPLES // 2, (1,), generator=g))
        envelope = torch.zeros(SAMPLES)
        envelope[start:start + SAMPLES // 3] = 1.0
        wave = 0.4 * voiced * envelope + 0.05 * torch.randn(SAMPLES, generator=g)
        waves.append(wave.reshape(1, 1, SAMPLES))
    return waves


def model() -> nn.Module:
    torch.manual_seed(0)
    return VoiceActivity().eval()


def example_inputs():
    return (_audio(1, seed=100)[0],)


def calibration_data():
    return [(wave,) for wave in _audio(16, seed=101)]
