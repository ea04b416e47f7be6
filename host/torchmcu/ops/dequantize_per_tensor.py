"""torchmcu::dequantize_per_tensor: int8 -> float32 at the model boundary."""

import numpy as np
import torch

from torchmcu.ops._library import define_op


def _reference(input: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    centered = (input.to(torch.int32) - zero_point).to(torch.float32)
    return centered * torch.tensor(np.float32(scale), dtype=torch.float32)


def _meta(input: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    return torch.empty_like(input, dtype=torch.float32)


dequantize_per_tensor = define_op(
    "dequantize_per_tensor", "Tensor input, float scale, int zero_point", _reference, _meta
)
