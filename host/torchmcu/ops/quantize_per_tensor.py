"""torchmcu::quantize_per_tensor: float32 -> int8 at the model boundary."""

import numpy as np
import torch

from torchmcu.ops._library import define_op


def _reference(input: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    # The kernel multiplies by 1.0f/scale in float32 and rounds half to even
    # (nearbyintf), so the reference does exactly that. Non-finite inputs are
    # defined (docs/numerics.md): +-Inf saturate to 127/-128, NaN becomes the
    # zero point (the quantized 0.0), in every backend.
    inverse_scale = np.float32(1.0) / np.float32(scale)
    scaled = input.to(torch.float32) * torch.tensor(inverse_scale, dtype=torch.float32)
    clamped = torch.clamp(torch.round(scaled) + zero_point, -128, 127)
    return torch.where(torch.isnan(clamped), float(zero_point), clamped).to(torch.int8).contiguous()


def _meta(input: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    # Contiguous whatever the float input's strides (a float permute left before it): the kernel writes
    # dense int8, and views of the result must see it so.
    return torch.empty(input.shape, dtype=torch.int8, device=input.device)


quantize_per_tensor = define_op(
    "quantize_per_tensor", "Tensor input, float scale, int zero_point", _reference, _meta
)
