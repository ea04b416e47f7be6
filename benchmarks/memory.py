"""Per reference model and target: arena against its lower bound, .pte bytes against the constants kernels read.

Calls are the instructions (kernel calls) of `forward`. The lower bound
(`torchmcu.plan.lower_bound_bytes`, docs/scratch.md) is the most bytes any
single op needs live at once; no plan can use less arena.
Constant bytes read count each stored constant buffer once, when some kernel
call reads it; unread bytes are stored constants no kernel call reads;
`.pte - 1.05 x read` is the overhead the fixed-overhead bound must cover. The
last column is upstream ExecuTorch's Cortex-M pipeline on the same model and
target (benchmarks/upstream_pte.py), "-" where it leaves ops unlowered.

    python3 benchmarks/memory.py [--no-upstream] [model ...]

--no-upstream leaves upstream's pipeline out (its column reads "not run"):
upstream's figures depend only on upstream and the model, not on torchmcu.
"""

from __future__ import annotations

import argparse
import math
import sys

from _models import AUDIO_MODELS, CNN_MODELS, compile_reference_model, quiet
from upstream_pte import upstream_pte

TARGETS = ["cortex-m4", "cortex-m33", "cortex-m55"]
PTE_CONSTANT_FACTOR = 1.05  # the bound: .pte <= 1.05 x constants read + a fixed overhead
COLUMNS = (("model", 18), ("target", 6), ("calls", 5), ("arena B", 9), ("lower bound B", 13), ("ratio", 6), (".pte B", 9),
           ("constants read B", 16), ("unread B", 8), (".pte / read", 11), (".pte - 1.05 x read B", 20),
           ("upstream .pte B", 15))


def row(name: str, target: str, plan: dict, upstream: int | str | None) -> list[str]:
    from torchmcu.plan import lower_bound_bytes

    bound = lower_bound_bytes(plan)
    read = plan["constant_bytes"]
    return [name, target.removeprefix("cortex-"), str(len(plan["ops"])), str(plan["arena_bytes"]), str(bound),
            f"{plan['arena_bytes'] / bound:.3f}", str(plan["pte_bytes"]), str(read),
            str(plan["unread_constant_bytes"]), f"{plan['pte_bytes'] / read:.3f}" if read else "-",
            str(math.ceil(plan["pte_bytes"] - PTE_CONSTANT_FACTOR * read)),
            "-" if upstream is None else str(upstream)]


def _upstream(name: str, target: str) -> int | None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return upstream_pte(name, target)[0]
        except Exception:  # upstream's pipeline fails on some models: no figure, as when it leaves ops unlowered
            return None


def main(models: list[str], with_upstream: bool = True) -> None:
    quiet()
    print("| " + " | ".join(f"{title:>{width}}" for title, width in COLUMNS) + " |")
    print("|" + "|".join("-" * (width + 1) + ":" for _, width in COLUMNS) + "|")
    for name in models:
        for target in TARGETS:
            plan = compile_reference_model(name, target)[0].plan
            cells = row(name, target, plan, _upstream(name, target) if with_upstream else "not run")
            print("| " + " | ".join(f"{cell:>{width}}" for cell, (_, width) in zip(cells, COLUMNS)) + " |",
                  flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", metavar="model",
                        help="reference models (default: all): " + ", ".join(CNN_MODELS + AUDIO_MODELS))
    parser.add_argument("--no-upstream", action="store_true", help="leave upstream's pipeline out")
    options = parser.parse_args()
    unknown = [name for name in options.models if name not in CNN_MODELS + AUDIO_MODELS]
    if unknown:
        parser.error(f"unknown model {', '.join(unknown)}: expected {', '.join(CNN_MODELS + AUDIO_MODELS)}")
    main(options.models or list(CNN_MODELS + AUDIO_MODELS), with_upstream=not options.no_upstream)
