"""Per reference model and target: arena bytes, peak scratch, lower bound, arena / lower bound.

The lower bound is the largest number of bytes any single op needs live at
once (its activation inputs + outputs + scratch); no plan can use less arena.
"""

from __future__ import annotations

from _models import CNN_MODELS, compile_reference_model, quiet

TARGETS = ["cortex-m4", "cortex-m33", "cortex-m55"]


def main() -> None:
    from torchmcu.plan import lower_bound_bytes

    quiet()
    print(f"{'model':<20} {'target':<11} {'arena B':>9} {'peak scratch B':>15} {'lower bound B':>14} {'ratio':>6}")
    for name in CNN_MODELS:
        for target in TARGETS:
            plan = compile_reference_model(name, target)[0].plan
            bound = lower_bound_bytes(plan)
            print(f"{name:<20} {target:<11} {plan['arena_bytes']:>9} {plan['peak_scratch_bytes']:>15} "
                  f"{bound:>14} {plan['arena_bytes'] / bound:>6.2f}")


if __name__ == "__main__":
    main()
