"""torchmcu::reduce_extremum: int8 max (largest=1) or min (largest=0) over a set of axes.

amax/amin share their input's qparams, so the kernel only compares raw int8.
Reduced axes stay as size 1 (keepdim); CMSIS-NN has no reduction, so both
backends run one kernel (kernels/nn/common).
"""

import torch

from torchmcu.ops._library import define_op

ARGUMENTS = "Tensor input, int[] dims, int largest"


def _reference(input, dims, largest):
    reduce = torch.amax if largest else torch.amin
    return reduce(input, dim=list(dims), keepdim=True)


def _meta(input, dims, largest):
    reduced = {d % input.dim() for d in dims}
    return input.new_empty([1 if i in reduced else s for i, s in enumerate(input.shape)], dtype=torch.int8)


reduce_extremum = define_op("reduce_extremum", ARGUMENTS, _reference, _meta)
