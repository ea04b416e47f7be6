"""The torchmcu PT2E quantizer: CMSIS-NN's int8 scheme as torchao annotations.

* activations: int8 per-tensor asymmetric;
* conv/linear weights: int8 symmetric per output channel ([-127, 127]); the
  float bias stays float and becomes int32 (scale = s_in * s_w[o]) when lowered;
  a linear weight whose rows share one range closely enough that per-channel
  scales would gain less than 1 dB of weight SQNR is quantized per tensor
  instead: one multiplier and shift instead of one per output feature;
* fused patterns: conv/linear (+ relu/relu6/hardtanh/clamp), add (+relu), mul;
* pass-through ops share their input's qparams (view/reshape/flatten/permute/
  transpose/max_pool/avg_pool/adaptive pools/bilinear upsampling/mean/dropout/relu/hardtanh/clamp/
  pad/min/max),
  so they lower to pure data movement (or nothing);
* softmax output is fixed to scale 1/256, zero point -128 (CMSIS-NN's choice);
* elementwise activations (sigmoid, tanh, hardswish, ...) get their own
  output observer and become a 256-entry lookup table.
"""

from __future__ import annotations

import dataclasses
import operator

import torch
from torch.fx import Node

from torchao.quantization.pt2e.observer import MinMaxObserver, PerChannelMinMaxObserver
from torchao.quantization.pt2e.quantizer import (
    FixedQParamsQuantizationSpec,
    QuantizationAnnotation,
    QuantizationSpec,
    Quantizer,
    SharedQuantizationSpec,
)

from torchmcu.lstm_layer import LSTM_LAYER
from torchmcu.observers import ACTIVATION_RANGES, MseObserver

aten = torch.ops.aten

# Smallest scale an observer may produce: a constant or all-zero tensor must
# still get a finite, non-zero scale (never NaN/inf multipliers).
_EPS = 2.0**-20

ACTIVATION = QuantizationSpec(
    dtype=torch.int8,
    quant_min=-128,
    quant_max=127,
    qscheme=torch.per_tensor_affine,
    observer_or_fake_quant_ctr=MinMaxObserver.with_args(eps=_EPS),
)


def activation_spec(ranges: str) -> QuantizationSpec:
    """ACTIVATION, with its ranges chosen as `ranges` names (torchmcu.observers.ACTIVATION_RANGES)."""
    if ranges not in ACTIVATION_RANGES:
        raise ValueError(f"activation ranges {ranges!r}: choose one of {', '.join(ACTIVATION_RANGES)}")
    if ranges == "minmax":
        return ACTIVATION
    return dataclasses.replace(ACTIVATION, observer_or_fake_quant_ctr=MseObserver.with_args(eps=_EPS))


SOFTMAX_OUTPUT = FixedQParamsQuantizationSpec(
    dtype=torch.int8, scale=1.0 / 256.0, zero_point=-128, quant_min=-128, quant_max=127,
    qscheme=torch.per_tensor_affine,
)


def weight_spec(channel_axis: int) -> QuantizationSpec:
    return QuantizationSpec(
        dtype=torch.int8,
        quant_min=-127,
        quant_max=127,
        qscheme=torch.per_channel_symmetric,
        ch_axis=channel_axis,
        is_dynamic=False,
        observer_or_fake_quant_ctr=PerChannelMinMaxObserver.with_args(eps=_EPS),
    )


PER_TENSOR_WEIGHT = QuantizationSpec(
    dtype=torch.int8,
    quant_min=-127,
    quant_max=127,
    qscheme=torch.per_tensor_symmetric,
    observer_or_fake_quant_ctr=MinMaxObserver.with_args(eps=_EPS),
)
# Below this weight-SQNR gain, per-channel scales are not worth 8 bytes per output feature.
MIN_PER_CHANNEL_GAIN_DB = 1.0


def per_channel_gain_db(weight: torch.Tensor) -> float:
    """Weight SQNR gained by per-row over per-tensor int8 scales (dB, >= 0).

    Rounding noise per element is proportional to the square of its row's
    scale, so the noise ratio is max(a)^2 / mean(a^2) over the rows' ranges a.
    """
    ranges = weight.detach().to(torch.float64).abs().flatten(1).amax(dim=1).clamp_min(_EPS)
    return float(10 * torch.log10(ranges.max() ** 2 / (ranges**2).mean()))


WEIGHTED_OPS = {
    aten.conv1d.default: 0,
    aten.conv2d.default: 0,
    aten.conv1d.padding: 0,
    aten.conv2d.padding: 0,
    aten.linear.default: 0,
    # ConvTranspose2d weights are [C_in, C_out/groups, kh, kw].
    aten.conv_transpose2d.input: 1,
}
ACTIVATION_TAILS = {
    aten.relu.default, aten.relu_.default, aten.hardtanh.default, aten.hardtanh_.default,
    aten.clamp.default, aten.relu6.default,
}
BINARY_OPS = {aten.add.Tensor, aten.add_.Tensor, aten.mul.Tensor, aten.mul_.Tensor,
              aten.sub.Tensor, aten.sub_.Tensor}
MATMUL_OPS = {aten.matmul.default, aten.bmm.default}
SOFTMAX_OPS = {aten.softmax.int, aten._softmax.default}
TABLE_OPS = {
    aten.sigmoid.default, aten.tanh.default, aten.hardswish.default, aten.hardswish_.default,
    aten.hardsigmoid.default, aten.hardsigmoid_.default, aten.gelu.default, aten.silu.default,
    aten.silu_.default,
    aten.mish.default, aten.elu.default, aten.leaky_relu.default, aten.neg.default, aten.abs.default,
    aten.div.Tensor, aten.prelu.default,
}
SHARED_QPARAM_OPS = {
    aten.max_pool2d.default, aten.max_pool1d.default, aten.avg_pool2d.default, aten.avg_pool1d.default,
    aten.adaptive_avg_pool2d.default, aten.adaptive_avg_pool1d.default, aten.mean.dim,
    aten.dropout.default, aten.view.default, aten.reshape.default, aten.flatten.using_ints, aten.unflatten.int,
    aten.permute.default, aten.transpose.int, aten.squeeze.dim, aten.squeeze.dims, aten.unsqueeze.default,
    aten.contiguous.default, aten.clone.default, aten.constant_pad_nd.default, aten.pad.default,
    aten.minimum.default, aten.maximum.default, aten.t.default,
    aten.mean.default, aten.amax.default, aten.amin.default, aten.dropout_.default,
    aten.slice.Tensor, aten.select.int, aten.upsample_nearest2d.vec, aten.upsample_nearest2d.default,
    aten.upsample_bilinear2d.vec, aten.upsample_bilinear2d.default,
    aten.alias.default,  # a slice that keeps everything (timm's GhostModule: out[:, :out_chs])
} | ACTIVATION_TAILS
# Pools that also return indices: the values (getitem 0) share the input's qparams.
POOLS_WITH_INDICES = {aten.adaptive_max_pool2d.default, aten.adaptive_max_pool1d.default}
# A sum's range grows with its count: it gets its own output observer.
SUM_OPS = {aten.sum.dim_IntList, aten.sum.default}
# gamma and beta stay float constants; the lowering folds them into the requantization.
NORM_OPS = {aten.layer_norm.default, aten.rms_norm.default}
# Concatenation and splitting only move bytes: every part shares one observer.
CONCAT_OPS = {aten.cat.default, aten.concat.default, aten.stack.default}
SPLITTING_OPS = {aten.split.Tensor, aten.split_with_sizes.default, aten.chunk.default, aten.unbind.int}
LOG_SOFTMAX_OPS = {aten.log_softmax.int, aten._log_softmax.default}


def _weight_spec(model: torch.fx.GraphModule, node: Node, weight: Node) -> QuantizationSpec:
    from torchmcu.lowering import constant_value

    if node.target == aten.linear.default:
        value = constant_value(model, weight)
        if value is not None and value.dim() == 2 and per_channel_gain_db(value) < MIN_PER_CHANNEL_GAIN_DB:
            return PER_TENSOR_WEIGHT
    return weight_spec(WEIGHTED_OPS[node.target])


def _is_float_activation(arg: object) -> bool:
    if not isinstance(arg, Node):
        return False
    val = arg.meta.get("val")
    return isinstance(val, torch.Tensor) and val.dtype == torch.float32


def _annotated(node: Node) -> bool:
    annotation = node.meta.get("quantization_annotation")
    return annotation is not None and annotation._annotated


def _annotate(node: Node, inputs: dict[Node, object], output: object | None) -> None:
    node.meta["quantization_annotation"] = QuantizationAnnotation(
        input_qspec_map=inputs, output_qspec=output, _annotated=True
    )


def _input_spec(arg: Node, activation: QuantizationSpec = ACTIVATION) -> object:
    """The spec for an activation input: the producer's own when it fixes its qparams.

    A fresh observer after softmax (fixed 1/256, -128) would requantize its
    output for nothing; sharing keeps the int8 bytes as they are.
    """
    annotation = arg.meta.get("quantization_annotation")
    if annotation is not None and isinstance(annotation.output_qspec, FixedQParamsQuantizationSpec):
        return SharedQuantizationSpec(arg)
    return activation


def _fused_tail(node: Node) -> Node | None:
    """The activation applied to `node`'s only use, if it can fold into the kernel."""
    if len(node.users) != 1:
        return None
    (user,) = node.users
    if user.target in ACTIVATION_TAILS and not _annotated(user):
        return user
    return None


class TorchMcuQuantizer(Quantizer):
    """Annotates an exported graph with CMSIS-NN's int8 scheme (see module docstring).

    `activation_ranges` picks how activation ranges come from calibration (torchmcu.observers).
    """

    def __init__(self, activation_ranges: str = "minmax") -> None:
        super().__init__()
        self.activation = activation_spec(activation_ranges)

    def annotate(self, model: torch.fx.GraphModule) -> torch.fx.GraphModule:
        for node in model.graph.nodes:
            if node.op != "call_function" or _annotated(node):
                continue
            if node.target in WEIGHTED_OPS:
                self._annotate_weighted(model, node)
            elif node.target in BINARY_OPS:
                self._annotate_binary(node)
            elif node.target in MATMUL_OPS:
                self._annotate_inputs_and_output(node, node.args[:2], self.activation)
            elif node.target in SOFTMAX_OPS:
                self._annotate_inputs_and_output(node, node.args[:1], SOFTMAX_OUTPUT)
            elif node.target in TABLE_OPS:
                self._annotate_inputs_and_output(node, node.args[:1], self.activation)
            elif node.target in SUM_OPS or node.target in NORM_OPS or node.target in LOG_SOFTMAX_OPS \
                    or node.target == LSTM_LAYER:
                self._annotate_inputs_and_output(node, node.args[:1], self.activation)
            elif node.target in SHARED_QPARAM_OPS:
                self._annotate_shared(node)
            elif node.target in CONCAT_OPS:
                self._annotate_concat(node)
            elif node.target in SPLITTING_OPS:
                self._annotate_split(node)
            elif node.target in POOLS_WITH_INDICES:
                self._annotate_split(node, parts=(0,))
        return model

    def validate(self, model: torch.fx.GraphModule) -> None:
        pass

    def _annotate_weighted(self, model: torch.fx.GraphModule, node: Node) -> None:
        x, weight = node.args[0], node.args[1]
        if not _is_float_activation(x) or not isinstance(weight, Node):
            return
        inputs = {x: _input_spec(x, self.activation), weight: _weight_spec(model, node, weight)}
        tail = _fused_tail(node)
        if tail is None:
            _annotate(node, inputs, self.activation)
            return
        _annotate(node, inputs, None)
        _annotate(tail, {}, self.activation)

    def _annotate_binary(self, node: Node) -> None:
        operands = [a for a in node.args[:2] if _is_float_activation(a)]
        if not operands:
            return
        inputs = {a: _input_spec(a, self.activation) for a in operands}
        tail = _fused_tail(node) if node.target in (aten.add.Tensor, aten.add_.Tensor) else None
        if tail is not None and tail.target in (aten.relu.default, aten.relu_.default):
            _annotate(node, inputs, None)
            _annotate(tail, {}, self.activation)
        else:
            _annotate(node, inputs, self.activation)

    def _annotate_inputs_and_output(self, node: Node, args, output) -> None:
        operands = [a for a in args if _is_float_activation(a)]
        if len(operands) != len(args):
            return
        _annotate(node, {a: _input_spec(a, self.activation) for a in operands}, output)

    def _annotate_shared(self, node: Node) -> None:
        first = node.args[0]
        if not _is_float_activation(first):
            return
        inputs: dict[Node, object] = {first: _input_spec(first, self.activation)}
        shared = SharedQuantizationSpec((first, node))
        # minimum/maximum: CMSIS-NN compares raw int8, so both inputs share one scale.
        for other in node.args[1:2]:
            if _is_float_activation(other) and node.target in (aten.minimum.default, aten.maximum.default):
                inputs[other] = shared
        _annotate(node, inputs, shared)

    def _annotate_concat(self, node: Node) -> None:
        tensors = list(node.args[0])
        if not tensors or not all(_is_float_activation(t) for t in tensors):
            return
        first = tensors[0]
        shared = SharedQuantizationSpec((first, node))
        inputs: dict[Node, object] = {first: _input_spec(first, self.activation)}
        for other in tensors[1:]:
            inputs.setdefault(other, shared)
        _annotate(node, inputs, shared)

    def _annotate_split(self, node: Node, parts: tuple[int, ...] | None = None) -> None:
        """Every getitem of `node` (or those reading `parts`) shares the input's qparams."""
        first = node.args[0]
        if not _is_float_activation(first):
            return
        _annotate(node, {first: _input_spec(first, self.activation)}, None)
        for part in node.users:
            if is_getitem(part) and (parts is None or part.args[1] in parts):
                _annotate(part, {}, SharedQuantizationSpec((first, node)))


def is_getitem(node: Node) -> bool:
    return node.op == "call_function" and node.target is operator.getitem
