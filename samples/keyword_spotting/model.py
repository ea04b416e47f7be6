"""keyword_spotting: a small DS-CNN keyword spotter, 49 frames x 10 MFCC coefficients -> 12 keywords.

The architecture of the MLPerf Tiny keyword-spotting reference (Zhang et al., "Hello Edge", 2017),
narrowed to 32 filters and three depthwise-separable blocks: a 10x4 stride-2 convolution, then
depthwise 3x3 + pointwise 1x1 blocks (each with batch norm and ReLU), global average pooling and a
dense layer. Weights are seeded, not trained; batch-norm statistics come from the calibration clips,
so activations have realistic ranges. The example input is the clip the firmware bundles.
"""

import torch
from torch import nn

FRAMES, COEFFICIENTS, FILTERS, KEYWORDS = 49, 10, 32, 12


def _depthwise_separable(channels: int) -> list[nn.Module]:
    return [
        nn.Conv2d(channels, channels, 3, padding=1, groups=channels), nn.BatchNorm2d(channels), nn.ReLU(),
        nn.Conv2d(channels, channels, 1), nn.BatchNorm2d(channels), nn.ReLU(),
    ]


def _clips(count: int, seed: int) -> list[torch.Tensor]:
    """MFCC-like clips: smooth tracks over time, c0 (log energy) large with a louder 'word' in the middle."""
    g = torch.Generator().manual_seed(seed)
    scale = torch.tensor([12.0, 6.0, 4.0, 3.0, 2.5, 2.0, 1.6, 1.3, 1.1, 1.0])
    clips = []
    for _ in range(count):
        steps = torch.randn(FRAMES, COEFFICIENTS, generator=g)
        tracks = torch.cumsum(steps, dim=0) / FRAMES ** 0.5  # random walks: smooth in time
        start = int(torch.randint(5, 25, (1,), generator=g))
        word = torch.zeros(FRAMES, 1)
        word[start:start + 20] = 1.0
        features = scale * tracks * (0.5 + word)
        features[:, 0] += 15.0 * word[:, 0] - 10.0
        clips.append(features.reshape(1, 1, FRAMES, COEFFICIENTS))
    return clips


def model() -> nn.Module:
    torch.manual_seed(0)
    network = nn.Sequential(
        nn.Conv2d(1, FILTERS, (10, 4), stride=2, padding=(5, 1)), nn.BatchNorm2d(FILTERS), nn.ReLU(),  # 25x5
        *_depthwise_separable(FILTERS), *_depthwise_separable(FILTERS), *_depthwise_separable(FILTERS),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(FILTERS, KEYWORDS),
    )
    network.train()  # one pass over the calibration clips sets the batch-norm statistics
    with torch.no_grad():
        for module in network.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.momentum = None  # a plain average over the pass
        network(torch.cat([clip for (clip,) in calibration_data()]))
    return network.eval()


def example_inputs():
    return (_clips(1, seed=100)[0],)


def calibration_data():
    return [(clip,) for clip in _clips(16, seed=101)]
