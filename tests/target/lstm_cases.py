"""torchmcu::lstm cases for the harness: random float LSTM layers quantized as the lowering would."""

from __future__ import annotations

import functools

import numpy as np
import torch

import torchmcu.ops  # noqa: F401  (registers torch.ops.torchmcu)
from tests.target.harness import ROLE_INPUT, ROLE_OUTPUT, ROLE_SCRATCH, Case, cmsis_nn_path
from torchmcu.lowering.lstm_quantization import lstm_arguments
from torchmcu.lstm_fusion import int16_table
from torchmcu.ops import lstm as lstm_op

PARAMS = ("time_major", "batch", "time_steps", "input_size", "hidden_size", "input_offset", "output_offset",
          "forget_to_cell_multiplier", "forget_to_cell_shift", "input_to_cell_multiplier", "input_to_cell_shift",
          "cell_clip", "cell_scale_power", "output_multiplier", "output_shift")
TENSORS = ("input_weights", "input_bias", "hidden_weights", "hidden_bias", "gate_multiplier", "gate_shift",
           "sigmoid_table")


@functools.lru_cache(maxsize=None)
def sigmoid_table() -> torch.Tensor:
    """The table programs carry: read from CMSIS_NN_PATH's checkout as the compiler reads it. Without a
    checkout (portable runs only) sigmoid(i / 24) in Q16, rounded: the portable kernel and the reference
    interpolate any table alike, and the CMSIS-NN kernel, which only takes its own, is not built then."""
    checkout = cmsis_nn_path()
    if checkout is not None:
        from torchmcu.cmsis_nn_checkout import CheckoutSizer

        return int16_table(CheckoutSizer(checkout).sigmoid_table())
    steps = torch.arange(256, dtype=torch.float64) / 24
    return int16_table(torch.clamp(torch.round(torch.sigmoid(steps) * 65536), max=65535).tolist())


def lstm_case(rng, batch: int | None = None, time_steps: int | None = None, input_size: int | None = None,
              hidden_size: int | None = None, time_major: bool | None = None) -> Case:
    """A layer with random weights, scales, zero points, cell range, layout and (sometimes) a cell clip."""
    b = batch or int(rng.integers(1, 4))
    steps = time_steps or int(rng.integers(1, 7))
    i = input_size or int(rng.integers(1, 25))
    h = hidden_size or int(rng.integers(1, 21))
    major = bool(rng.integers(0, 2)) if time_major is None else time_major
    bound = 1.5 / np.sqrt(h)
    w_ih, w_hh = (torch.tensor(rng.uniform(-bound, bound, shape), dtype=torch.float32)
                  for shape in ((4 * h, i), (4 * h, h)))
    b_ih, b_hh = (torch.tensor(rng.uniform(-bound, bound, 4 * h), dtype=torch.float32) for _ in range(2))
    qparams = [(float(rng.uniform(0.005, 0.05)), int(rng.integers(-128, 128))) for _ in range(2)]
    args = lstm_arguments(w_ih, w_hh, b_ih, b_hh, qparams[0], qparams[1], float(rng.uniform(0.25, 8.0)), major)
    args["sigmoid_table"] = sigmoid_table()
    if rng.integers(0, 4) == 0:
        args["cell_clip"] = int(rng.integers(1, 32768))
    x = rng.integers(-128, 128, (steps, b, i) if major else (b, steps, i), dtype=np.int8)
    expected = torch.ops.torchmcu.lstm(torch.from_numpy(x), **args).numpy()
    dims = {"batch": b, "time_steps": steps, "input_size": i, "hidden_size": h}
    params = [int(dims[name]) if name in dims else int(args[name]) for name in PARAMS]
    buffers = [(ROLE_INPUT, x)] + [(ROLE_INPUT, args[name].numpy()) for name in TENSORS]
    buffers += [(ROLE_OUTPUT, expected.nbytes), (ROLE_SCRATCH, lstm_op.scratch_bytes(b, h))]
    return Case("lstm", params, buffers, [expected],
                f"lstm x{list(x.shape)} hidden {h} time_major={int(major)} clip={args['cell_clip']}")
