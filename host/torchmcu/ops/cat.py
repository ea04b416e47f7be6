"""torchmcu::cat: int8 tensors of rank <= 4 concatenated along `dim` (shared qparams).

The lowering gives every input the output's quantization (the quantizer
shares one observer), so concatenation only moves bytes. CMSIS-NN has no
such kernel; both backends share one (kernels/nn/common/cat.c).
"""

import torch

from torchmcu.ops._library import define_op


def _reference(inputs, dim):
    return torch.cat(list(inputs), dim)


def _meta(inputs, dim):
    return torch.cat(list(inputs), dim)


cat = define_op("cat", "Tensor[] inputs, int dim", _reference, _meta)
