"""Instructions of lstm_kws's LSTM layer on QEMU, fused (one torchmcu::lstm) against unrolled.

Compiles benchmarks/zoo/lstm_kws.py both ways, turns the LSTM's kernel calls of each program into
tests/target harness cases of the same shapes (random data: a kernel's instruction count follows
its shapes), runs them on one QEMU machine and sums the instruction counts. This is the measurement
behind the LSTM fusion rule (torchmcu.lstm_fusion, docs/ops.md).

    CMSIS_NN_PATH=../shared/cmsis-nn python3 benchmarks/lstm_fusion_cost.py mps2-an386 mps3-an547
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks" / "zoo")]

from tests.target import harness  # noqa: E402
from tests.target.cases import elementwise_case, linear  # noqa: E402
from tests.target.lstm_cases import lstm_case  # noqa: E402


def _programs():
    from torchmcu import lstm_fusion
    from torchmcu.compiler import compile as compile_model

    model = importlib.import_module("lstm_kws")
    programs = {}
    for fused in (True, False):
        lstm_fusion.UNROLL = not fused
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            programs["fused" if fused else "unrolled"] = compile_model(
                model.model(), model.example_inputs(), target="cortex-m4", calibration=model.calibration_data(),
                strict=True)
    lstm_fusion.UNROLL = False
    return programs


def _shape(op, argument):
    return next(t["shape"] for t in op["inputs"] + op["constants"] if t["argument"] == argument)


def _four_d(shape):
    return [1] * (4 - len(shape)) + list(shape)


def unrolled_cases(plan, rng, isa: str, hidden: int):
    """The unrolled LSTM's calls: every table, add and mul, and every linear with one gate's `hidden` rows
    (the classifier has other rows)."""
    cases = []
    for op in plan["ops"]:
        if op["op"] == "torchmcu::linear.out" and _shape(op, "weight")[0] == hidden:
            x, w = _shape(op, "input"), _shape(op, "weight")
            per_channel = math.prod(_shape(op, "multiplier")) > 1
            cases.append(linear(rng, isa, math.prod(x[:-1]), w[1], w[0], per_channel))
        elif op["op"] == "torchmcu::lut.out":
            size = math.prod(_shape(op, "input"))
            x = rng.integers(-128, 128, size, dtype=np.int8)
            table = rng.integers(-128, 128, 256, dtype=np.int8)
            cases.append(harness.Case("lut", [size], [(harness.ROLE_INPUT, x), (harness.ROLE_INPUT, table),
                                                      (harness.ROLE_OUTPUT, size)], [table[x.astype(np.uint8)]]))
        elif op["op"] in ("torchmcu::add.out", "torchmcu::mul.out"):
            op_name = op["op"].split("::")[1].split(".")[0]
            shapes = (_four_d(_shape(op, "input1")), _four_d(_shape(op, "input2")))
            cases.append(elementwise_case(rng, op_name, shapes))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("machines", nargs="+", choices=sorted(harness.MACHINES))
    parser.add_argument("--backends", nargs="+", choices=("portable", "cmsis_nn"), default=["portable", "cmsis_nn"])
    args = parser.parse_args()
    programs = _programs()
    for name, program in programs.items():
        print(f"lstm_kws {name}: {program.plan['kernel_calls']} kernel calls, .pte {len(program.pte)} B")
    (lstm,) = [op for op in programs["fused"].plan["ops"] if op["op"] == "torchmcu::lstm.out"]
    batch, steps, features = _shape(lstm, "input")
    hidden = _shape(lstm, "hidden_weights")[1]
    for machine_name in args.machines:
        machine = harness.MACHINES[machine_name]
        rng = np.random.default_rng(0)
        fused = [lstm_case(rng, batch=batch, time_steps=steps, input_size=features, hidden_size=hidden,
                           time_major=False)]
        unrolled = unrolled_cases(programs["unrolled"].plan, rng, machine.isa, hidden)
        for backend in args.backends:
            for name, cases in (("fused", fused), ("unrolled", unrolled)):
                results = harness.run(machine, cases, backend)
                assert all(r.status == 0 for r in results), [r.status for r in results]
                # SysTick ticks of each call (harness timing included), in instructions (-icount shift=0)
                instructions = sum(r.ticks for r in results) * machine.instructions_per_tick
                print(f"{machine_name} ({machine.cpu}) {backend} LSTM layer {name}: {len(cases)} kernel calls, "
                      f"{instructions:,.0f} instructions", flush=True)


if __name__ == "__main__":
    main()
