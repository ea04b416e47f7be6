"""DS-CNN keyword spotting, as in the MLPerf Tiny "KWS" reference model.

Reproduces `ds_cnn` of mlcommons/tiny (benchmark/training/keyword_spotting/keras_model.py, from
Zhang et al., "Hello Edge: Keyword Spotting on Microcontrollers", 2017): a 10x4 stride-2 conv with 64
filters + BN + ReLU, four depthwise-separable blocks (depthwise 3x3 + BN + ReLU, pointwise 1x1 + BN +
ReLU), average pool, dense to 12 classes (10 words, silence, unknown). Input: 49 frames x 10 MFCCs,
as a 1x1x49x10 image (time on H, cepstral coefficient on W).

Differences from the Keras reference, on purpose:
- Keras pads the first conv 'same' (4 rows above, 5 below); here symmetric padding (5, 1) gives the
  same 25x5 output shape without a separate pad op. Weights are not trained, so alignment is moot.
- The final softmax is left out: the model returns logits.
- Dropout (identity at inference) is left out.
Kept on purpose: convs before BN have a bias (Keras default), so BN folding must fold into an
existing bias; and the average pool is 24x5 over a 25x5 map, exactly as the reference computes it
(pool = input // 2), so the last time step is dropped.
"""

from __future__ import annotations

import torch
from torch import nn

try:  # imported as tests.models.ds_cnn
    from ._synthetic import fit_batchnorm, smooth_trajectories
except ImportError:  # loaded from its path by the torchmcu CLI, which puts this folder on sys.path
    from _synthetic import fit_batchnorm, smooth_trajectories

FRAMES, COEFFICIENTS, FILTERS, CLASSES = 49, 10, 64, 12


def _depthwise_separable(channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(channels, channels, kernel_size=3, padding=1, groups=channels),
        nn.BatchNorm2d(channels),
        nn.ReLU(),
        nn.Conv2d(channels, channels, kernel_size=1),
        nn.BatchNorm2d(channels),
        nn.ReLU(),
    )


def model() -> nn.Module:
    torch.manual_seed(0)
    network = nn.Sequential(
        nn.Conv2d(1, FILTERS, kernel_size=(10, 4), stride=2, padding=(5, 1)),  # 49x10 -> 25x5
        nn.BatchNorm2d(FILTERS),
        nn.ReLU(),
        *[_depthwise_separable(FILTERS) for _ in range(4)],
        nn.AvgPool2d(kernel_size=(FRAMES // 2, COEFFICIENTS // 2)),  # 25x5 -> 1x1, as in the reference
        nn.Flatten(),
        nn.Linear(FILTERS, CLASSES),
    )
    return fit_batchnorm(network, calibration_data(), seed=1)


def _mfcc_clips(count: int, seed: int) -> list[torch.Tensor]:
    """MFCC-like clips: c0 (log energy) large and swinging between silence and speech, higher
    coefficients smaller and faster-varying, all varying smoothly over the 49 frames (1 s of audio,
    20 ms hop) — the unnormalised features the MLPerf KWS front end (TF mfcc) produces."""
    g = torch.Generator().manual_seed(seed)
    spread = torch.tensor([12.0, 6.0, 4.0, 3.0, 2.5, 2.0, 1.6, 1.3, 1.1, 1.0])  # per coefficient
    clips = []
    for _ in range(count):
        offset = torch.randn(COEFFICIENTS, generator=g) * spread * 0.5
        offset[0] -= 10.0  # log energy sits well below zero
        tracks = smooth_trajectories(COEFFICIENTS, FRAMES, g, smoothing=4)  # (coefficient, frame)
        # A spoken word in the middle of the clip: energy rises for 10-30 frames.
        start = int(torch.randint(0, 20, (1,), generator=g))
        length = int(torch.randint(10, 30, (1,), generator=g))
        envelope = torch.zeros(FRAMES)
        envelope[start:start + length] = 1.0
        features = offset[:, None] + spread[:, None] * tracks * (0.4 + envelope)
        features[0] += 15.0 * envelope
        clips.append(features.T.reshape(1, 1, FRAMES, COEFFICIENTS).contiguous())
    return clips


def example_inputs() -> tuple[torch.Tensor, ...]:
    return (_mfcc_clips(1, seed=100)[0],)


def calibration_data() -> list[tuple[torch.Tensor, ...]]:
    return [(clip,) for clip in _mfcc_clips(12, seed=101)]
