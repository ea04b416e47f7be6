"""`torchmcu plan model.pte --plot arena.png`: every arena tensor as a rectangle over the ops
that keep it alive, activations and CMSIS-NN scratch in different colours, the arena size
(peak) and the lower bound marked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torchmcu.plan import lower_bound_bytes


@dataclass
class Block:
    """One arena tensor: [first_op, last_op] x [offset, offset + bytes)."""

    value: int
    first_op: int
    last_op: int
    offset: int
    nbytes: int
    scratch: bool


def arena_blocks(plan: dict[str, Any]) -> list[Block]:
    """Arena tensors with the span of ops that read or write them."""
    blocks: dict[int, Block] = {}
    for op in plan["ops"]:
        entries = [(e, False) for e in op["inputs"] + op["outputs"]] + [(e, True) for e in op["scratch"]]
        for entry, is_scratch in entries:
            if entry["arena_offset"] is None or entry["bytes"] == 0:
                continue
            block = blocks.get(entry["value"])
            if block is None:
                blocks[entry["value"]] = Block(entry["value"], op["index"], op["index"], entry["arena_offset"],
                                               entry["bytes"], is_scratch)
            else:
                block.last_op = op["index"]
    return sorted(blocks.values(), key=lambda b: (b.first_op, b.offset))


def short_op_name(name: str) -> str:
    return name.replace("torchmcu::", "").replace("executorch_prim::", "").removesuffix(".out")


def plot_arena(plan: dict[str, Any], path: str | Path, title: str = "") -> dict[str, int]:
    """Draw the plan to `path` (PNG); returns the figures drawn (also stored in the PNG's text)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    blocks = arena_blocks(plan)
    ops = plan["ops"]
    peak = max((b.offset + b.nbytes for b in blocks), default=0)
    figures = {"arena_bytes": int(plan["arena_bytes"]), "peak_bytes": int(peak),
               "lower_bound_bytes": int(lower_bound_bytes(plan)), "peak_scratch_bytes": int(plan["peak_scratch_bytes"]),
               "ops": len(ops), "tensors": len(blocks)}
    width = max(6.0, min(0.35 * len(ops) + 2, 40.0))
    fig, ax = plt.subplots(figsize=(width, 5.5))
    colours = {False: "#4c72b0", True: "#dd8452"}
    for block in blocks:
        ax.add_patch(Rectangle((block.first_op - 0.45, block.offset), block.last_op - block.first_op + 0.9,
                               block.nbytes, facecolor=colours[block.scratch], edgecolor="black", linewidth=0.4,
                               alpha=0.85))
    ax.axhline(figures["arena_bytes"], color="#c44e52", linewidth=1.2,
               label=f"arena {figures['arena_bytes']:,} B")
    ax.axhline(figures["lower_bound_bytes"], color="#55a868", linewidth=1.2, linestyle="--",
               label=f"lower bound {figures['lower_bound_bytes']:,} B")
    ax.add_patch(Rectangle((0, 0), 0, 0, facecolor=colours[False], label="activation"))
    ax.add_patch(Rectangle((0, 0), 0, 0, facecolor=colours[True], label="CMSIS-NN scratch"))
    ax.set_xlim(-1, max(len(ops), 1))
    ax.set_ylim(0, max(figures["arena_bytes"], peak, 1) * 1.08)
    ax.set_xticks(range(len(ops)))
    ax.set_xticklabels([short_op_name(op["op"]) for op in ops], rotation=90,
                       fontsize=max(5, min(9, int(400 / max(len(ops), 1)))))
    ax.set_ylabel("arena offset (bytes)")
    ax.set_title(title or f"arena {figures['arena_bytes']:,} B, lower bound {figures['lower_bound_bytes']:,} B, "
                          f"peak scratch {figures['peak_scratch_bytes']:,} B, {len(ops)} ops")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Description": ", ".join(f"{k}={v}" for k, v in figures.items())})
    plt.close(fig)
    return figures
