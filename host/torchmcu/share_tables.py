"""Serialize a program with each distinct tensor description stored once in the flatbuffer.

ExecuTorch's serializer writes every tensor value's table, its `sizes` and
`dim_order` vectors and its arena placement afresh, though a model has a few
distinct shapes: every [128] bias, multiplier and shift of a linear stack, and
every [1, 128] activation, repeat the same vectors. A flatbuffer may point at
one table or vector from many places (a tree of offsets may be a DAG), so an
equal tensor table, vector or placement is written once and referenced again.
The runtime parses each value into its own tensor as before: the program it
loads is unchanged, only stored once where it was stored many times.

Used while `serialize_pte_binary` runs (ExecuTorch 1.5.1 packs through the
generated object API, `TensorT.Pack`), and restored after.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from executorch.exir._serialize.generated.executorch_flatbuffer import Tensor as fb_tensor


def _tensor_key(tensor: fb_tensor.TensorT) -> tuple:
    info = tensor.allocationInfo
    placement = None if info is None else (info.memoryId, info.memoryOffsetLow, info.memoryOffsetHigh)
    return (tensor.scalarType, tensor.storageOffset, tuple(tensor.sizes or ()), tuple(tensor.dimOrder or ()),
            tensor.requiresGrad, tensor.dataBufferIdx, placement, tensor.layout, tensor.shapeDynamism)


@contextmanager
def shared_tensor_tables() -> Iterator[None]:
    """While active, `TensorT.Pack` writes each distinct table, vector and placement once per builder."""
    original_pack = fb_tensor.TensorT.Pack
    written: dict[tuple, int] = {}  # (builder id, what, content) -> offset in that builder

    def once(builder, what: str, content: tuple, write) -> int:
        key = (id(builder), what, content)
        if key not in written:
            written[key] = write()
        return written[key]

    def vector(builder, start, prepend, items: tuple) -> int:
        start(builder, len(items))
        for item in reversed(items):
            prepend(item)
        return builder.EndVector()

    def pack(tensor: fb_tensor.TensorT, builder) -> int:
        if tensor.extraTensorInfo is not None or tensor.sizes is None or tensor.dimOrder is None:
            return original_pack(tensor, builder)  # nothing torchmcu emits; ExecuTorch's own packing
        key = _tensor_key(tensor)
        return once(builder, "tensor", key, lambda: write_tensor(tensor, builder, key))

    def write_tensor(tensor: fb_tensor.TensorT, builder, key: tuple) -> int:
        sizes = once(builder, "sizes", key[2], lambda: vector(
            builder, fb_tensor.TensorStartSizesVector, builder.PrependInt32, key[2]))
        dim_order = once(builder, "dim_order", key[3], lambda: vector(
            builder, fb_tensor.TensorStartDimOrderVector, builder.PrependUint8, key[3]))
        placement = None
        if tensor.allocationInfo is not None:
            placement = once(builder, "placement", key[6], lambda: tensor.allocationInfo.Pack(builder))
        fb_tensor.TensorStart(builder)
        fb_tensor.TensorAddScalarType(builder, tensor.scalarType)
        fb_tensor.TensorAddStorageOffset(builder, tensor.storageOffset)
        fb_tensor.TensorAddSizes(builder, sizes)
        fb_tensor.TensorAddDimOrder(builder, dim_order)
        fb_tensor.TensorAddRequiresGrad(builder, tensor.requiresGrad)
        fb_tensor.TensorAddDataBufferIdx(builder, tensor.dataBufferIdx)
        if placement is not None:
            fb_tensor.TensorAddAllocationInfo(builder, placement)
        fb_tensor.TensorAddLayout(builder, tensor.layout)
        fb_tensor.TensorAddShapeDynamism(builder, tensor.shapeDynamism)
        return fb_tensor.TensorEnd(builder)

    with mock.patch.object(fb_tensor.TensorT, "Pack", pack):
        yield
