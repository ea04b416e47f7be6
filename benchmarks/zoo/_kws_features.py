"""Keyword-spotting features for the recurrent zoo models: 25 frames x 10 MFCCs, normalised.

The LSTM/GRU keyword spotters of "Hello Edge" (Zhang et al., 2017; ARM-software/ML-KWS-for-MCU)
read 1 s of audio as 25 frames (40 ms window, 40 ms stride) of 10 MFCCs, mean/variance-normalised
per coefficient as their front ends do.
Here each coefficient is a slowly varying random track, stronger while a "word" is spoken.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

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
