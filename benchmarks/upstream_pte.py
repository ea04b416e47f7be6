"""Upstream ExecuTorch's own Cortex-M pipeline on a reference model: its .pte bytes, or None if not fully lowered.

For the side-by-side columns of benchmarks/memory.py. Benchmarks may import
executorch.backends.cortex_m; torchmcu's product code never does. Upstream gets
its best case: channels-last model and inputs (its convolutions need NHWC), the
same calibration samples as torchmcu, and the target's CPU.

    python3 benchmarks/upstream_pte.py [model ...]
"""

from __future__ import annotations

import sys
import warnings

import torch

from _models import CNN_MODELS, AUDIO_MODELS, calibration_split, load, quiet

# torchmcu target -> upstream CortexM member name.
CPUS = {"cortex-m4": "M4", "cortex-m33": "M33", "cortex-m55": "M55"}
# Graph nodes that are no kernel work: views, dim-order relabels, and scratch allocations.
FREE_OPS = ("view_copy", "_clone_dim_order", "alloc")


def _channels_last(value):
    return value.to(memory_format=torch.channels_last) if isinstance(value, torch.Tensor) and value.dim() == 4 \
        else value


def _not_lowered(edge_program) -> list[str]:
    """Compute ops left as portable (non cortex_m) kernels."""
    left = []
    for node in edge_program.graph.nodes:
        if node.op != "call_function":
            continue
        name = str(getattr(node.target, "__name__", node.target))
        if "cortex_m" in str(node.target) or name.startswith("getitem") or any(f in name for f in FREE_OPS):
            continue
        left.append(name)
    return left


def upstream_pte(name: str, target: str) -> tuple[int | None, list[str]]:
    """(.pte bytes, ops upstream left unlowered); bytes is None when any op stays unlowered."""
    from executorch.backends.cortex_m.edge_compile_config import cortex_m_edge_compile_config
    from executorch.backends.cortex_m.passes.cortex_m_pass_manager import CortexMPassManager
    from executorch.backends.cortex_m.quantizer.quantizer import CortexMQuantizer
    from executorch.backends.cortex_m.target_config import CortexM, CortexMTargetConfig
    from executorch.exir import to_edge
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    module = load(name)
    model = module.model().eval().to(memory_format=torch.channels_last)
    example = tuple(_channels_last(x) for x in module.example_inputs())
    calibration = [tuple(_channels_last(x) for x in sample) for sample in calibration_split(module)[0]]
    # As upstream's own test harness (backends/cortex_m/test/tester.py) runs it.
    quantizer = CortexMQuantizer()
    prepared = prepare_pt2e(torch.export.export(model, example, strict=True).module(check_guards=False), quantizer)
    with torch.no_grad():
        for sample in calibration:
            prepared(*sample)
    quantized = convert_pt2e(prepared)
    edge = to_edge(torch.export.export(quantized, example, strict=True),
                   compile_config=cortex_m_edge_compile_config())
    config = CortexMTargetConfig(cpu=getattr(CortexM, CPUS[target]))
    lowered = CortexMPassManager(edge.exported_program(), target_config=config).transform()
    left = _not_lowered(lowered.graph_module)
    edge._edge_programs["forward"] = lowered
    pte = edge.to_executorch().buffer
    return (None if left else len(pte)), left


def main(models: list[str]) -> None:
    quiet()
    for name in models:
        for target in CPUS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    size, left = upstream_pte(name, target)
                except Exception as error:  # upstream fails on some models: report, keep going
                    size, left = None, [f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"]
            print(f"{name:<18} {target:<10} {size if size is not None else '-':>9} {' '.join(sorted(set(left)))}",
                  flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or list(CNN_MODELS + AUDIO_MODELS))
