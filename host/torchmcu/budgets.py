"""Flash and RAM budgets for a compiled program.

With `--flash-budget` / `--ram-budget` a larger program is refused (exit 2);
without them, a program above 2 MiB or an arena above 1 MiB gets a warning
that names the largest layers, since few Cortex-M parts have that much.
"""

from __future__ import annotations

from typing import Any

from torchmcu.errors import StrictError

PROGRAM_WARNING_BYTES = 2 << 20
ARENA_WARNING_BYTES = 1 << 20
_LAYERS_NAMED = 3


def _largest(plan: dict[str, Any], cost) -> str:
    ranked = sorted(plan["ops"], key=cost, reverse=True)[:_LAYERS_NAMED]
    return ", ".join(f"#{op['index']} {op['op']} {cost(op):,} B" for op in ranked if cost(op) > 0)


def _constant_bytes(op: dict[str, Any]) -> int:
    return sum(t["bytes"] for t in op["constants"])


def _live_bytes(op: dict[str, Any]) -> int:
    return sum(t["bytes"] for t in op["inputs"] + op["outputs"]) + op["scratch_bytes"]


def check_budgets(plan: dict[str, Any], flash_budget: int | None = None, ram_budget: int | None = None) -> list[str]:
    """Raise StrictError when a budget is exceeded; return warnings for unusually large programs."""
    program_bytes = plan["pte_bytes"]
    ram_bytes = plan["arena_bytes"] + (plan.get("method_allocator_bytes") or 0)
    if flash_budget is not None and program_bytes > flash_budget:
        raise StrictError(f"the program is {program_bytes:,} B, above --flash-budget {flash_budget:,} B; "
                          f"largest constants: {_largest(plan, _constant_bytes)}")
    if ram_budget is not None and ram_bytes > ram_budget:
        raise StrictError(f"arena {plan['arena_bytes']:,} B + method pool {plan.get('method_allocator_bytes') or 0:,} B "
                          f"= {ram_bytes:,} B, above --ram-budget {ram_budget:,} B; largest layers: "
                          f"{_largest(plan, _live_bytes)}")
    warnings = []
    if flash_budget is None and program_bytes > PROGRAM_WARNING_BYTES:
        warnings.append(f"the program is {program_bytes:,} B (above 2 MiB); largest constants: "
                        f"{_largest(plan, _constant_bytes)}; set --flash-budget to make this an error")
    if ram_budget is None and plan["arena_bytes"] > ARENA_WARNING_BYTES:
        warnings.append(f"the arena is {plan['arena_bytes']:,} B (above 1 MiB); largest layers: "
                        f"{_largest(plan, _live_bytes)}; set --ram-budget to make this an error")
    return warnings
