"""Upstream ExecuTorch's Cortex-M backend, compiled and run for comparison (benchmarks only).

    from benchmarks.upstream import compile_upstream, build_and_run, input_bytes
    pte = compile_upstream("tests/models/ds_cnn.py", "out/ds_cnn.pte", cpu="cortex-m55")
    result = build_and_run(pte, "mps3/corstone300/an547", input_bytes(pte, example_inputs))
"""

from benchmarks.upstream.compile import BOARD_CPU, compile_upstream, lower_upstream, operators
from benchmarks.upstream.zephyr_build import BOARDS, UpstreamRun, build, build_and_run, input_bytes, instructions, run

__all__ = ["BOARD_CPU", "BOARDS", "UpstreamRun", "build", "build_and_run", "compile_upstream", "input_bytes",
           "instructions", "lower_upstream", "operators", "run"]
