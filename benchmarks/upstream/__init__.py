"""Upstream ExecuTorch's Cortex-M backend, compiled and run for comparison (benchmarks only).

    from benchmarks.upstream import compile_upstream, build_and_run
    pte = compile_upstream("tests/models/ds_cnn.py", "out/ds_cnn.pte", board="m55")
    result = build_and_run(pte, "m55")  # fed the samples' built-in input pattern
"""

from benchmarks.upstream.compile import compile_upstream, lower_upstream, operators
from benchmarks.upstream.zephyr_build import UpstreamRun, build, build_and_run, input_floats, run

__all__ = ["UpstreamRun", "build", "build_and_run", "compile_upstream", "input_floats", "lower_upstream", "operators",
           "run"]
