"""PlanScratchPass: give every CMSIS-NN kernel its scratch as a planned alloc node."""

from __future__ import annotations

import torch
from executorch.exir.pass_base import ExportPass, PassResult
from executorch.exir.passes import make_alloc_node
from torch._guards import detect_fake_mode
from torch.fx import GraphModule, Node

from torchmcu.ops import named_args
from torchmcu.ops import lstm as lstm_op
from torchmcu.ops._common import requantization_scratch_bytes, spatial_padding


def _shape(arg: object) -> list[int]:
    return list(arg.meta["val"].shape)  # type: ignore[union-attr]


def _nhwc(shape: list[int]) -> list[int]:
    """Right-align a rank<=4 shape into [n, h, w, c] (CMSIS-NN dims)."""
    return [1] * (4 - len(shape)) + list(shape)


def _conv2d(sizer, isa: str, node: Node, a: dict) -> dict[str, int]:
    top, left, _, _ = spatial_padding(a["padding"])
    return {"scratch": sizer.conv2d_scratch_bytes(
        isa, input_nhwc=_shape(a["input"]), filter_ohwi=_shape(a["weight"]), output_nhwc=_shape(node),
        stride_hw=list(a["stride"]), padding_hw=[top, left], dilation_hw=list(a["dilation"]), groups=a["groups"],
    )}


def _depthwise_conv2d(sizer, isa: str, node: Node, a: dict) -> dict[str, int]:
    top, left, _, _ = spatial_padding(a["padding"])
    return {"scratch": sizer.depthwise_conv2d_scratch_bytes(
        isa, input_nhwc=_shape(a["input"]), filter_1hwc=_shape(a["weight"]), output_nhwc=_shape(node),
        stride_hw=list(a["stride"]), padding_hw=[top, left], dilation_hw=list(a["dilation"]),
        depth_multiplier=a["depth_multiplier"],
    )}


def _transpose_conv2d(sizer, isa: str, node: Node, a: dict) -> dict[str, int]:
    ctx_bytes, reverse_bytes = sizer.transpose_conv2d_scratch_bytes(
        isa, input_nhwc=_shape(a["input"]), filter_ohwi=_shape(a["weight"]), output_nhwc=_shape(node),
        stride_hw=list(a["stride"]), padding_hw=list(a["padding"]),
    )
    return {"scratch": ctx_bytes, "reverse_scratch": reverse_bytes}


def _batch_matmul(sizer, isa: str, node: Node, a: dict) -> dict[str, int]:
    return {"scratch": sizer.batch_matmul_scratch_bytes(
        isa, lhs_nhwc=_nhwc(_shape(a["lhs"])), rhs_nhwc=_nhwc(_shape(a["rhs"])), output_nhwc=_nhwc(_shape(node)),
    )}


def _avg_pool2d(sizer, isa: str, node: Node, a: dict) -> dict[str, int]:
    _, _, out_w, channels = _shape(node)
    return {"scratch": sizer.avg_pool2d_scratch_bytes(isa, output_w=out_w, channels=channels)}


def _lstm(sizer, isa: str, node: Node, a: dict) -> dict[str, int]:
    """Two gate buffers and the cell state (CMSIS-NN has no sizer for them: the same on every ISA)."""
    shape = _shape(a["input"])
    return {"scratch": lstm_op.scratch_bytes(shape[1] if a["time_major"] else shape[0], _shape(node)[2])}


def _linear(sizer, isa: str, node: Node, a: dict) -> dict[str, int]:
    """The int32 arrays a compact requantization expands into (the same on every ISA)."""
    return {"scratch": requantization_scratch_bytes(a["multiplier"].meta["val"], a["shift"].meta["val"])}


SCRATCH_SIZERS = {
    "conv2d": _conv2d,
    "depthwise_conv2d": _depthwise_conv2d,
    "transpose_conv2d": _transpose_conv2d,
    "batch_matmul": _batch_matmul,
    "avg_pool2d": _avg_pool2d,
    "lstm": _lstm,
    "linear": _linear,
}


def torchmcu_op_name(target: object) -> str | None:
    """'conv2d' for torchmcu::conv2d in aten or edge form, else None."""
    name = getattr(target, "_name", None) or getattr(target, "__name__", "")
    schema = getattr(target, "_schema", None)
    if schema is not None and schema.name.startswith("torchmcu::"):
        return schema.name.split("::")[1]
    if isinstance(name, str) and name.startswith("torchmcu::"):
        return name.split("::")[1].split(".")[0]
    return None


def scratch_requirements(node: Node, isa: str, sizer) -> dict[str, int]:
    """Scratch bytes per scratch argument name that `node` needs on `isa` ({} for none)."""
    op = torchmcu_op_name(node.target)
    if op not in SCRATCH_SIZERS:
        return {}
    return SCRATCH_SIZERS[op](sizer, isa, node, named_args(node))


class PlanScratchPass(ExportPass):
    """Feed each CMSIS-NN kernel's scratch argument(s) from an `exir.memory.alloc` node.

    Expects: an edge program whose torchmcu ops have `Tensor? scratch` arguments
    left unset (None). Leaves: for every scratch argument the target's CMSIS-NN
    backend needs (size from the sizer, `torchmcu.sizing`: the same formulas as CMSIS-NN's
    `arm_*_get_buffer_size` for scalar, DSP or MVE), an alloc node of exactly that
    many uint8 bytes, created at its final size, used only by that op, so memory
    planning gives it the op's lifetime in the activation arena. Zero-byte needs
    keep `None` (no dangling alloc).
    """

    def __init__(self, isa: str, sizer) -> None:
        super().__init__()
        self.isa = isa
        self.sizer = sizer

    def call(self, graph_module: GraphModule) -> PassResult:
        modified = False
        # Scratch values must belong to the program's own fake mode.
        fake_mode = detect_fake_mode([n.meta.get("val") for n in graph_module.graph.nodes])
        for node in list(graph_module.graph.nodes):
            if node.op != "call_function":
                continue
            for arg_name, nbytes in scratch_requirements(node, self.isa, self.sizer).items():
                if nbytes <= 0:
                    continue
                value = fake_mode.from_tensor(torch.empty((nbytes,), dtype=torch.uint8))
                with graph_module.graph.inserting_before(node):
                    alloc = make_alloc_node(graph_module, value, None)
                node.update_kwarg(arg_name, alloc)
                modified = True
        graph_module.recompile()
        return PassResult(graph_module, modified)
