"""torchmcu::quantize_per_tensor_nhwc: float32 NCHW -> int8 NHWC at the model input, in one pass.

The model input's quantize followed by the NCHW->NHWC transpose every 4-D image input needs
(FuseInputQuantizeTransposePass): the same numbers as quantize_per_tensor, written channels-last.
"""

import torch

from torchmcu.ops._library import define_op
from torchmcu.ops.quantize_per_tensor import quantize_per_tensor

TO_NHWC = (0, 2, 3, 1)


def _reference(input: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    return quantize_per_tensor.reference(input, scale, zero_point).permute(TO_NHWC).contiguous()


def _meta(input: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    if input.dim() != 4:
        raise ValueError(f"quantize_per_tensor_nhwc takes a 4-D NCHW input, got {input.dim()}-D")
    return torch.empty([input.shape[p] for p in TO_NHWC], dtype=torch.int8, device=input.device)


quantize_per_tensor_nhwc = define_op(
    "quantize_per_tensor_nhwc", "Tensor input, float scale, int zero_point", _reference, _meta
)
