"""`python -m torchmcu.selection`: the kernels and portable fallbacks a firmware's programs need."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

HELLO = Path(__file__).resolve().parents[2] / "samples" / "hello_model" / "model.py"
# Two inputs whose add broadcasts: CMSIS-NN adds flat vectors, so the call goes to the portable kernel.
BROADCAST_ADD = '''
import torch
from torch import nn


class Model(nn.Module):
    def forward(self, x, y):
        return torch.relu(x + y)


def model():
    return Model().eval()


def example_inputs():
    g = torch.Generator().manual_seed(0)
    return (torch.randn(1, 4, 8, generator=g), torch.randn(1, 1, 8, generator=g))
'''


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=900)


def compile_model(model: Path, out: Path, name: str) -> Path:
    result = run("-m", "torchmcu", "compile", str(model), "--output-dir", str(out), "--name", name, "--quiet")
    assert result.returncode == 0, result.stderr
    return out / f"{name}.pte"


def torchmcu_ops(program: Path) -> set[str]:
    """The torchmcu ops a program calls, read by the plan (not by the selection)."""
    result = run("-m", "torchmcu", "plan", str(program), "--json")
    assert result.returncode == 0, result.stderr
    ops = {op["op"] for op in json.loads(result.stdout)["ops"]}
    return {op.split("::")[1].split(".")[0] for op in ops if op.startswith("torchmcu::")}


def select(*args) -> subprocess.CompletedProcess:
    return run("-m", "torchmcu.selection", *map(str, args))


def header_flags(path: Path, kind: str) -> dict[str, int]:
    return {m[0]: int(m[1]) for m in re.findall(rf"#define TMCU_SELECTED_{kind}_(\w+) (\d)", path.read_text())}


@pytest.fixture(scope="module")
def programs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("programs")
    (out / "broadcast_add.py").write_text(BROADCAST_ADD)
    return {"hello": compile_model(HELLO, out, "hello_model"),
            "broadcast_add": compile_model(out / "broadcast_add.py", out, "broadcast_add")}


def test_selection_is_exactly_the_kernels_the_program_calls(programs, tmp_path):
    result = select(programs["hello"], "--output", tmp_path)
    assert result.returncode == 0, result.stderr
    selection = json.loads((tmp_path / "selection.json").read_text())
    assert set(selection["kernels"]) == torchmcu_ops(programs["hello"])
    kernels = header_flags(tmp_path / "torchmcu_kernel_selection.h", "KERNEL")
    assert {op for op, on in kernels.items() if on} == set(selection["kernels"])
    assert kernels["add"] == 0 and kernels["conv2d"] == 1
    # No call of hello_model (no grouped conv without bias, no broadcast) needs a portable fallback.
    assert selection["fallbacks"] == []
    assert not any(header_flags(tmp_path / "torchmcu_kernel_selection.h", "FALLBACK").values())


def test_a_broadcasting_add_links_the_portable_add(programs, tmp_path):
    assert "add" in torchmcu_ops(programs["broadcast_add"])
    assert select(programs["broadcast_add"], "--output", tmp_path).returncode == 0
    fallbacks = header_flags(tmp_path / "torchmcu_kernel_selection.h", "FALLBACK")
    assert fallbacks["add"] == 1 and fallbacks["conv2d"] == 0


def test_several_programs_select_the_union(programs, tmp_path):
    assert select(programs["hello"], programs["broadcast_add"], "--output", tmp_path).returncode == 0
    selection = json.loads((tmp_path / "selection.json").read_text())
    assert set(selection["kernels"]) == torchmcu_ops(programs["hello"]) | torchmcu_ops(programs["broadcast_add"])
    assert selection["fallbacks"] == ["add"]
    assert selection["programs"] == ["hello_model.pte", "broadcast_add.pte"]


def test_a_fixed_selection_refuses_a_program_that_needs_more(programs, tmp_path):
    assert select(programs["hello"], "--output", tmp_path / "hello").returncode == 0
    fixed = tmp_path / "hello" / "selection.json"
    result = select(programs["broadcast_add"], "--kernels", fixed, "--output", tmp_path / "out")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"^error: broadcast_add.pte needs torchmcu::add.out", result.stderr, re.M)
    assert "the portable fallback of torchmcu::add.out" in result.stderr and str(fixed) in result.stderr
    # A program inside the fixed selection builds with exactly that selection.
    assert select(programs["hello"], "--kernels", fixed, "--output", tmp_path / "ok").returncode == 0
    assert (tmp_path / "ok" / "selection.json").read_text() == fixed.read_text()


def test_no_program_selects_every_kernel_and_bad_input_is_one_error_line(tmp_path):
    assert select("--output", tmp_path / "all").returncode == 0
    assert all(header_flags(tmp_path / "all" / "torchmcu_kernel_selection.h", "KERNEL").values())
    (tmp_path / "notes.pte").write_text("not a program")
    result = select(tmp_path / "notes.pte", "--output", tmp_path / "bad")
    assert result.returncode == 1 and re.search(r"^error: notes.pte: not an ExecuTorch program", result.stderr, re.M)
    assert "Traceback" not in result.stderr
