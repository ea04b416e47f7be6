"""Zero-copy slices and concatenations (torchmcu.zero_copy_parts, docs/ops.md).

A part that is one contiguous byte range of its whole costs no kernel call: the
program then has no slice / cat call, and still equals the Python reference bit
for bit, on the portable backend here and on the CMSIS-NN backend in a child
process (a process registers one kernel build). Parts that are not one range,
or whose bytes something else still needs, keep the copy kernel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from torchmcu.compiler import compile as compile_model
from torchmcu.run import run_program

REPO = Path(__file__).resolve().parents[2]
COPIES = {"torchmcu::slice.out", "torchmcu::cat.out"}


class Parts(nn.Module):
    """`case` picks the form; every part is behind a linear so it is int8 and written by a kernel."""

    def __init__(self, case: str) -> None:
        super().__init__()
        self.case = case
        self.fc, self.g, self.h = nn.Linear(8, 8), nn.Linear(8, 8), nn.Linear(8, 8)

    def forward(self, x):
        y = self.fc(x)  # [1, 4, 8]: dim 1 is one range per row, dim 2 is not
        a, b = y.split([1, 3], 1)
        c, d = torch.chunk(y, 2, 1)
        if self.case == "zero_copy":  # split, chunk, slice, cat and stack along the outermost dim of size > 1
            rows = torch.stack([self.g(c[0]), self.h(d[0])], 0)
            return torch.cat([self.g(a), self.h(b)], 1).relu(), rows * y[:, 1:3], self.g(c) + self.h(d)
        if self.case == "not_one_range":  # along the last dim, or with a step
            e, f = y.split([3, 5], 2)
            return torch.cat([self.g(y), self.h(y)], 2), e.sum(2, keepdim=True) * f, self.h(y[:, ::2])
        front = self.g(a)
        if self.case == "part_read_after":  # the part's bytes are needed after the cat
            return self.fc(torch.cat([front, self.h(b)], 1)) + front
        if self.case == "part_in_two_cats":
            return torch.cat([front, self.h(b)], 1) + torch.cat([front, self.g(b)], 1)
        raise ValueError(self.case)


def _compile(case: str, target: str = "cortex-m55"):
    torch.manual_seed(3)
    module = Parts(case).eval()
    example = (torch.randn(1, 4, 8),)
    calibration = [(torch.randn(1, 4, 8),) for _ in range(8)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(module, example, target=target, calibration=calibration, strict=True)
    return program, example[0]


def _ops(program) -> list[str]:
    return [op["op"] for op in program.plan["ops"]]


def _max_abs_diffs(program, x) -> list[float]:
    ours, _ = run_program(program.pte, [x.numpy()])
    return [float(np.abs(a.astype(np.int64) - e.numpy().astype(np.int64)).max())
            for a, e in zip(ours, program.run_reference(x))]


@pytest.mark.parametrize("case, copies", [
    ("zero_copy", 0), ("not_one_range", 4), ("part_read_after", 1), ("part_in_two_cats", 2),
])
def test_only_parts_that_are_one_free_range_skip_the_copy(case, copies):
    program, x = _compile(case)
    assert sum(op in COPIES for op in _ops(program)) == copies, _ops(program)
    assert max(_max_abs_diffs(program, x)) == 0.0


def _cmsis_nn_path() -> str | None:
    value = os.environ.get("CMSIS_NN_PATH")
    return value if value and (Path(value) / "Include" / "arm_nnfunctions.h").exists() else None


@pytest.mark.skipif(_cmsis_nn_path() is None, reason="CMSIS_NN_PATH does not name a CMSIS-NN checkout")
def test_zero_copy_parts_match_the_reference_on_the_cmsis_nn_backend():
    result = subprocess.run([sys.executable, __file__], cwd=REPO, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [row["case"] for row in rows] == ["zero_copy", "part_read_after"]
    assert rows[0]["copies"] == 0 and rows[1]["copies"] == 1
    assert all(max(row["max_abs_diff"]) == 0.0 for row in rows), rows


def _run_on_cmsis_nn() -> None:
    from torchmcu.native import BuildConfig, load_library

    load_library(BuildConfig(backend="cmsis_nn", cmsis_nn_path=_cmsis_nn_path()))
    for case in ("zero_copy", "part_read_after"):
        program, x = _compile(case, "cortex-m3")  # x86 runs CMSIS-NN's scalar path
        print(json.dumps({"case": case, "copies": sum(op in COPIES for op in _ops(program)),
                          "max_abs_diff": _max_abs_diffs(program, x)}), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    _run_on_cmsis_nn()
