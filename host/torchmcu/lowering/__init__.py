"""Lowering of quantized aten ops to `torchmcu::` ops, one small function per op.

A lowering function is registered for one or more aten targets with
`@register_lowering(...)`. It receives a `LoweringContext` and the aten node
whose float inputs come from dequantize nodes and whose (fused) output goes to
one quantize node. It returns the int8 node that replaces that quantize node,
or raises `NotLowerable` with the reason, in which case the op stays as a
portable float op and is reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch
from torch.fx import GraphModule, Node

import torch.ao.quantization.fx._decomposed  # noqa: F401  (registers quantized_decomposed::)

from torchmcu.ops._common import requantization_tensors

aten = torch.ops.aten
qd = torch.ops.quantized_decomposed
mcu = torch.ops.torchmcu

QUANTIZE_OPS = {qd.quantize_per_tensor.default, qd.quantize_per_tensor.tensor}
DEQUANTIZE_OPS = {qd.dequantize_per_tensor.default, qd.dequantize_per_tensor.tensor}
DEQUANTIZE_PER_CHANNEL = qd.dequantize_per_channel.default

TO_NHWC = [0, 2, 3, 1]
TO_NCHW = [0, 3, 1, 2]


class NotLowerable(Exception):
    """This instance of an op cannot run on a torchmcu kernel (the message says why)."""


@dataclass(frozen=True)
class QParams:
    scale: float
    zero_point: int

    @property
    def offset(self) -> int:
        """CMSIS-NN's input offset: -zero_point."""
        return -self.zero_point

    def quantize(self, value: float) -> int:
        return int(min(127, max(-128, round(value / self.scale) + self.zero_point)))


@dataclass
class QuantizedInput:
    node: Node  # the int8 producer
    qparams: QParams


LoweringFunction = Callable[["LoweringContext", Node], Node]
_REGISTRY: dict[object, LoweringFunction] = {}


def register_lowering(*targets: object) -> Callable[[LoweringFunction], LoweringFunction]:
    def decorator(fn: LoweringFunction) -> LoweringFunction:
        for target in targets:
            if target in _REGISTRY:
                raise RuntimeError(f"internal error: two lowerings registered for {target}")
            _REGISTRY[target] = fn
        return fn

    return decorator


def lowering_for(target: object) -> LoweringFunction | None:
    _load_lowerings()
    return _REGISTRY.get(target)


def _load_lowerings() -> None:
    from torchmcu.lowering import (  # noqa: F401  (registration on import)
        activations,
        adaptive_pooling,
        concatenation,
        conv,
        data_movement,
        elementwise,
        linear,
        log_softmax,
        lstm,
        matmul,
        normalization,
        pooling,
        prelu,
        reduction,
        resampling,
        slicing,
        softmax,
        transpose_conv,
    )


def constant_value(gm: GraphModule, arg: object) -> torch.Tensor | None:
    """The tensor a get_attr node names (dotted paths included), or None for anything else."""
    if not (isinstance(arg, Node) and arg.op == "get_attr"):
        return None
    value = gm
    for part in arg.target.split("."):
        value = getattr(value, part)
    return value.detach()


def _qparams_from(node: Node) -> QParams:
    scale, zero_point = node.args[1], node.args[2]
    if isinstance(scale, Node) or isinstance(zero_point, Node):
        raise NotLowerable("quantization parameters are not constants")
    return QParams(float(scale), int(zero_point))


def activation_tail_range(tail: Node | None, out: QParams) -> tuple[int, int]:
    """int8 clamp bounds for a fused relu/relu6/hardtanh/clamp at output qparams."""
    low, high = -math.inf, math.inf
    if tail is not None:
        if tail.target in (aten.relu.default, aten.relu_.default):
            low = 0.0
        elif tail.target == aten.relu6.default:
            low, high = 0.0, 6.0
        elif tail.target in (aten.hardtanh.default, aten.hardtanh_.default):
            low = tail.args[1] if len(tail.args) > 1 else -1.0
            high = tail.args[2] if len(tail.args) > 2 else 1.0
        elif tail.target == aten.clamp.default:
            low = tail.args[1] if len(tail.args) > 1 and tail.args[1] is not None else -math.inf
            high = tail.args[2] if len(tail.args) > 2 and tail.args[2] is not None else math.inf
    act_min = -128 if low == -math.inf else max(-128, out.quantize(low))
    act_max = 127 if high == math.inf else min(127, out.quantize(high))
    return act_min, act_max


class LoweringContext:
    """What a lowering function needs: qparams by name, constants, layout helpers."""

    def __init__(self, gm: GraphModule, target) -> None:
        self.gm = gm
        self.graph = gm.graph
        self.target = target
        self._constant_count = 0
        self.fake_mode = torch._guards.detect_fake_mode(
            [n.meta.get("val") for n in gm.graph.nodes if "val" in n.meta]
        ) or torch._subclasses.FakeTensorMode(allow_non_fake_inputs=True)
        # Filled per node by the pass before calling a lowering function.
        self.output_qparams: QParams | None = None
        self.activation: Node | None = None

    # -- inputs -----------------------------------------------------------
    def quantized_input(self, arg: object) -> QuantizedInput:
        """The int8 source and qparams of an input that comes through a dequantize."""
        if isinstance(arg, Node) and arg.op == "call_function" and arg.target in DEQUANTIZE_OPS:
            source = arg.args[0]
            if "val" not in source.meta:
                # convert_pt2e leaves quantize nodes without metadata: int8, shaped as the float value.
                float_value = arg.meta.get("val", source.args[0].meta.get("val") if source.args else None)
                if float_value is None:
                    raise NotLowerable(f"no shape information for {source.name}")
                with self.fake_mode:
                    source.meta["val"] = torch.empty(float_value.shape, dtype=torch.int8)
            return QuantizedInput(source, _qparams_from(arg))
        raise NotLowerable(f"input {getattr(arg, 'name', arg)!r} is not int8-quantized")

    def is_quantized(self, arg: object) -> bool:
        return isinstance(arg, Node) and arg.op == "call_function" and arg.target in DEQUANTIZE_OPS

    def constant(self, arg: object) -> torch.Tensor:
        """Value of a get_attr constant (float weights, biases, scales)."""
        value = constant_value(self.gm, arg)
        if value is not None:
            return value
        raise NotLowerable(f"{getattr(arg, 'name', arg)!r} is not a constant")

    def per_channel_weight(self, arg: object) -> tuple[torch.Tensor, torch.Tensor, int]:
        """(int8 weight, float64 per-channel scales, channel axis) of a dequantized weight."""
        if not (isinstance(arg, Node) and arg.target == DEQUANTIZE_PER_CHANNEL):
            if isinstance(arg, Node) and arg.target in DEQUANTIZE_OPS:
                weight = self.constant(arg.args[0])
                qp = _qparams_from(arg)
                if qp.zero_point != 0:
                    raise NotLowerable("weights must be symmetric (zero point 0)")
                return weight, torch.full((weight.shape[0],), qp.scale, dtype=torch.float64), 0
            raise NotLowerable("weights are not int8-quantized constants")
        weight = self.constant(arg.args[0])
        scales = self.constant(arg.args[1]).to(torch.float64)
        zero_points = self.constant(arg.args[2])
        if torch.any(zero_points != 0):
            raise NotLowerable("weights must be symmetric (zero point 0)")
        return weight, scales, int(arg.args[3])

    # -- outputs ----------------------------------------------------------
    @property
    def out(self) -> QParams:
        assert self.output_qparams is not None
        return self.output_qparams

    def activation_range(self) -> tuple[int, int]:
        return activation_tail_range(self.activation, self.out)

    # -- building ---------------------------------------------------------
    def add_constant(self, tensor: torch.Tensor, stem: str) -> Node:
        """Register `tensor` as a buffer of the module and return a get_attr for it."""
        name = f"_torchmcu_{stem}_{self._constant_count}"
        self._constant_count += 1
        tensor = tensor.contiguous().clone()
        self.gm.register_buffer(name, tensor)
        node = self.graph.get_attr(name)
        node.meta["val"] = self.fake_mode.from_tensor(tensor)
        return node

    def call(self, op, *args) -> Node:
        node = self.graph.call_function(op, tuple(args))
        with self.fake_mode:
            node.meta["val"] = op(*[fake_value(a) for a in args])
        return node

    def to_nhwc(self, node: Node) -> Node:
        return self.call(mcu.transpose.default, node, TO_NHWC)

    def to_nchw(self, node: Node) -> Node:
        return self.call(mcu.transpose.default, node, TO_NCHW)

    def view(self, node: Node, shape: list[int]) -> Node:
        """Same bytes, another shape. int8 values are dense at run time even where the float graph
        gave them strides (a quantize after a float permute), so the shape comes from the dense value."""
        view = self.graph.call_function(aten.view.default, (node, list(shape)))
        with self.fake_mode:
            view.meta["val"] = node.meta["val"].contiguous().view(list(shape))
        return view

    def requant_params(self, real: torch.Tensor, compact: bool = False) -> tuple[Node, Node]:
        """Multiplier and shift constants for real scales (compact: `requantization_tensors`)."""
        multiplier, shift = requantization_tensors(real.flatten().tolist(), compact)
        return self.add_constant(multiplier, "multiplier"), self.add_constant(shift, "shift")

    def int32_bias(self, bias_arg: object, scales: torch.Tensor) -> Node | None:
        """Float bias -> int32 at scale s_in * s_w[o] (CMSIS-NN's bias convention)."""
        if bias_arg is None:
            return None
        bias = self.constant(bias_arg).to(torch.float64)
        quantized = torch.round(bias / scales)
        limit = 2**31 - 1
        if torch.any(quantized.abs() > limit):
            raise NotLowerable("bias does not fit int32 at scale input_scale * weight_scale")
        return self.add_constant(quantized.to(torch.int32), "bias")


def fake_value(arg):
    """The fake tensor(s) behind a node argument, for shape propagation through a new call."""
    if isinstance(arg, Node):
        return arg.meta["val"]
    if isinstance(arg, (list, tuple)):
        return type(arg)(fake_value(a) for a in arg)
    return arg


def shape_of(node: Node) -> list[int]:
    return list(node.meta["val"].shape)
