"""A 1-D conv audio encoder (log-mel frames in, one embedding out), ending in a mean over time.

Four Conv1d + BatchNorm + ReLU blocks (two strided) over 40 mel bands x 100 frames, then
x.mean(dim=2): the average over time of an [N, C, L] map, as keyword-spotting and speaker
encoders end.
"""

import torch
from torch import nn

from _zoo_common import CALIBRATION_SAMPLES, reestimate_batch_norm

BANDS, FRAMES = 40, 100


class AudioEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        layers, width = [], BANDS
        for out, stride in ((64, 1), (64, 2), (96, 1), (128, 2)):
            layers += [nn.Conv1d(width, out, 3, stride=stride, padding=1), nn.BatchNorm1d(out), nn.ReLU()]
            width = out
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, 32)

    def forward(self, x):
        return self.head(self.body(x).mean(dim=2))


def _frames(count: int, seed: int) -> list[tuple[torch.Tensor]]:
    g = torch.Generator().manual_seed(seed)
    # Log-mel energies: a per-band level plus a slowly varying envelope and noise.
    level = torch.linspace(1.0, -1.0, BANDS)[None, :, None]
    return [(level + torch.randn(1, 1, FRAMES, generator=g).cumsum(-1) * 0.1 + 0.3 * torch.randn(1, BANDS, FRAMES,
                                                                                                  generator=g),)
            for _ in range(count)]


def example_inputs():
    return _frames(1, seed=1)[0]


def calibration_data():
    return _frames(CALIBRATION_SAMPLES, seed=2)


def model():
    torch.manual_seed(0)
    return reestimate_batch_norm(AudioEncoder(), calibration_data())
