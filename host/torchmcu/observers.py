"""Activation observers: how an activation's int8 range is chosen from calibration data.

* "minmax" (the default): the smallest range holding every calibration value.
  One outlier stretches the int8 step for every other value.
* "mse": the range minimizing the expected squared quantization error over the
  calibration values: rounding noise (step^2 / 12 per value inside the range)
  plus the squared distance of every value outside it to the nearest end.
  Calibration runs twice: the first pass finds min/max, the second fills a
  histogram over that range, and the range is then searched on the histogram.

Either way only the scales and zero points change; the kernels and their
arithmetic do not.
"""

from __future__ import annotations

import torch
from torchao.quantization.pt2e.observer import MinMaxObserver

ACTIVATION_RANGES = ("minmax", "mse")
# Histogram resolution over the first pass's [min, max]: fine against an int8
# step even when the chosen range is a small part of the observed one.
HISTOGRAM_BINS = 2048
INT8_STEPS = 255


def mse_range(histogram: torch.Tensor, low: float, high: float) -> tuple[float, float]:
    """The [lo, hi] (bin edges, lo <= 0 <= hi) minimizing int8 quantization MSE of `histogram` over [low, high].

    Values in a bin count at its centre. Inside [lo, hi] each value costs
    step^2 / 12 (step = (hi - lo) / 255); below lo it costs (lo - x)^2, above
    hi (x - hi)^2. Prefix sums make every (lo, hi) pair O(1); all are tried.
    """
    counts = histogram.to(torch.float64)
    bins = counts.numel()
    width = (high - low) / bins
    if width <= 0 or counts.sum() == 0:
        return low, high
    edges = low + width * torch.arange(bins + 1, dtype=torch.float64)
    centres = edges[:-1] + width / 2
    # below[k]: the bins under edge k; their count, sum and sum of squares.
    zero = torch.zeros(1, dtype=torch.float64)
    n_below = torch.cat([zero, counts.cumsum(0)])
    s1_below = torch.cat([zero, (counts * centres).cumsum(0)])
    s2_below = torch.cat([zero, (counts * centres**2).cumsum(0)])
    total, s1, s2 = n_below[-1], s1_below[-1], s2_below[-1]
    # The range must hold 0 (its zero point is an int8 value): an all-positive histogram starts at lo = 0
    # (edge 0 clamped, nothing below it), an all-negative one ends at hi = 0.
    lows = torch.nonzero(edges <= 0).flatten() if low <= 0 else torch.tensor([0])
    highs = torch.nonzero(edges >= 0).flatten() if high >= 0 else torch.tensor([bins])
    lo_edge, hi_edge = edges.clamp(max=0), edges.clamp(min=0)
    lo, hi = lo_edge[lows], hi_edge[highs]
    clip_low = n_below[lows] * lo**2 - 2 * lo * s1_below[lows] + s2_below[lows]
    n_above = total - n_below[highs]
    s1_above, s2_above = s1 - s1_below[highs], s2 - s2_below[highs]
    clip_high = n_above * hi**2 - 2 * hi * s1_above + s2_above
    inside = total - n_below[lows][:, None] - n_above[None, :]
    step = (hi[None, :] - lo[:, None]) / INT8_STEPS
    cost = clip_low[:, None] + clip_high[None, :] + inside * step**2 / 12
    best = int(torch.argmin(cost))  # first minimum: the same choice on every machine
    row, column = divmod(best, highs.numel())
    return float(lo[row]), float(hi[column])


class MseObserver(MinMaxObserver):
    """Min/max on the first calibration pass, a histogram on the second, then the MSE-optimal range."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Integer counts: exact, and left alone when calibration moves the graph between float dtypes.
        self.register_buffer("histogram", torch.zeros(0, dtype=torch.int64))
        self.filling = False

    def start_histogram(self) -> None:
        """Freeze the observed [min, max]; the next forwards fill a histogram over it."""
        self.histogram = torch.zeros(HISTOGRAM_BINS, dtype=torch.int64)
        self.filling = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.filling:
            return super().forward(x)
        low, high = float(self.min_val), float(self.max_val)
        if high > low:
            values = x.detach().to(torch.float64).clamp(low, high)
            self.histogram += torch.histc(values, bins=HISTOGRAM_BINS, min=low, max=high).to(torch.int64)
        return x

    def reset_min_max_vals(self) -> None:
        """A pass restarted (in float32): while filling, only the histogram starts again."""
        if self.filling:
            self.histogram.zero_()
        else:
            super().reset_min_max_vals()

    def choose_range(self) -> None:
        """Replace the observed min/max with the MSE-optimal range (once the histogram is full)."""
        if self.filling and self.histogram.numel():
            lo, hi = mse_range(self.histogram, float(self.min_val), float(self.max_val))
            self.min_val.fill_(lo)
            self.max_val.fill_(hi)
        self.filling = False


def histogram_observers(prepared: torch.nn.Module) -> list[MseObserver]:
    return [m for m in prepared.modules() if isinstance(m, MseObserver)]
