"""CI smoke of the MLPerf Tiny benchmark (benchmarks/mlperf_tiny.py, docs/benchmarks.md): one model on
two boards, both stacks. The model is keyword_spotting, the DS-CNN sample test_zephyr_build.py
already builds for the Cortex-M55 and M33, so ours costs two QEMU runs per board and no build.
Each inference is counted twice under QEMU -icount shift=0: the counts must be identical (an exact
instruction count, not a timing) and the output equal to the host runner's. Upstream ExecuTorch's
Cortex-M backend (benchmarks/upstream) runs the same model file on the Cortex-M55 only: its app is
a Zephyr build of its own (minutes in CI, which is near its budget), so the M33 and M4 cells are
the benchmark's. The full table is benchmarks/mlperf_tiny.py's job."""

from __future__ import annotations

import pytest

from benchmarks.mlperf_tiny import firmware
from tests.zephyr.test_zephyr_build import CONFIGS, assert_matches_host, built
from tests.zephyr.zephyr_workspace import BOARDS, REPO, build_root, workspace_missing

pytestmark = pytest.mark.skipif(workspace_missing() is not None, reason=workspace_missing() or "")

SAMPLE = "keyword_spotting"
UPSTREAM_MISSING = None if (REPO / "benchmarks" / "upstream" / "__init__.py").is_file() else \
    "benchmarks/upstream (upstream ExecuTorch's Cortex-M runner, issue #20) is absent"


@pytest.mark.parametrize("board", ["m55", "m33"])
def test_ours_counts_identical_instructions_twice_and_matches_the_host(board):
    name = BOARDS[board].name
    elf = built(name, SAMPLE, CONFIGS[name]) / "zephyr" / "zephyr.elf"
    counts = []
    for _ in range(2):
        output = firmware.run_qemu(board, elf)
        assert_matches_host(SAMPLE, output)
        counts.append(firmware.inference_instructions(board, SAMPLE, output))
    assert counts[0] is not None and counts[0] > 0, "the sample printed no inference count"
    assert counts[0] == counts[1]


@pytest.mark.skipif(UPSTREAM_MISSING is not None, reason=UPSTREAM_MISSING or "")
def test_upstream_counts_identical_instructions_twice_on_the_m55():
    from benchmarks import upstream

    model = REPO / "samples" / SAMPLE / "model.py"
    pte = upstream.compile_upstream(model, build_root() / "upstream-smoke" / f"{SAMPLE}-m55.pte", "m55")
    first = upstream.build_and_run(pte, "m55")
    again, *_ = upstream.run(first.elf, "m55")  # run() refuses a console whose calibration loop misreads
    assert first.instructions > 0
    assert again == first.instructions
