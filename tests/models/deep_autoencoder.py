"""Deep AutoEncoder for machine-sound anomaly detection, as in the MLPerf Tiny "AD" reference model.

Reproduces `get_model` of mlcommons/tiny (benchmark/training/anomaly_detection/keras_model.py, the
DCASE 2020 Task 2 baseline): input 640 = 5 consecutive frames x 128 log-mel bins, encoder of four
Dense(128) + BN + ReLU, a Dense(8) + BN + ReLU bottleneck, a mirrored decoder of four Dense(128) +
BN + ReLU, and Dense(640) reconstructing the input. The anomaly score (reconstruction error) is
computed outside the model. Dense layers keep their bias before BN (Keras default). Input 1x640.
"""

from __future__ import annotations

import torch
from torch import nn

try:  # imported as tests.models.deep_autoencoder
    from ._synthetic import fit_batchnorm, smooth_trajectories
except ImportError:  # loaded from its path by the torchmcu CLI, which puts this folder on sys.path
    from _synthetic import fit_batchnorm, smooth_trajectories

MELS, FRAMES, HIDDEN, BOTTLENECK = 128, 5, 128, 8
INPUT = MELS * FRAMES


def _dense_bn_relu(in_features: int, out_features: int) -> list[nn.Module]:
    return [nn.Linear(in_features, out_features), nn.BatchNorm1d(out_features), nn.ReLU()]


def model() -> nn.Module:
    torch.manual_seed(0)
    widths = [INPUT, HIDDEN, HIDDEN, HIDDEN, HIDDEN, BOTTLENECK, HIDDEN, HIDDEN, HIDDEN, HIDDEN]
    layers = []
    for in_features, out_features in zip(widths[:-1], widths[1:]):
        layers += _dense_bn_relu(in_features, out_features)
    layers.append(nn.Linear(HIDDEN, INPUT))  # reconstruction: linear output, no BN / activation
    return fit_batchnorm(nn.Sequential(*layers), calibration_data(), seed=1)


def _log_mel_windows(count: int, seed: int) -> list[torch.Tensor]:
    """Windows of 5 log-mel frames (dB, 10*log10 of mel power, as the DCASE front end computes it)
    of a running machine: a spectral envelope falling with frequency, a few stationary tonal peaks
    (motor / fan harmonics), and slow frame-to-frame fluctuation. Flattened frame by frame, as the
    reference `file_to_vector_array` does."""
    g = torch.Generator().manual_seed(seed)
    mel = torch.arange(MELS, dtype=torch.float32)
    windows = []
    for _ in range(count):
        level = -20.0 + 10.0 * torch.randn(1, generator=g)  # recording gain differs per machine
        envelope = level - 30.0 * mel / MELS  # roughly pink: quieter at high frequency
        for _peak in range(3):
            centre = float(torch.randint(4, MELS - 4, (1,), generator=g))
            envelope = envelope + 15.0 * torch.exp(-((mel - centre) / 1.5) ** 2)
        fluctuation = smooth_trajectories(MELS, FRAMES, g, smoothing=2).T  # (frame, mel)
        frames = envelope + 3.0 * fluctuation
        windows.append(frames.reshape(1, INPUT).contiguous())
    return windows


def example_inputs() -> tuple[torch.Tensor, ...]:
    return (_log_mel_windows(1, seed=100)[0],)


def calibration_data() -> list[tuple[torch.Tensor, ...]]:
    return [(window,) for window in _log_mel_windows(16, seed=101)]
