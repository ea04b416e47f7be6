"""The torchmcu operator library: importing it registers every `torchmcu::` op.

One module per op (schema, reference, meta); see docs/ops.md.
"""

from torchmcu.ops import (  # noqa: F401  (registration happens on import)
    adaptive_pool2d,
    add,
    avg_pool2d,
    batch_matmul,
    cat,
    conv2d,
    depthwise_conv2d,
    dequantize_per_tensor,
    layer_norm,
    linear,
    log_softmax,
    lstm,
    lut,
    max_pool2d,
    maximum,
    minimum,
    mul,
    pad,
    prelu,
    quantize_per_tensor,
    quantize_per_tensor_nhwc,
    reduce_extremum,
    reduce_sum,
    slice,
    softmax,
    transpose,
    transpose_conv2d,
    upsample_bilinear2d,
)
from torchmcu.ops._library import all_ops, is_torchmcu_op, named_args

__all__ = ["all_ops", "is_torchmcu_op", "named_args"]
