"""torchmcu::reduce_sum: requantized int8 sum over a set of axes (mean and sum).

acc = sum over `dims` of (x + input_offset), exact in int32 (at most 2^23 terms);
out = clamp(arm_nn_requantize(acc, multiplier, shift) + output_offset). A mean is
a sum whose multiplier carries 1/count. Reduced axes stay as size 1 (keepdim);
CMSIS-NN has no reduction, so both backends run one kernel (kernels/nn/common).
"""

import torch

from torchmcu import qmath
from torchmcu.ops._library import define_op

ARGUMENTS = "Tensor input, int[] dims, int input_offset, int output_offset, int multiplier, int shift"
MAX_TERMS = 1 << 23  # 255 * 2^23 < 2^31: the int32 accumulator cannot overflow


def _reference(input, dims, input_offset, output_offset, multiplier, shift):
    total = (input.to(torch.int64) + input_offset).sum(dim=list(dims), keepdim=True)
    return qmath.clamp_int8(qmath.requantize(total, multiplier, shift) + output_offset).to(torch.int8)


def _meta(input, dims, input_offset, output_offset, multiplier, shift):
    reduced = {d % input.dim() for d in dims}
    return input.new_empty([1 if i in reduced else s for i, s in enumerate(input.shape)], dtype=torch.int8)


reduce_sum = define_op("reduce_sum", ARGUMENTS, _reference, _meta)
