"""`torchmcu compare model.py`: how far int8 drifts from float, layer by layer.

Each quantized op's int8 output (the Python reference of its torchmcu lowering,
dequantized with its output scale) is compared with the float model's value at
the same node; SQNR is accumulated over all samples (signal and noise powers
summed, then the ratio taken). With `kernels=True` the layer values and the final
outputs come from the host kernels running a program that also returns every
layer; otherwise from the Python reference of the whole lowered program. Top-1
agreement compares the argmax of the last dimension.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch
from torch.fx import GraphModule, Interpreter, Node

from torchmcu.compare import sqnr_db

_BATCH_NORM_TARGETS = {
    torch.ops.aten._native_batch_norm_legit_no_training.default,
    torch.ops.aten.batch_norm.default,
}


@dataclass
class PowerSum:
    """Signal and noise powers summed over samples: SQNR over the whole data set."""

    signal: float = 0.0
    noise: float = 0.0

    def add(self, reference: np.ndarray, approximation: np.ndarray) -> None:
        reference = np.asarray(reference, dtype=np.float64).ravel()
        self.signal += float(np.sum(reference**2))
        self.noise += float(np.sum((reference - np.asarray(approximation, dtype=np.float64).ravel()) ** 2))

    @property
    def sqnr_db(self) -> float:
        if self.noise == 0.0:
            return math.inf
        return 10 * math.log10(max(self.signal, 1e-30) / self.noise)


@dataclass
class LayerRow:
    index: int
    op: str
    node: str
    shape: list[int]
    power: PowerSum = field(default_factory=PowerSum)
    max_lsb_vs_reference: int = 0  # host kernels vs the Python reference (with kernels=True)

    @property
    def sqnr_db(self) -> float:
        return self.power.sqnr_db


@dataclass
class CompareReport:
    target: str
    samples: int
    kernels: bool
    layers: list[LayerRow]
    final: list[PowerSum]
    top1_agreement: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target, "samples": self.samples, "kernels": self.kernels,
            "layers": [{"index": r.index, "op": r.op, "node": r.node, "shape": r.shape, "sqnr_db": r.sqnr_db,
                        "max_lsb_vs_reference": r.max_lsb_vs_reference if self.kernels else None}
                       for r in self.layers],
            "final_sqnr_db": [p.sqnr_db for p in self.final],
            "top1_agreement": self.top1_agreement,
        }


class _Recorder(Interpreter):
    """Runs a graph module and keeps the value of every node it is asked about."""

    def __init__(self, module: GraphModule, wanted: Callable[[Node], bool]) -> None:
        super().__init__(module)
        self.wanted = wanted
        self.values: dict[str, Any] = {}

    def run_node(self, node: Node) -> Any:
        result = super().run_node(node)
        if self.wanted(node):
            # A copy: a later in-place op (`nn.Hardswish(inplace=True)` exports as aten.hardswish_)
            # would otherwise overwrite the value kept here with its own output.
            self.values[node.name] = result.clone() if isinstance(result, torch.Tensor) else result
        return result


def _float_value_node(graph: GraphModule, name: str) -> str:
    """The float node whose value an int8 layer stands for: prepare_pt2e folds a conv's
    BatchNorm into it, so the conv's value is the BatchNorm's output in the float graph."""
    node = next((n for n in graph.graph.nodes if n.name == name), None)
    if node is None or len(node.users) != 1:
        return name
    (user,) = node.users
    if user.target in _BATCH_NORM_TARGETS:
        getitems = [u for u in user.users if u.target is __import__("operator").getitem and u.args[1] == 0]
        return getitems[0].name if getitems else user.name
    return name


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _program_returning_layers(layers_graph: GraphModule, layer_names: list[str], target, example_inputs: tuple,
                              ) -> bytes:
    """A .pte of the model that also returns every lowered layer's int8 output (after the
    model's own outputs), so the host kernels can be measured layer by layer."""
    from torchmcu.compiler import to_program
    from torchmcu.passes import lowering_passes
    from torchmcu.sizing import select_sizer

    graph = copy.deepcopy(layers_graph)
    by_name = {n.name: n for n in graph.graph.nodes}
    output = next(n for n in graph.graph.nodes if n.op == "output")
    output.args = (tuple(_as_tuple(output.args[0])) + tuple(by_name[name] for name in layer_names),)
    graph.graph._codegen = torch.fx.graph.CodeGen()  # plain tuple out: the exported pytree spec has fewer leaves
    graph.recompile()
    for p in lowering_passes(target)[1:]:  # everything after LowerQuantizedOpsPass
        graph = p(graph).graph_module
    return to_program(graph, example_inputs, target, select_sizer())


def compare_model(module: torch.nn.Module, example_inputs: tuple, calibration: list[tuple], target: str,
                  samples: list[tuple] | None = None, kernels: bool = False,
                  progress: Callable | None = None) -> CompareReport:
    """Quantize `module` with `calibration` for `target`, then measure it on `samples`
    (default: the calibration data)."""
    from torchmcu.compiler import export_model, lower, propagate_static_shapes, quantize
    from torchmcu.lstm_fusion import lstm_fusion
    from torchmcu.passes import LowerQuantizedOpsPass, pre_quantization_passes
    from torchmcu.sizing import select_sizer
    from torchmcu.target import parse_target

    parsed = parse_target(target)
    samples = samples if samples is not None else calibration
    module = module.eval()
    graph = export_model(module, example_inputs)
    float_graph = copy.deepcopy(graph)
    lstm_table = lstm_fusion(parsed, select_sizer()).sigmoid_table  # LSTMs as compile runs them
    for p in pre_quantization_passes(lstm_table):
        float_graph = p(float_graph).graph_module
    quantized = quantize(copy.deepcopy(graph), calibration, progress, lstm_sigmoid_table=lstm_table)

    layers_graph = copy.deepcopy(quantized)
    propagate_static_shapes(layers_graph, example_inputs)
    layers_graph = LowerQuantizedOpsPass(parsed)(layers_graph).graph_module
    layer_nodes = [n for n in layers_graph.graph.nodes if "torchmcu_layer" in n.meta]
    rows = [LayerRow(i, n.meta.get("torchmcu_source_op", str(n.target)), n.meta["torchmcu_layer"]["float_node"],
                     list(n.meta["val"].shape) if "val" in n.meta else []) for i, n in enumerate(layer_nodes)]
    float_names = {row.node: _float_value_node(float_graph, row.node) for row in rows}

    program, _ = lower(copy.deepcopy(quantized), parsed, example_inputs)
    runner = None
    if kernels:
        from torchmcu.native import HostRunner

        runner = HostRunner(_program_returning_layers(layers_graph, [n.name for n in layer_nodes], parsed,
                                                      example_inputs))

    final: list[PowerSum] = []
    agree = total = 0
    for sample in samples:
        with torch.no_grad():
            recorder = _Recorder(float_graph, lambda n: n.name in set(float_names.values()))
            recorder.run(*sample)
            int8 = _Recorder(layers_graph, lambda n: "torchmcu_layer" in n.meta)
            int8.run(*sample)
            floats = [f.detach().numpy() for f in _as_tuple(module(*sample))]
            if runner is not None:
                for i, x in enumerate(sample):
                    runner.set_input(i, np.ascontiguousarray(x.numpy()))
                runner.run()
                ours = [np.frombuffer(runner.output_bytes(i), dtype=f.dtype).reshape(f.shape)
                        for i, f in enumerate(floats)]
                for j, node in enumerate(layer_nodes):
                    raw = runner.output_bytes(len(floats) + j)
                    kernel = torch.from_numpy(np.frombuffer(raw, np.int8).reshape(int8.values[node.name].shape).copy())
                    rows[j].max_lsb_vs_reference = max(rows[j].max_lsb_vs_reference, int(
                        (kernel.to(torch.int32) - int8.values[node.name].to(torch.int32)).abs().max()))
                    int8.values[node.name] = kernel
            else:
                ours = [o.detach().numpy() for o in _as_tuple(program(*sample))]
            for row, node in zip(rows, layer_nodes):
                qparams = node.meta["torchmcu_layer"]
                dequantized = (int8.values[node.name].to(torch.float64) - qparams["zero_point"]) * qparams["scale"]
                reference = recorder.values.get(float_names[row.node])
                if isinstance(reference, torch.Tensor) and reference.shape == dequantized.shape:
                    row.power.add(reference.numpy(), dequantized.numpy())
        if not final:
            final = [PowerSum() for _ in floats]
        for power, flt, q in zip(final, floats, ours):
            power.add(flt, q)
        if floats and floats[0].ndim >= 1:
            agree += int(np.sum(np.argmax(floats[0], axis=-1) == np.argmax(ours[0], axis=-1)))
            total += int(np.prod(floats[0].shape[:-1]))
    return CompareReport(target, len(samples), kernels, [r for r in rows if r.power.signal > 0], final,
                         agree / total if total else None)


def format_report(report: CompareReport) -> str:
    lines = [f"{'#':>3}  {'op':<34} {'float node':<24} {'shape':<18} {'SQNR dB':>8}"]
    for row in report.layers:
        lines.append(f"{row.index:>3}  {row.op:<34} {row.node:<24} {str(row.shape):<18} {row.sqnr_db:>8.2f}")
    lines.append("")
    source = "host kernels" if report.kernels else "Python reference"
    if report.kernels:
        worst = max((r.max_lsb_vs_reference for r in report.layers), default=0)
        lines.append(f"host kernels vs Python reference: max {worst} LSB over all layers")
    for i, power in enumerate(report.final):
        lines.append(f"output {i}: SQNR vs float {power.sqnr_db:.2f} dB ({source}, {report.samples} samples)")
    if report.top1_agreement is not None:
        lines.append(f"top-1 agreement with float: {report.top1_agreement:.1%}")
    worst = min(report.layers, key=lambda r: r.sqnr_db, default=None)
    if worst is not None:
        lines.append(f"lowest layer: #{worst.index} {worst.node} {worst.sqnr_db:.2f} dB")
    return "\n".join(lines)


def plot_report(report: CompareReport, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = [min(r.sqnr_db, 99.0) for r in report.layers]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.35 * len(values) + 2), 4.5))
    ax.bar(range(len(values)), values, color="#4c72b0")
    ax.set_xticks(range(len(values)))
    ax.set_xticklabels([r.node for r in report.layers], rotation=90, fontsize=7)
    ax.set_ylabel("SQNR vs float (dB)")
    final = ", ".join(f"{p.sqnr_db:.1f} dB" for p in report.final)
    ax.set_title(f"per-layer int8 SQNR ({report.target}); final {final}")
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Description": f"final_sqnr_db={final}"})
    plt.close(fig)


__all__ = ["CompareReport", "LayerRow", "compare_model", "format_report", "plot_report", "sqnr_db"]
