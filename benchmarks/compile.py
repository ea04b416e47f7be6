"""Per reference model: compile seconds, .pte bytes, int8 weight bytes, SQNR against float (cortex-m55)."""

from __future__ import annotations

import time

import torch

from torchmcu.compare import sqnr_db

from _models import CNN_MODELS, calibration_split, compile_reference_model, quiet


def main() -> None:
    quiet()
    print(f"{'model':<20} {'compile s':>9} {'.pte B':>9} {'int8 weights B':>15} {'SQNR dB':>8}")
    for name in CNN_MODELS:
        start = time.perf_counter()
        program, module = compile_reference_model(name, "cortex-m55")
        seconds = time.perf_counter() - start
        model = module.model().eval()
        samples = calibration_split(module)[1]  # held out from calibration
        with torch.no_grad():
            expected = torch.cat([model(*s).flatten() for s in samples])
            actual = torch.cat([program.run_reference(*s)[0].flatten() for s in samples])
        plan = program.plan
        print(f"{name:<20} {seconds:>9.1f} {plan['pte_bytes']:>9} {plan['int8_weight_bytes']:>15} "
              f"{sqnr_db(expected, actual):>8.2f}")


if __name__ == "__main__":
    main()
