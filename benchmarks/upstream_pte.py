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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _models import CNN_MODELS, AUDIO_MODELS, calibration_split, load, quiet  # noqa: E402
from benchmarks.upstream.compile import lower_upstream  # noqa: E402

CPUS = ("cortex-m4", "cortex-m33", "cortex-m55")
# Graph nodes that are no kernel work: views, dim-order relabels, and scratch allocations.
FREE_OPS = ("view_copy", "_clone_dim_order", "alloc")


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
    module = load(name)
    edge = lower_upstream(module.model(), module.example_inputs(), calibration_split(module)[0], target)
    left = _not_lowered(edge.exported_program().graph_module)
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
